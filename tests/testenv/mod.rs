//! The one test fixture: a temp HOME with its own AWS files, the built binary run with a clean
//! environment, and one real moto STS server per test binary (tests/support/sts_server.py). Each
//! TestEnv has its own endpoint path on that server, so its recorded STS calls are its own. Every
//! helper the tests share lives here (and in `shells.rs`, `tmux.rs`, `fixtures.rs`), nowhere else:
//! topic modules import only from `testenv`.

// The binary's own list, compiled as it is: tests and code cannot disagree on it.
mod fixtures;
#[path = "../../src/deliver/managed.rs"]
mod managed_list;
mod namespaces;
mod shells;
mod tmux;

pub use fixtures::*;
pub use managed_list::{AUTO_REFRESH, MANAGED};
pub use namespaces::{hosts_for, in_partitions, json};
pub use shells::{SHELLS, Sh, init_script, managed, nu_path};
pub use tmux::{Tmux, interactive_command, start, start_sized};

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::Duration;

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_awsume");

/// "At once", for a run that must not wait on something (a sign-in nobody answers, a retry
/// loop): far more than any run takes on a loaded machine, far less than the waits it guards
/// against (minutes). Tests assert conditions, not speed; this only catches a hang.
pub const PROMPTLY: Duration = Duration::from_secs(30);

struct Server {
    port: u16,
    /// The same STS over TLS, with a certificate from a throw-away CA (`TestEnv::test_ca`).
    tls_port: u16,
    _child: Mutex<Child>,
    // Held open for the whole run; the server exits when this test binary does.
    _stdin: Mutex<ChildStdin>,
}

/// The Python with moto and boto3 (`AWSUME_TEST_PYTHON`, else the venv `scripts/test` makes).
pub fn python() -> PathBuf {
    std::env::var_os("AWSUME_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python"))
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/sts_server.py");
        let mut child = Command::new(python())
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start moto with {:?} ({e}): run scripts/test", python()));
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(60)).expect("moto did not start within 60 s");
        let ports: Vec<u16> = line.split_whitespace().filter_map(|p| p.parse().ok()).collect();
        let [port, tls_port] = ports[..] else { panic!("moto printed {line:?}, not two ports") };
        let stdin = child.stdin.take().unwrap();
        Server { port, tls_port, _child: Mutex::new(child), _stdin: Mutex::new(stdin) }
    })
}

pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Exit 0, or the failure's stderr (and stdout) in the test's message.
    pub fn ok(&self) -> &Self {
        assert_eq!(self.status, 0, "stderr: {}\nstdout: {}", self.stderr, self.stdout);
        self
    }

    /// Exit 1, one line on stderr naming `needle`, nothing on stdout.
    pub fn assert_clean_failure(&self, needle: &str) {
        assert_eq!(self.status, 1, "stderr: {}", self.stderr);
        assert_eq!(self.stdout, "", "nothing on stdout on failure");
        assert_eq!(self.stderr.lines().count(), 1, "one line on stderr: {:?}", self.stderr);
        assert!(self.stderr.starts_with("awsume: "), "{}", self.stderr);
        assert!(self.stderr.contains(needle), "stderr {:?} lacks {needle:?}", self.stderr);
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
    }

    /// Exit 2 with clap's own message naming `needle` and its pointer to `--help`, nothing on stdout.
    pub fn assert_usage_error(&self, needle: &str) {
        assert_eq!(self.status, 2, "stderr: {}", self.stderr);
        assert_eq!(self.stdout, "", "nothing on stdout on failure");
        assert!(self.stderr.starts_with("error: "), "{}", self.stderr);
        assert!(self.stderr.contains(needle), "stderr {:?} lacks {needle:?}", self.stderr);
        assert!(self.stderr.contains("try '--help'"), "{}", self.stderr);
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("{e}: {:?} / {}", self.stdout, self.stderr))
    }
}

pub struct TestEnv {
    pub home: tempfile::TempDir,
    pub id: String,
    pub endpoint: String,
    port: u16,
}

