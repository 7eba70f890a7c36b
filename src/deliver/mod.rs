//! Delivery: turns resolved credentials into output. Never resolves anything itself.

pub mod completion;
pub mod credfile;
pub mod endpoint;
pub mod env;
pub mod exec;
pub mod json;
pub mod managed;
mod out;
pub mod quote;
pub mod server;
pub mod shell;
pub mod text;
pub mod tls;

pub use out::Out;

use std::io::Write;

/// Writes all of `text` to stdout; a closed pipe (`| head`) is not an error.
pub fn stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::anyhow!("cannot write to stdout: {e}"))
        }
        _ => Ok(()),
    }
}
