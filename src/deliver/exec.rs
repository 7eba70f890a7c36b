//! `--exec CMD ARGS…`: replaces this process with the command (no shell), its environment the
//! parent's minus profile selection, plus the credentials. Secrets travel in the environment only.

use std::process::{Command, ExitCode};

use crate::credentials::Credentials;

pub fn exec(argv: &[String], creds: &Credentials, region: Option<&str>) -> anyhow::Result<ExitCode> {
    let Some((program, args)) = argv.split_first() else {
        anyhow::bail!("--exec needs a command to run");
    };
    let mut command = Command::new(program);
    command.args(args);
    for name in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
    ] {
        command.env_remove(name);
    }
    command.env("AWS_ACCESS_KEY_ID", &creds.access_key_id);
    command.env("AWS_SECRET_ACCESS_KEY", creds.secret_access_key.expose());
    if let Some(token) = &creds.session_token {
        command.env("AWS_SESSION_TOKEN", token.expose());
        command.env("AWS_SECURITY_TOKEN", token.expose());
    }
    if let Some(exp) = creds.expiration_rfc3339() {
        command.env("AWS_CREDENTIAL_EXPIRATION", exp);
    }
    if let Some(region) = region {
        command.env("AWS_REGION", region).env("AWS_DEFAULT_REGION", region);
    }
    // Only returns on failure.
    #[cfg(unix)]
    let err = std::os::unix::process::CommandExt::exec(&mut command);
    // Windows cannot replace a process: run the command and pass its exit status on.
    #[cfg(not(unix))]
    let err = match command.status() {
        Ok(status) => {
            return Ok(ExitCode::from(u8::try_from(status.code().unwrap_or(1) & 0xff).unwrap_or(1)));
        }
        Err(err) => err,
    };
    let code = if err.kind() == std::io::ErrorKind::NotFound { 127 } else { 126 };
    crate::messages::error(&anyhow::anyhow!("cannot run {program:?}: {err}"));
    Ok(ExitCode::from(code))
}
