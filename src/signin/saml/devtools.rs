//! The person's own Chromium-family browser, driven over the DevTools protocol on a pipe
//! (`--remote-debugging-pipe`: fds 3 and 4, NUL-separated JSON; no TCP port another local user could
//! reach). It opens the identity provider's page in a profile directory of awsume's own (kept, so the
//! IdP's cookies spare most sign-ins), intercepts the POST to AWS's `/saml` endpoint (the Fetch
//! domain) and answers it itself: the assertion never reaches AWS's sign-in page, only STS. The
//! client is ours, small and on tokio: the maintained crates (chromiumoxide, headless_chrome) bring
//! their own runtimes, websockets and hundreds of generated types for five commands.

#[cfg(unix)]
use std::collections::VecDeque;
#[cfg(unix)]
use std::path::{Path, PathBuf};
use std::time::Duration;

#[cfg(unix)]
use anyhow::anyhow;
use anyhow::{Result, bail};
#[cfg(unix)]
use serde_json::{Value, json};

#[cfg(unix)]
use super::post::Posts;
#[cfg(unix)]
use super::wire;
use crate::credentials::Secret;
#[cfg(unix)]
use crate::messages::debug;

/// The browser's command line: `AWSUME_SAML_BROWSER`, else the profile's `saml_browser`, else the
/// first Chromium-family browser found on PATH or where macOS installs them.
#[cfg(unix)]
fn command(profile_setting: Option<&str>) -> Result<Vec<String>> {
    let chosen =
        crate::environment::var("AWSUME_SAML_BROWSER").or_else(|| profile_setting.map(str::to_string));
    if let Some(line) = chosen {
        let words = shell_words::split(&line).map_err(|e| anyhow!("saml_browser {line:?}: {e}"))?;
        if words.is_empty() {
            bail!("saml_browser is empty");
        }
        return Ok(words);
    }
    installed().map(|path| vec![path.to_string_lossy().into_owned()]).ok_or_else(|| {
        anyhow!(
            "no Chrome, Chromium, Edge or Brave found for saml_url: name one with saml_browser (or AWSUME_SAML_BROWSER), or use saml_process"
        )
    })
}

/// The first Chromium-family browser installed.
#[cfg(unix)]
fn installed() -> Option<PathBuf> {
    const ON_PATH: &[&str] = &[
        "google-chrome",
        "google-chrome-stable",
        "chromium",
        "chromium-browser",
        "microsoft-edge",
        "microsoft-edge-stable",
        "brave-browser",
        "brave",
        "chrome",
        "msedge",
    ];
    if let Some(path) = ON_PATH.iter().find_map(|name| crate::environment::on_path(name.as_ref())) {
        return Some(path);
    }
    let mut places: Vec<PathBuf> = Vec::new();
    if cfg!(target_os = "macos") {
        for app in ["Google Chrome", "Chromium", "Microsoft Edge", "Brave Browser"] {
            let inside = format!("{app}.app/Contents/MacOS/{app}");
            places.push(Path::new("/Applications").join(&inside));
            places.push(crate::files::home_dir().join("Applications").join(&inside));
        }
    }
    places.into_iter().find(|p| p.is_file())
}

/// The browser profile of awsume's own: `$XDG_DATA_HOME/awsume/saml-browser`, else
/// `~/.awsume/saml-browser` (0700).
#[cfg(unix)]
fn profile_dir() -> PathBuf {
    crate::files::data_dir("saml-browser")
}

/// Where the identity provider posts for AWS: the `/saml` endpoints of every partition's sign-in
/// service, or `AWS_ENDPOINT_URL_SIGNIN`'s.
#[cfg(unix)]
fn saml_endpoints() -> Vec<String> {
    match crate::aws::sts::endpoint_url("AWS_ENDPOINT_URL_SIGNIN", None) {
        Some(url) => vec![format!("{}/saml*", url.trim_end_matches('/'))],
        None => crate::aws::partition::PARTITIONS
            .iter()
            .filter_map(|p| p.console)
            .flat_map(|(signin, _)| [format!("https://{signin}/saml*"), format!("https://*.{signin}/saml*")])
            .collect(),
    }
}

/// The most events kept while awsume waits for one answer (a sign-in page makes a few dozen).
#[cfg(unix)]
const MAX_EVENTS: usize = 10_000;

/// The page the browser shows instead of AWS's once the assertion is taken.
#[cfg(unix)]
const DONE_PAGE: &str = "<!doctype html><meta charset=utf-8><title>awsume</title>\
    <p style=\"font:16px sans-serif;margin:3em\">Signed in: awsume has the role. You can close this window.</p>";

