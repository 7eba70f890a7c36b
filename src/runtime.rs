//! The one async runtime: tokio, current-thread, built on first need (a run that makes no call
//! never builds it) and shared by everything that waits on the network or a socket: STS, SSO,
//! the sign-ins, IAM, the keychain's D-Bus client. Several threads may `block_on` it at once (the
//! credential servers do): tokio lets a current-thread runtime be driven by whichever waits.

use std::sync::OnceLock;

use tokio::runtime::Runtime;

/// The runtime, built the first time it is asked for.
pub fn get() -> anyhow::Result<&'static Runtime> {
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))
}
