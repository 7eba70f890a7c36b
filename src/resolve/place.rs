//! Where a sign-in that has become due can happen in this run, for IAM Identity Center and `aws
//! login` alike: in a browser on this machine (with or without a terminal: an IDE's
//! credential_process has none, and the browser is where the person is), in a browser on another
//! device (the person at a terminal over SSH), or nowhere, with the reason to put in one line.

use std::io::IsTerminal;

use super::Options;
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

/// The place for this run: `--remote` decides; else a browser here when one can be opened; else,
/// on a terminal, another device (said once, with why); else nowhere. The `-a` renewal asks nobody.
pub fn choose(opts: &Options) -> Place<'_> {
    let terminal = std::io::stderr().is_terminal() || opts.sso_login;
    if opts.renewal {
        return Place::Nowhere("auto-refresh asks nobody".into());
    }
    let why_not_here = opts.browser.as_ref().map(Browser::unavailable).unwrap_or(Some("--no-browser"));
    if opts.remote {
        let also_here = opts.browser.as_ref().filter(|_| why_not_here.is_none());
        return if terminal {
            Place::Elsewhere(also_here)
        } else {
            Place::Nowhere("there is no terminal to sign in from".into())
        };
    }
    match (why_not_here, &opts.browser) {
        (None, browser) => Place::Here(browser.as_ref()),
        (Some(_), None) if terminal => Place::Here(None),
        (Some(why), Some(_)) if terminal && opts.auto_remote => {
            messages::note(&format!("{why}: signing in with a browser on another device (--remote)"));
            Place::Elsewhere(None)
        }
        (Some(_), Some(_)) if terminal => Place::Here(opts.browser.as_ref()),
        (Some(_), None) => Place::Nowhere("there is no terminal to sign in from (and --no-browser)".into()),
        (Some(why), Some(_)) => Place::Nowhere(format!("there is no terminal to sign in from and {why}")),
    }
}