/// Opens `url` in the browser (`saml_browser`, or one found) and waits (at most `wait`) for the
/// assertion it posts to AWS.
#[cfg(unix)]
pub async fn assertion(saml_browser: Option<&str>, url: &str, wait: Duration) -> Result<Secret> {
    let command = command(saml_browser)?;
    let dir = profile_dir();
    crate::files::private_dir(&dir)
        .map_err(|e| anyhow!("cannot make the browser profile {}: {e}", crate::files::display(&dir)))?;
    // Its cookies sign in as the person: a profile someone else owns or may write is not used.
    if let Some(why) = crate::files::untrusted(&dir) {
        bail!("the SAML browser profile is not to be trusted: {why}");
    }
    // One browser per profile directory: Chromium hands a second one over to the first.
    let _profile = crate::files::lock_beside(&dir, wait, "signing in at the identity provider")?;
    let mut browser = Launched::start(&command, &dir)?;
    let found = tokio::time::timeout(wait, browser.session(url)).await;
    let result = match found {
        Ok(result) => result,
        Err(_) => {
            Err(anyhow!("the identity provider's page posted no SAML assertion in {} s", wait.as_secs()))
        }
    };
    browser.close().await;
    result
}

#[cfg(not(unix))]
pub async fn assertion(_saml_browser: Option<&str>, _url: &str, _wait: Duration) -> Result<Secret> {
    bail!(
        "saml_url needs the browser's DevTools pipe, which awsume cannot hand to a browser on this OS yet: use saml_process"
    )
}

/// A browser awsume started: killed when dropped, so it never outlives the run.
#[cfg(unix)]
struct Launched {
    child: std::process::Child,
    pipe: Pipe,
    next_id: u64,
}

