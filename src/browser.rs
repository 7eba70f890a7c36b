//! The one way awsume opens a URL in the user's browser, for the console, IAM Identity Center and
//! `aws login` (a SAML sign-in starts a browser of its own: `signin/saml/devtools.rs`):
//! `console.browser_command` (with `{url}` and `{profile}`), else `$BROWSER`, else the desktop's
//! opener (`open`, `xdg-open`). Never through a shell, and never with the URL in an argv, where `ps`
//! shows it to every local user: a console link is a credential, and a sign-in page's `state`,
//! PKCE challenge and callback port (or a device code) would let another user complete the
//! sign-in with their own identity. The browser gets a private redirect page (0600, under
//! `~/.awsume/run`), removed when the sign-in is over, or for the console once the launcher has
//! exited and the browser has read it (at most 10 s; else the next run removes it).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// How long a browser launcher may take before its redirect file goes anyway.
const REDIRECT_WAIT: Duration = Duration::from_secs(10);

/// What the user chose to open URLs with (the console plugin's `browser_command`).
#[derive(Debug, Clone, Default)]
pub struct Browser {
    pub command: Option<String>,
}

impl Browser {
    /// Opens `url` for `profile` through a private redirect page; the browser runs detached, its
    /// output discarded. The page lives as long as what this returns: a sign-in keeps it until the
    /// person is back; `handed_over` waits for the launcher instead.
    pub fn open(&self, url: &str, profile: &str) -> Result<Opened> {
        self.open_in(url, profile, &Place::default())
    }

    /// `open`, in the browser profile `place` names (the console's).
    pub fn open_in(&self, url: &str, profile: &str, place: &Place) -> Result<Opened> {
        let redirect = Redirect::write(url)?;
        let mut argv = self.argv(&format!("file://{}", redirect.path.display()), profile)?;
        if let Some(name) = &place.browser_profile {
            if !self.command.as_deref().is_some_and(|c| c.contains("{browser_profile}")) {
                bail!(
                    "console_browser_profile {name:?} is set, but console.browser_command has no {{browser_profile}} to put it in (as in: chromium --profile-directory={{browser_profile}} {{url}})"
                );
            }
            argv.iter_mut().for_each(|w| *w = w.replace("{browser_profile}", name));
        } else {
            // None set: the browser's own default (`--profile-directory={browser_profile}` goes).
            argv.retain(|w| !w.contains("{browser_profile}"));
        }
        let (program, args) = argv.split_first().expect("argv has a program");
        crate::messages::debug!("opening a browser with {program} ({} arguments)", args.len());
        let launcher = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot open a browser ({program})"))?;
        Ok(Opened { launcher, page: redirect })
    }

    /// A sign-in page for the person: opened here and printed too (a browser that does not open
    /// costs nothing), or only printed (`--no-browser`). `what` says what the page does ("sign in to
    /// …"); `elsewhere` is the way to sign in on another device, named when this one cannot.
    pub fn offer(
        browser: Option<&Self>,
        url: &str,
        profile: &str,
        what: &str,
        elsewhere: &str,
    ) -> Option<Opened> {
        let Some(browser) = browser else {
            crate::messages::say(&format!(
                "{what}: open {url} in a browser on this machine (none here? {elsewhere})"
            ));
            return None;
        };
        crate::messages::say(&format!("{what}: opening your browser; if it does not open, open {url}"));
        browser
            .open(url, profile)
            .map_err(|e| {
                crate::messages::note(&format!(
                    "{e:#}; open the page yourself, or sign in from another device: {elsewhere}"
                ))
            })
            .ok()
    }

    /// Why no browser can be opened for the person at this machine, or `None` when one can: an SSH
    /// session without a forwarded display, or a Linux machine with no display at all. A browser
    /// the person named (`browser_command`, `$BROWSER`) is taken at their word.
    pub fn unavailable(&self) -> Option<&'static str> {
        use crate::environment::is_set;
        if self.command.is_some() || is_set("BROWSER") {
            return None;
        }
        let display = is_set("DISPLAY") || is_set("WAYLAND_DISPLAY");
        if (is_set("SSH_CONNECTION") || is_set("SSH_TTY")) && !display {
            return Some("this is an SSH session without a display");
        }
        let desktop = cfg!(any(target_os = "macos", windows)) || display;
        (!desktop).then_some("there is no display here")
    }

    fn argv(&self, url: &str, profile: &str) -> Result<Vec<String>> {
        let words = match (&self.command, crate::environment::var("BROWSER")) {
            (Some(command), _) => shell_words::split(command).context("console.browser_command")?,
            // `$BROWSER` may list several, `:`-separated; the first is the user's choice.
            (None, Some(browser)) => {
                shell_words::split(browser.split(':').next().unwrap_or_default()).context("$BROWSER")?
            }
            (None, None) if cfg!(target_os = "macos") => vec!["open".to_string()],
            (None, None) => vec!["xdg-open".to_string()],
        };
        if words.is_empty() {
            bail!("console.browser_command is empty");
        }
        let mut placed = false;
        let mut argv: Vec<String> = words
            .iter()
            .map(|w| {
                placed |= w.contains("{url}");
                w.replace("{profile}", profile).replace("{url}", url)
            })
            .collect();
        if !placed {
            argv.push(url.to_string());
        }
        Ok(argv)
    }
}