impl TestEnv {
    pub fn new() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let port = server().port;
        let id = format!("t{}x{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let home = tempfile::Builder::new().prefix("awsume-test.").tempdir().unwrap();
        std::fs::create_dir_all(home.path().join(".aws")).unwrap();
        let run = home.path().join(".run");
        std::fs::create_dir_all(&run).unwrap();
        std::fs::set_permissions(&run, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
        let endpoint = format!("http://127.0.0.1:{port}/{id}/");
        Self { home, id, endpoint, port }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.home.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn config(&self, text: &str) {
        self.write(".aws/config", text);
    }

    pub fn credentials(&self, text: &str) {
        self.write(".aws/credentials", text);
    }

    /// The binary's directory first on PATH, so shells find `awsume`.
    pub fn path_var() -> String {
        let dir = Path::new(BIN).parent().unwrap().display().to_string();
        format!("{dir}:/usr/local/bin:/usr/bin:/bin")
    }

    /// The environment every program in a test gets: nothing of the real user's.
    pub fn env(&self) -> Vec<(String, String)> {
        let home = self.home.path().display().to_string();
        [
            ("HOME", home.clone()),
            ("PATH", Self::path_var()),
            ("LANG", "C.UTF-8".into()),
            ("AWS_CONFIG_FILE", format!("{home}/.aws/config")),
            ("AWS_SHARED_CREDENTIALS_FILE", format!("{home}/.aws/credentials")),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            // Whatever a shell or tmux keeps at run time stays in this HOME, not in /tmp (fish's
            // runtime directory, tmux's sockets), and no shell writes a history file on its way out.
            ("XDG_RUNTIME_DIR", format!("{home}/.run")),
            ("TMUX_TMPDIR", format!("{home}/.run")),
            ("HISTFILE", String::new()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear().envs(self.env()).current_dir(self.home.path());
        cmd
    }

    pub fn awsume(&self, args: &[&str]) -> Command {
        let mut cmd = self.command(BIN);
        cmd.args(args);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        run(self.awsume(args), None)
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Output {
        run(self.awsume(args), Some(stdin))
    }

    /// A GET of the test server's own pages, as text.
    fn server_page(&self, path: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default()
    }

    /// This test's STS calls, in order: `{action, key (signing access key id), params}`.
    pub fn calls(&self) -> Vec<Value> {
        serde_json::from_str::<Vec<Value>>(&self.server_page(&format!("/_awsume/requests/{}", self.id)))
            .unwrap()
    }

    /// This test's endpoint on the TLS side of the test STS, and the PEM of the CA that signed it.
    pub fn tls_endpoint(&self) -> (String, String) {
        (format!("https://127.0.0.1:{}/{}/", server().tls_port, self.id), self.server_page("/_awsume/ca"))
    }

    pub fn actions(&self) -> Vec<String> {
        self.calls().iter().map(|c| c["action"].as_str().unwrap_or("").to_string()).collect()
    }
}

/// `program ARGS` as a process with no terminal: a new session (`setsid`), stdin closed.
pub fn detached(env: &TestEnv, program: &str, args: &[&str], vars: &[(&str, &str)]) -> Command {
    let mut cmd = env.command("setsid");
    cmd.arg(program).args(args).envs(vars.iter().copied());
    cmd
}

/// What a started child printed and how it ended.
pub fn finished(child: Child) -> Output {
    let out = child.wait_with_output().unwrap();
    Output {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Starts every command at once (stdin closed, output captured), then waits for each.
pub fn together(commands: impl IntoIterator<Item = Command>) -> Vec<Output> {
    let children: Vec<Child> = commands
        .into_iter()
        .map(|mut cmd| {
            cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    children.into_iter().map(finished).collect()
}

pub fn run(mut cmd: Command, stdin: Option<&str>) -> Output {
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Output {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A user `base` with long-term keys and `mfa_serial`, and a role `r` over it.
pub fn mfa_env() -> TestEnv {
    let env = TestEnv::new();
    env.config(
        "[profile base]\nmfa_serial = arn:aws:iam::1:mfa/base\n\
         [profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n",
    );
    env.credentials(&static_keys("base", "AKIABASE", "base-secret"));
    env
}

/// Starts `awsume ARGS` (`export … --imds/--container ADDRESS`) and returns it with the address its
/// first line on stderr names.
pub fn start_server(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut cmd = env.awsume(args);
    cmd.envs(vars.iter().copied()).stdin(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    let address =
        line.split("http://").nth(1).unwrap().split(['/', ':', ' ']).take(2).collect::<Vec<_>>().join(":");
    (child, address)
}

/// A file's permission bits.
pub fn mode(path: &Path) -> u32 {
    std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(path).unwrap().permissions()) & 0o777
}

/// A static profile's files: `[NAME]` with these keys in the credentials file.
/// A browser that opens the private page awsume hands it (`file://…`), follows its redirect to the
/// sign-in page and that page's redirect back to awsume's loopback listener; every argv it was
/// given is kept in `$HOME/browser.argv`.
pub fn following_browser(env: &TestEnv) -> PathBuf {
    const SCRIPT: &str = r#"#!/bin/sh
printf '%s\n' "$@" >> "$HOME/browser.argv"
page=${1#file://}
url=$(sed -n 's/.*content="0;url=\([^"]*\)".*/\1/p' "$page" | sed 's/&quot;/"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g')
exec curl -s -o /dev/null -L --max-time 10 "$url"
"#;
    let browser = env.write("follow", SCRIPT);
    std::fs::set_permissions(&browser, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    browser
}

pub fn static_keys(name: &str, key: &str, secret: &str) -> String {
    format!("[{name}]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n")
}
