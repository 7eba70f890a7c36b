//! Where a sign-in that has become due can happen in this run, for IAM Identity Center, `aws
//! login` and SAML alike: in a browser on this machine (with or without a terminal: an IDE's
//! credential_process has none, and the browser is where the person is), in a browser on another
//! device (the person at a terminal over SSH), or nowhere, with the reason to put in one line.

use std::io::IsTerminal;

use crate::browser::Browser;
use crate::messages;

/// Where the person can sign in.
pub enum Place<'a> {
    /// A browser on this machine; `None`: the page is printed (`--no-browser`).
    Here(Option<&'a Browser>),
    /// A browser on another device: a code to confirm (SSO) or to paste back (`aws login`); the
    /// page may open here too when `--remote` chose this and a browser can (`aws sso login
    /// --use-device-code` opens it as well).
    Elsewhere(Option<&'a Browser>),
    /// Nobody to sign in: why, to say.
    Nowhere(String),
}

/// What this run allows a sign-in that has become due.
pub struct Ask<'a> {
    /// The one browser opener; `None`: `--no-browser`.
    pub browser: Option<&'a Browser>,
    /// `--remote`: a browser on another device.
    pub remote: bool,
    /// The `-a` prompt hook's renewal: it asks nobody.
    pub renewal: bool,
    /// A person asked for the sign-in (`--sso-login`): as good as a terminal.
    pub asked: bool,
    /// The setting `auto-remote`: another device where no browser can open here.
    pub auto_remote: bool,
}

/// The place for this run: `--remote` decides; else a browser here when one can be opened; else,
/// on a terminal, another device (said once, with why); else nowhere. The `-a` renewal asks nobody.
pub fn choose<'a>(opts: &Ask<'a>) -> Place<'a> {
    let terminal = std::io::stderr().is_terminal() || opts.asked;
    if opts.renewal {
        return Place::Nowhere("auto-refresh asks nobody".into());
    }
    let why_not_here = opts.browser.map(Browser::unavailable).unwrap_or(Some("--no-browser"));
    if opts.remote {
        let also_here = opts.browser.filter(|_| why_not_here.is_none());
        return if terminal {
            Place::Elsewhere(also_here)
        } else {
            Place::Nowhere("there is no terminal to sign in from".into())
        };
    }
    match (why_not_here, opts.browser) {
        (None, browser) => Place::Here(browser),
        (Some(_), None) if terminal => Place::Here(None),
        (Some(why), Some(_)) if terminal && opts.auto_remote => {
            messages::note(&format!("{why}: signing in with a browser on another device (--remote)"));
            // Over SSH with a fixed callback port, the page can come back through a forward instead.
            if let Some(port) =
                crate::signin::callback::port(None).filter(|_| crate::environment::is_set("SSH_CONNECTION"))
            {
                messages::note(&format!(
                    "or sign in with the page in your own browser: forward the callback port (ssh -L {port}:127.0.0.1:{port} THIS-HOST) and run again with --no-browser"
                ));
            }
            Place::Elsewhere(None)
        }
        (Some(_), Some(_)) if terminal => Place::Here(opts.browser),
        (Some(_), None) => Place::Nowhere("there is no terminal to sign in from (and --no-browser)".into()),
        (Some(why), Some(_)) => Place::Nowhere(format!("there is no terminal to sign in from and {why}")),
    }
}

/// Why a browser awsume starts itself (a SAML sign-in drives one over DevTools) cannot sign in here.
pub enum NotHere {
    /// The `-a` renewal asks nobody.
    Renewal,
    /// `--remote` or `--no-browser` rules it out: the flag.
    RuledOut(&'static str),
    /// No desktop to show it: why.
    NoDisplay(&'static str),
}

/// Whether awsume may start a browser of its own here: never for the renewal, `--remote` or
/// `--no-browser`; always when one is named for the job (`named`: a headless one needs no
/// display); else where a desktop browser could open.
pub fn own_browser(opts: &Ask<'_>, named: bool) -> Result<(), NotHere> {
    if opts.renewal {
        return Err(NotHere::Renewal);
    }
    if opts.remote {
        return Err(NotHere::RuledOut("--remote"));
    }
    if opts.browser.is_none() {
        return Err(NotHere::RuledOut("--no-browser"));
    }
    match Browser::default().unavailable() {
        Some(why) if !named => Err(NotHere::NoDisplay(why)),
        _ => Ok(()),
    }
}
