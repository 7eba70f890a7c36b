//! How awsume speaks on stderr, in one place: errors (`awsume: outer: inner`, one line), notes,
//! and the `--info`/`--debug` lines. The level is set once in `main`; every module asks here instead
//! of carrying flags around. Must never be handed a secret: callers pass what may be shown.

use std::sync::atomic::{AtomicU8, Ordering};

/// 0: quiet, 1: `--info`, 2: `--debug`.
static LEVEL: AtomicU8 = AtomicU8::new(0);

/// Sets what `info!` and `debug!` show for the rest of the run.
pub fn set_level(info: bool, debug: bool) {
    let level = if debug { 2 } else { u8::from(info) };
    LEVEL.store(level, Ordering::Relaxed);
}

pub fn debugging() -> bool {
    LEVEL.load(Ordering::Relaxed) >= 2
}

pub fn informing() -> bool {
    LEVEL.load(Ordering::Relaxed) >= 1
}

/// A step the user may want to follow: shown by `--info` and `--debug`.
macro_rules! info {
    ($($arg:tt)*) => {
        if $crate::messages::informing() {
            $crate::messages::line(if $crate::messages::debugging() { "debug" } else { "info" }, &format!($($arg)*));
        }
    };
}

/// Detail for `--debug` only.
macro_rules! debug {
    ($($arg:tt)*) => {
        if $crate::messages::debugging() {
            $crate::messages::line("debug", &format!($($arg)*));
        }
    };
}

pub(crate) use {debug, info};

#[doc(hidden)]
pub fn line(kind: &str, text: &str) {
    eprintln!("awsume: {kind}: {}", flat(text));
}

/// Something the user should know that is not a failure (`awsume: …`).
pub fn note(text: &str) {
    eprintln!("awsume: {}", flat(text));
}

/// An error as one line for people: `outer: inner: …`, never a type name or a backtrace.
pub fn one_line(err: &anyhow::Error) -> String {
    flat(&format!("{err:#}"))
}

/// Prints the error that ends the run.
pub fn error(err: &anyhow::Error) {
    eprintln!("awsume: {}", one_line(err));
}

/// Line breaks become spaces: every message is one line.
pub fn flat(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_chain_is_one_line() {
        let err = anyhow::anyhow!("inner\nwith a break").context("outer");
        assert_eq!(one_line(&err), "outer: inner with a break");
    }
}
