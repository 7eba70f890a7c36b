//! How awsume speaks on stderr, in one place: errors (`awsume: outer: inner`, one line), notes,
//! awsume's confirmation lines, the MFA prompt's colour and the `--info`/`--debug` lines. The level
//! and whether to confirm are set once per run; every module asks here instead of carrying flags
//! around. Must never be handed a secret: callers pass what may be shown.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// 0: quiet, 1: `--info`, 2: `--debug`.
static LEVEL: AtomicU8 = AtomicU8::new(0);
/// awsume's `Session token will expire at …` lines (`awsume PROFILE` only; setting `confirmations`).
static CONFIRM: AtomicBool = AtomicBool::new(false);
/// The `colors` setting (awsume's own); `NO_COLOR` and a stderr that is no terminal also say no.
static COLORS: AtomicBool = AtomicBool::new(true);

/// The colours awsume uses: green confirmations, yellow notes, cyan prompts, red errors.
#[derive(Debug, Clone, Copy)]
pub enum Color {
    Green,
    Yellow,
    Cyan,
    Red,
}

impl Color {
    fn code(self) -> &'static str {
        match self {
            Color::Green => "32",
            Color::Yellow => "33",
            Color::Cyan => "36",
            Color::Red => "31",
        }
    }
}

/// Whether a stream that is a terminal (`terminal`) gets colour: never in a pipe or a file, never
/// with `NO_COLOR` set (no-color.org), never with `colors: false`.
pub fn colored(terminal: bool) -> bool {
    terminal && COLORS.load(Ordering::Relaxed) && !crate::environment::no_color()
}

/// `text` in `color` when `on`.
pub fn paint(text: &str, color: Color, on: bool) -> String {
    if on { format!("\x1b[{}m{text}\x1b[0m", color.code()) } else { text.to_string() }
}

pub fn set_colors(on: bool) {
    COLORS.store(on, Ordering::Relaxed);
}

pub fn set_confirm(on: bool) {
    CONFIRM.store(on, Ordering::Relaxed);
}

/// Confirmation lines waiting for the run to succeed: a failure says one thing, the error.
static CONFIRMED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// One of awsume's confirmation lines, as awsume words them; shown by `confirmed` once it all worked.
pub fn confirm(text: &str) {
    if CONFIRM.load(Ordering::Relaxed) {
        CONFIRMED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(flat(text));
    }
}

/// Shows the confirmation lines (green on a terminal), after the credentials took effect.
pub fn confirmed() {
    let lines = std::mem::take(&mut *CONFIRMED.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    let on = colored(std::io::stderr().is_terminal());
    for line in lines {
        eprintln!("{}", paint(&line, Color::Green, on));
    }
}

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

/// Something the user should know that is not a failure (`awsume: …`, yellow on a terminal).
pub fn note(text: &str) {
    let on = colored(std::io::stderr().is_terminal());
    eprintln!("{}", paint(&format!("awsume: {}", flat(text)), Color::Yellow, on));
}

/// An error as one line for people: `outer: inner: …`, never a type name or a backtrace.
pub fn one_line(err: &anyhow::Error) -> String {
    flat(&format!("{err:#}"))
}

/// Prints the error that ends the run (red on a terminal, as awsume's).
pub fn error(err: &anyhow::Error) {
    let on = colored(std::io::stderr().is_terminal());
    eprintln!("{}", paint(&format!("awsume: {}", one_line(err)), Color::Red, on));
}

/// Line breaks become spaces (every message is one line), and other control characters are shown
/// escaped (`\x1b`): a profile name or value must not colour, clear or retitle the terminal. So are
/// the invisible characters that reorder or hide text (bidi overrides and isolates, zero-width
/// marks, line and paragraph separators): a name must show as what it is.
pub fn flat(text: &str) -> String {
    if printable_ascii(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if reorders_or_hides(c) => out.push_str(&format!("\\u{{{:04x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Whether `text` is printable ASCII only: shown as it is, one column a byte (most of what is
/// printed: the fast way for `-l`'s thousands of cells).
pub fn printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (b' '..=b'~').contains(&b))
}

/// Bidi marks, embeddings, overrides and isolates, zero-width spaces and marks, the byte-order
/// mark, and the line and paragraph separators.
pub fn reorders_or_hides(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// A line of a sign-in in progress (`awsume: …`), uncoloured; `flat` like every message.
pub fn say(text: &str) {
    eprintln!("awsume: {}", flat(text));
}

/// A progress line that the next one overwrites (a terminal only), or that `progress_done` ends.
pub fn progress(text: &str) {
    eprint!("\rawsume: {} ", flat(text));
}

pub fn progress_done() {
    eprintln!();
}

/// A question (cyan on a terminal), the answer typed on the same line. `tty` is the terminal
/// itself, for when stderr is captured (an SDK running awsume as its credential_process).
pub fn ask(text: &str, tty: Option<&mut std::fs::File>) {
    use std::io::Write;
    match tty {
        Some(tty) => {
            let _ =
                tty.write_all(paint(text, Color::Cyan, colored(true)).as_bytes()).and_then(|()| tty.flush());
        }
        None => {
            eprint!("{}", paint(text, Color::Cyan, colored(std::io::stderr().is_terminal())));
            let _ = std::io::stderr().flush();
        }
    }
}

/// A question for a person, and one line of stdin for its answer (`None`: stdin is closed). The
/// question goes to stderr, or to the terminal itself where stdin is one but stderr is captured (an
/// SDK running awsume as credential_process). The answer may be a secret (an MFA code, a pasted
/// authorization code), so it comes back as one. A line longer than `limit` bytes is refused
/// without being held whole.
pub fn answer(question: &str, limit: usize) -> std::io::Result<Option<crate::credentials::Secret>> {
    use std::io::{BufRead, Read};
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut tty = (interactive && !std::io::stderr().is_terminal())
        .then(|| std::fs::OpenOptions::new().write(true).open("/dev/tty").ok())
        .flatten();
    ask(question, tty.as_mut());
    let mut line = String::new();
    let read = stdin.lock().take(limit as u64 + 1).read_line(&mut line);
    let too_long = line.len() > limit;
    let line = crate::credentials::Secret::new(line);
    if !interactive || !matches!(read, Ok(n) if n > 0) {
        // Nothing echoed a newline: end the question's line so messages start on their own.
        progress_done();
    }
    if too_long {
        return Err(std::io::Error::other(format!("the answer is longer than {limit} bytes")));
    }
    Ok((read? > 0).then_some(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_where_asked_for() {
        assert_eq!(paint("x", Color::Green, false), "x");
        assert_eq!(paint("x", Color::Red, true), "\x1b[31mx\x1b[0m");
        assert!(!colored(false), "never for a pipe or a file");
    }

    #[test]
    fn an_error_chain_is_one_line() {
        let err = anyhow::anyhow!("inner\nwith a break").context("outer");
        assert_eq!(one_line(&err), "outer: inner with a break");
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(flat("a\x1b[2Jb\x07\u{9b}c\td"), "a\\x1b[2Jb\\x07\\x9bc\\x09d");
        assert_eq!(flat("ünï 名前"), "ünï 名前");
        assert_eq!(flat("admin\u{202e}nimda"), "admin\\u{202e}nimda");
        assert_eq!(flat("a\u{2066}b\u{2069}\u{200b}"), "a\\u{2066}b\\u{2069}\\u{200b}");
    }
}