#[cfg(unix)]
impl Launched {
    fn start(command: &[String], dir: &Path) -> Result<Self> {
        use std::os::fd::AsRawFd;
        use std::os::unix::process::CommandExt;
        let (program, args) = command.split_first().expect("a command has a program");
        // awsume writes to the browser's fd 3 and reads its fd 4.
        let (to_browser, browser_reads) = pipe()?;
        let (browser_writes, from_browser) = pipe()?;
        let (reads, writes) = (browser_reads.as_raw_fd(), browser_writes.as_raw_fd());
        let mut cmd = std::process::Command::new(program);
        cmd.args(args)
            .arg(format!("--user-data-dir={}", dir.display()))
            .args(["--remote-debugging-pipe", "--no-first-run", "--no-default-browser-check", "about:blank"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        // A process group of its own: what the browser starts ends with it (`child::end_group`).
        cmd.process_group(0);
        // SAFETY: between fork and exec the closure calls only async-signal-safe functions (fcntl,
        // dup2, prctl) on descriptors it owns, and allocates nothing.
        #[allow(unsafe_code)]
        unsafe {
            cmd.pre_exec(move || give_pipe(reads, writes));
        }
        let child = cmd.spawn().map_err(|e| anyhow!("cannot start the browser {program:?}: {e}"))?;
        debug!("started {program} for the SAML sign-in (pid {})", child.id());
        drop((browser_reads, browser_writes));
        let pipe = Pipe::new(to_browser, from_browser)?;
        Ok(Self { child, pipe, next_id: 0 })
    }

    /// Sends `method` (to the page `session`, or the browser) and waits for its answer, passing
    /// over the events that come first to `events`.
    async fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
        events: &mut VecDeque<Value>,
    ) -> Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = session.into();
        }
        self.pipe.send(&message).await?;
        loop {
            let answer = self.receive().await?;
            if answer.get("id").and_then(Value::as_u64) != Some(id) {
                // A flood of events before the answer is a browser that is not one: refused, never
                // held without bound.
                if events.len() >= MAX_EVENTS {
                    bail!("the browser sent over {MAX_EVENTS} events without answering {method}");
                }
                events.push_back(answer);
                continue;
            }
            if let Some(error) = answer.get("error") {
                let text = error.get("message").and_then(Value::as_str).unwrap_or("an error");
                bail!("the browser refused {method}: {text}");
            }
            return Ok(answer.get("result").cloned().unwrap_or(Value::Null));
        }
    }

    /// The browser's next message; an error once the browser itself has gone (a process it started
    /// may still hold the pipe open: that is no reason to wait).
    async fn receive(&mut self) -> Result<Value> {
        loop {
            match tokio::time::timeout(Duration::from_millis(250), self.pipe.receive()).await {
                Ok(message) => return message,
                Err(_) if matches!(self.child.try_wait(), Ok(Some(_))) => {
                    bail!("the browser closed before the identity provider posted to AWS")
                }
                Err(_) => {}
            }
        }
    }

    /// Attaches to every page the browser opens (the first, and any popup the identity provider
    /// opens), intercepts their POSTs to AWS, opens `url` in the first, waits for the assertion.
    async fn session(&mut self, url: &str) -> Result<Secret> {
        let mut events = VecDeque::new();
        let patterns: Vec<Value> =
            saml_endpoints().iter().map(|p| json!({ "urlPattern": p, "requestStage": "Request" })).collect();
        // Every target, present and to come, attached paused: Fetch is on before its first request.
        let attach = json!({ "autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true });
        self.call(None, "Target.setAutoAttach", attach.clone(), &mut events).await?;
        let mut pages: Vec<String> = Vec::new();
        let mut posts = Posts::new(url);
        let mut opened = false;
        let mut asked_for_page = false;
        loop {
            let event = match events.pop_front() {
                Some(event) => event,
                None if opened || asked_for_page => self.receive().await?,
                // A browser that opens with no page (some do, headless): one is asked for.
                None => match tokio::time::timeout(Duration::from_secs(5), self.receive()).await {
                    Ok(event) => event?,
                    Err(_) => {
                        asked_for_page = true;
                        let blank = json!({ "url": "about:blank" });
                        self.call(None, "Target.createTarget", blank, &mut events).await?;
                        continue;
                    }
                },
            };
            let params = &event["params"];
            match event.get("method").and_then(Value::as_str) {
                Some("Target.attachedToTarget") => {
                    let session = params["sessionId"].as_str().unwrap_or_default().to_string();
                    let kind = params["targetInfo"]["type"].as_str().unwrap_or_default();
                    if matches!(kind, "page" | "iframe") {
                        self.lenient(&session, "Fetch.enable", json!({ "patterns": patterns }), &mut events)
                            .await;
                        // A page's frames of other sites are targets of their own, attached only
                        // where asked for on the page's session: paused too, so none posts unseen.
                        self.lenient(&session, "Target.setAutoAttach", attach.clone(), &mut events).await;
                    }
                    if kind == "page" {
                        posts.attached(
                            &session,
                            params["targetInfo"]["targetId"].as_str().unwrap_or_default(),
                        );
                        self.lenient(&session, "Page.enable", json!({}), &mut events).await;
                    }
                    self.lenient(&session, "Runtime.runIfWaitingForDebugger", json!({}), &mut events).await;
                    if kind == "page" {
                        pages.push(session.clone());
                        if !opened {
                            opened = true;
                            self.call(Some(&session), "Page.navigate", json!({ "url": url }), &mut events)
                                .await?;
                            crate::messages::say(
                                "signing in at the identity provider in the browser awsume opened",
                            );
                        }
                    }
                }
                Some("Page.frameNavigated") => {
                    posts.navigated(event.get("sessionId").and_then(Value::as_str), &params["frame"]);
                }
                Some("Fetch.requestPaused") => {
                    if let Some(assertion) = self.paused(&event, &posts, &mut events).await? {
                        return Ok(assertion);
                    }
                }
                Some("Target.detachedFromTarget") => {
                    pages.retain(|p| params["sessionId"].as_str() != Some(p.as_str()));
                    if opened && pages.is_empty() {
                        bail!("the sign-in page was closed before the identity provider posted to AWS")
                    }
                }
                Some("Inspector.detached") => {
                    bail!("the sign-in page was closed before the identity provider posted to AWS")
                }
                _ => {}
            }
        }
    }

    /// A request to AWS's sign-in, paused: the assertion when it is the sign-in's own POST (the
    /// request then answered with a page of awsume's, never reaching AWS); any other request goes
    /// on; a POST of an assertion that is not the sign-in's is blocked and ends the sign-in.
    async fn paused(
        &mut self,
        event: &Value,
        posts: &Posts,
        events: &mut VecDeque<Value>,
    ) -> Result<Option<Secret>> {
        let params = &event["params"];
        let request = params["requestId"].as_str().unwrap_or_default().to_string();
        let from = event.get("sessionId").and_then(Value::as_str);
        let Some(assertion) = wire::saml_response(&params["request"]) else {
            self.call(from, "Fetch.continueRequest", json!({ "requestId": request }), events).await?;
            return Ok(None);
        };
        if let Err(why) = posts.judge(from, params) {
            let blocked = json!({ "requestId": request, "errorReason": "BlockedByClient" });
            self.lenient(from.unwrap_or_default(), "Fetch.failRequest", blocked, events).await;
            bail!(
                "{why}: blocked, and the sign-in ended (sign in again; if it happens again, tell whoever runs the identity provider)"
            );
        }
        let page = crate::encoding::base64(DONE_PAGE.as_bytes());
        let headers = [json!({ "name": "Content-Type", "value": "text/html; charset=utf-8" })];
        let fulfil =
            json!({ "requestId": request, "responseCode": 200, "responseHeaders": headers, "body": page });
        self.call(from, "Fetch.fulfillRequest", fulfil, events).await?;
        Ok(Some(assertion))
    }

    /// A call whose failure changes nothing (a target that does not know the domain, or has gone).
    async fn lenient(&mut self, session: &str, method: &str, params: Value, events: &mut VecDeque<Value>) {
        if let Err(e) = self.call(Some(session), method, params, events).await {
            debug!("{method} on a browser target: {e:#}");
        }
    }

    /// Closes the browser (it writes the IdP's cookies on the way out); killed if it will not.
    async fn close(&mut self) {
        let asked = tokio::time::timeout(
            Duration::from_secs(2),
            self.call(None, "Browser.close", json!({}), &mut VecDeque::new()),
        )
        .await;
        debug!("Browser.close answered: {}", matches!(asked, Ok(Ok(_))));
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        crate::child::end_group(&mut self.child);
    }
}

#[cfg(unix)]
impl Drop for Launched {
    // The browser and every process it started (its process group): none outlives the sign-in.
    fn drop(&mut self) {
        crate::child::end_group(&mut self.child);
    }
}

#[cfg(unix)]
fn pipe() -> Result<(std::io::PipeWriter, std::io::PipeReader)> {
    let (reader, writer) = std::io::pipe().map_err(|e| anyhow!("cannot make a pipe for the browser: {e}"))?;
    Ok((writer, reader))
}

/// In the child, before exec: the browser's ends of the pipes become fds 3 (it reads) and 4 (it
/// writes); on Linux it is also ended when awsume ends, however awsume ends.
#[cfg(unix)]
#[allow(unsafe_code)]
fn give_pipe(reads: i32, writes: i32) -> std::io::Result<()> {
    let check = |result: i32| if result < 0 { Err(std::io::Error::last_os_error()) } else { Ok(result) };
    // SAFETY: fcntl, dup2 and prctl on plain integers; async-signal-safe, no memory is touched.
    unsafe {
        // Out of the way first: either end may already be fd 3 or 4.
        let reads = check(libc::fcntl(reads, libc::F_DUPFD_CLOEXEC, 10))?;
        let writes = check(libc::fcntl(writes, libc::F_DUPFD_CLOEXEC, 10))?;
        check(libc::dup2(reads, 3))?;
        check(libc::dup2(writes, 4))?;
        #[cfg(target_os = "linux")]
        check(libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL))?;
    }
    Ok(())
}

