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

/// The settings a child of `--serve --exec` keeps from the user's profile and `[default]`: none
/// names or holds a credential.
pub const CHILD_SETTINGS: [&str; 22] = [
    "region",
    "output",
    "ca_bundle",
    "retry_mode",
    "max_attempts",
    "parameter_validation",
    "tcp_keepalive",
    "defaults_mode",
    "s3",
    "sts_regional_endpoints",
    "use_fips_endpoint",
    "use_dualstack_endpoint",
    "endpoint_url",
    "ignore_configured_endpoint_urls",
    "request_checksum_calculation",
    "response_checksum_validation",
    "account_id_endpoint_mode",
    "disable_request_compression",
    "request_min_compression_size_bytes",
    "sdk_ua_app_id",
    "cli_pager",
    "cli_timestamp_format",
];

/// The AWS files of a `--serve --exec` child: a config whose `[default]` holds only `CHILD_SETTINGS`
/// and an empty credentials file, in a private directory removed when the child is done. Every
/// SDK's chain reads the files' `[default]` before the container endpoint: with the user's own it
/// would take `[default]`'s keys, process, SSO or role instead of the endpoint, silently.
pub struct ChildFiles {
    dir: std::path::PathBuf,
}

impl ChildFiles {
    pub fn write(settings: &[(String, String)]) -> anyhow::Result<Self> {
        let run = crate::files::home_dir().join(".awsume").join("run");
        let dir = run.join(format!("serve-{}", crate::encoding::random_hex(8)?));
        crate::files::cache_dir(&run)?;
        crate::files::cache_dir(&dir)?;
        let files = Self { dir };
        let mut config = String::from("[default]\n");
        for (key, value) in settings {
            // A nested block's lines (`s3 =`) stay indented under their key.
            config.push_str(&format!("{key} = {}\n", value.replace('\n', "\n  ")));
        }
        crate::files::write_cache(&files.config(), config.as_bytes())?;
        crate::files::write_cache(&files.credentials(), b"")?;
        Ok(files)
    }

    fn config(&self) -> std::path::PathBuf {
        self.dir.join("config")
    }

    fn credentials(&self) -> std::path::PathBuf {
        self.dir.join("credentials")
    }
}

impl Drop for ChildFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `--exec` with `--serve`: the command runs as a child with the endpoint and its token (no keys),
/// AWS files of its own (`ChildFiles`: `settings`, no credential), and the signals a person or a
/// supervisor sends awsume passed on to it; its status comes back (128 + the signal that ended it).
pub fn run_served(
    argv: &[String],
    endpoint: &Endpoint<'_>,
    region: Option<&str>,
    settings: &[(String, String)],
) -> anyhow::Result<ExitCode> {
    let (mut command, program) = command(argv, region)?;
    let files = ChildFiles::write(settings)?;
    command
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &endpoint.url)
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", endpoint.token.expose())
        .env("AWS_CONFIG_FILE", files.config())
        .env("AWS_SHARED_CREDENTIALS_FILE", files.credentials());
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
            crate::child::send(pid, signal);
        }
    });
    Ok(Forwarding { handle, thread })
}

/// Windows: Ctrl-C reaches every process of the console; nothing to pass on.
#[cfg(not(unix))]
fn forward_signals(_child: u32) -> anyhow::Result<Forwarding> {
    Ok(Forwarding {})
}
