//! `--exec CMD ARGS…`: the command runs (no shell) with the parent's environment minus profile
//! selection, plus the credentials: as keys (this process is replaced by the command), or with
//! `--serve` as a container credentials endpoint of its own, for which awsume stays, passes
//! SIGINT, SIGTERM and SIGHUP on, and returns the command's status. Secrets travel in the
//! environment only, never in argv.

use std::process::{Command, ExitCode};

use crate::credentials::{Credentials, Secret};

/// What the command's SDK reads to find its endpoint.
pub struct Endpoint<'a> {
    pub url: String,
    pub token: &'a Secret,
}

/// The variables that would make an SDK look elsewhere than at what `--exec` gives it: a profile,
/// keys, a web identity, another container endpoint.
const ELSEWHERE: [&str; 13] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/// The command, its environment cleared of `ELSEWHERE`, with the region set.
fn command<'a>(argv: &'a [String], region: Option<&str>) -> anyhow::Result<(Command, &'a str)> {
    let Some((program, args)) = argv.split_first() else {
        anyhow::bail!("--exec needs a command to run");
    };
    let mut command = Command::new(program);
    command.args(args);
    for name in ELSEWHERE {
        command.env_remove(name);
    }
    if let Some(region) = region {
        command.env("AWS_REGION", region).env("AWS_DEFAULT_REGION", region);
    }
    Ok((command, program))
}

/// `--exec`: the command replaces this process, the keys in its environment.
pub fn exec(argv: &[String], creds: &Credentials, region: Option<&str>) -> anyhow::Result<ExitCode> {
    let (mut command, program) = command(argv, region)?;
    command.env("AWS_ACCESS_KEY_ID", &creds.access_key_id);
    command.env("AWS_SECRET_ACCESS_KEY", creds.secret_access_key.expose());
    if let Some(token) = &creds.session_token {
        command.env("AWS_SESSION_TOKEN", token.expose());
        command.env("AWS_SECURITY_TOKEN", token.expose());
    }
    if let Some(exp) = creds.expiration_rfc3339() {
        command.env("AWS_CREDENTIAL_EXPIRATION", exp);
    }
    // Only returns on failure.
    #[cfg(unix)]
    let err = std::os::unix::process::CommandExt::exec(&mut command);
    // Windows cannot replace a process: run the command and pass its exit status on.
    #[cfg(not(unix))]
    let err = match command.status() {
        Ok(status) => return Ok(exit_code(status)),
        Err(err) => err,
    };
    Ok(cannot_run(program, &err))
}

/// `--exec` with `--serve`: the command runs as a child with the endpoint and its token (no keys),
/// the signals a person or a supervisor sends awsume passed on to it; its status comes back
/// (128 + the signal that ended it).
pub fn run_served(
    argv: &[String],
    endpoint: &Endpoint<'_>,
    region: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let (mut command, program) = command(argv, region)?;
    command
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &endpoint.url)
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", endpoint.token.expose());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(err) => return Ok(cannot_run(program, &err)),
    };
    let forwarding = forward_signals(child.id())?;
    let status = child.wait();
    forwarding.stop();
    Ok(exit_code(status?))
}

fn cannot_run(program: &str, err: &std::io::Error) -> ExitCode {
    let code = if err.kind() == std::io::ErrorKind::NotFound { 127 } else { 126 };
    crate::messages::error(&anyhow::anyhow!("cannot run {program:?}: {err}"));
    ExitCode::from(code)
}

/// The child's exit code, or 128 + the signal that killed it (as a shell says it).
fn exit_code(status: std::process::ExitStatus) -> ExitCode {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return ExitCode::from(u8::try_from(128 + signal).unwrap_or(255));
    }
    ExitCode::from(u8::try_from(status.code().unwrap_or(1) & 0xff).unwrap_or(1))
}

/// SIGINT, SIGTERM and SIGHUP sent to awsume go to the child instead (awsume waits for it to end).
struct Forwarding {
    #[cfg(unix)]
    handle: signal_hook::iterator::Handle,
    #[cfg(unix)]
    thread: std::thread::JoinHandle<()>,
}

impl Forwarding {
    fn stop(self) {
        #[cfg(unix)]
        {
            self.handle.close();
            let _ = self.thread.join();
        }
    }
}

#[cfg(unix)]
fn forward_signals(child: u32) -> anyhow::Result<Forwarding> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
        .map_err(|e| anyhow::anyhow!("cannot pass signals on to the command: {e}"))?;
    let handle = signals.handle();
    let pid = i32::try_from(child).unwrap_or(i32::MAX);
    let thread = std::thread::spawn(move || {
        for signal in signals.forever() {
            send(pid, signal);
        }
    });
    Ok(Forwarding { handle, thread })
}

/// Windows: Ctrl-C reaches every process of the console; nothing to pass on.
#[cfg(not(unix))]
fn forward_signals(_child: u32) -> anyhow::Result<Forwarding> {
    Ok(Forwarding {})
}

/// `signal` to process `pid` (the child awsume started and waits for, so the pid is still its).
#[cfg(unix)]
#[allow(unsafe_code)]
fn send(pid: i32, signal: i32) {
    // SAFETY: kill(2) takes plain integers and has no memory effects; an error (the child just
    // ended) is of no consequence.
    unsafe {
        libc::kill(pid, signal);
    }
}