/// awsume's ends of the DevTools pipe, on tokio.
#[cfg(unix)]
struct Pipe {
    sender: tokio::net::unix::pipe::Sender,
    receiver: tokio::net::unix::pipe::Receiver,
    buffer: Vec<u8>,
}

#[cfg(unix)]
impl Pipe {
    fn new(to_browser: std::io::PipeWriter, from_browser: std::io::PipeReader) -> Result<Self> {
        use std::os::fd::OwnedFd;
        let broken = |e: std::io::Error| anyhow!("cannot use the pipe to the browser: {e}");
        Ok(Self {
            sender: tokio::net::unix::pipe::Sender::from_owned_fd(OwnedFd::from(to_browser))
                .map_err(broken)?,
            receiver: tokio::net::unix::pipe::Receiver::from_owned_fd(OwnedFd::from(from_browser))
                .map_err(broken)?,
            buffer: Vec::new(),
        })
    }

    async fn send(&mut self, message: &Value) -> Result<()> {
        let mut bytes = message.to_string().into_bytes();
        bytes.push(0);
        let mut written = 0;
        while written < bytes.len() {
            self.sender.writable().await.map_err(|e| anyhow!("the browser's pipe: {e}"))?;
            match self.sender.try_write(&bytes[written..]) {
                Ok(n) => written += n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(_) => bail!("the browser closed before the identity provider posted to AWS"),
            }
        }
        Ok(())
    }

    async fn receive(&mut self) -> Result<Value> {
        loop {
            if let Some(message) = wire::take_message(&mut self.buffer) {
                return message;
            }
            self.receiver.readable().await.map_err(|e| anyhow!("the browser's pipe: {e}"))?;
            let mut chunk = [0u8; 65536];
            match self.receiver.try_read(&mut chunk) {
                Ok(0) => bail!("the browser closed before the identity provider posted to AWS"),
                Ok(n) => self.buffer.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => bail!("the browser's pipe: {e}"),
            }
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn every_partitions_saml_endpoint_is_intercepted() {
        let patterns = super::saml_endpoints();
        for host in [
            "signin.aws.amazon.com",
            "signin.amazonaws.cn",
            "signin.amazonaws-us-gov.com",
            "signin.amazonaws-eusc.eu",
        ] {
            assert!(patterns.contains(&format!("https://{host}/saml*")), "{host}: {patterns:?}");
            assert!(patterns.contains(&format!("https://*.{host}/saml*")), "{host}: {patterns:?}");
        }
    }
}