/// Where the console opens: a browser profile (`console_browser_profile`, for the command's
/// `{browser_profile}`).
#[derive(Debug, Clone, Default)]
pub struct Place {
    pub browser_profile: Option<String>,
}

/// A browser started on a private page: the page goes when this is dropped.
pub struct Opened {
    launcher: std::process::Child,
    page: Redirect,
}

impl Opened {
    /// Waits (a bounded time) for the launcher to end and the browser to have read the page (its
    /// access time past its writing: a launcher that hands the page to a browser already running
    /// exits before that one reads it), then the page goes: for a URL nothing comes back from (a
    /// console link). A page not read by then is left to the next run's sweep.
    pub fn handed_over(mut self) {
        let started = Instant::now();
        let read = |path: &std::path::Path| std::fs::metadata(path).is_ok_and(|m| read_since_written(&m));
        while started.elapsed() < REDIRECT_WAIT
            && (matches!(self.launcher.try_wait(), Ok(None)) || !read(&self.page.path))
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        if !read(&self.page.path) {
            crate::messages::debug!("the browser has not read its page yet: the next run removes it");
            self.page.keep = true;
        }
    }
}

/// A page that sends the browser on to a URL, readable by the user alone, removed when dropped.
struct Redirect {
    path: PathBuf,
    /// Left for the next run's sweep (a browser may still read it).
    keep: bool,
}

impl Redirect {
    fn write(url: &str) -> Result<Self> {
        let dir = crate::files::home_dir().join(".awsume").join("run");
        crate::files::private_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        sweep(&dir);
        let name = format!("open-{}.html", crate::encoding::random_hex(16)?);
        let path = dir.join(name);
        let page = format!(
            "<!doctype html><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">\
             <meta http-equiv=\"refresh\" content=\"0;url={0}\"><a href=\"{0}\">continue</a>\n",
            html_attribute(url)
        );
        crate::files::write_atomic(&path, page.as_bytes(), 0o600)?;
        Ok(Self { path, keep: false })
    }
}

impl Drop for Redirect {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Removes the redirect pages a run that was killed left behind: any older than a sign-in can
/// take (they hold sign-in links; nothing reads them after).
fn sweep(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let stale = crate::waits::OTHER_RUN;
    for path in entries.flatten().map(|e| e.path()) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let meta = std::fs::symlink_metadata(&path).ok();
        let old = meta
            .as_ref()
            .and_then(|m| m.modified().ok())
            .and_then(|at| at.elapsed().ok())
            .is_some_and(|age| age > stale);
        // A page its browser has read is done with (one left by a console run that did not wait).
        let read = meta.as_ref().is_some_and(read_since_written);
        if name.starts_with("open-") && name.ends_with(".html") && (old || read) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Whether a page was read after it was written (its access time past its modification time).
fn read_since_written(meta: &std::fs::Metadata) -> bool {
    matches!((meta.accessed(), meta.modified()), (Ok(read), Ok(written)) if read > written)
}

/// `&`, `"`, `<`, `>` as entities: the URL stays one attribute value.
fn html_attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_places_the_url_once_and_as_one_argument() {
        let b = Browser { command: Some("firefox -P '{profile}' --new-tab {url}".into()) };
        assert_eq!(
            b.argv("http://x/?a=1&b=2 3", "p q").unwrap(),
            ["firefox", "-P", "p q", "--new-tab", "http://x/?a=1&b=2 3"]
        );
        let b = Browser { command: Some("chromium --incognito".into()) };
        assert_eq!(b.argv("u", "p").unwrap(), ["chromium", "--incognito", "u"]);
        assert!(Browser { command: Some(String::new()) }.argv("u", "p").is_err());
    }

    #[test]
    fn attribute_escaping_keeps_the_url_one_value() {
        assert_eq!(html_attribute("a\"b&c<d>"), "a&quot;b&amp;c&lt;d&gt;");
    }
}
