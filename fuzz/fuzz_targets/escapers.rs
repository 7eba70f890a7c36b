//! Each shell's quoting on any string: reading the literal back the way that shell reads it gives
//! the string, byte for byte, and nothing after the literal's end. (PowerShell's values travel as
//! base64, which is the `base64` crate's, fuzzed by its own project.)
#![no_main]

#[allow(dead_code)]
#[path = "../../src/deliver/quote.rs"]
mod quote;

use libfuzzer_sys::fuzz_target;

/// POSIX: '…' holds anything but `'`; outside quotes `\x` is x.
fn read_posix(text: &str) -> String {
    let (mut out, mut quoted, mut chars) = (String::new(), false, text.chars());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '\'') | (false, '\'') => quoted = !quoted,
            (true, c) => out.push(c),
            (false, '\\') => out.push(chars.next().expect("a backslash escapes something")),
            (false, c) => panic!("unquoted {c:?} in {text:?}"),
        }
    }
    assert!(!quoted, "unterminated: {text:?}");
    out
}

/// fish: inside '…', `\\` and `\'` are escapes, any other backslash is literal.
fn read_fish(text: &str) -> String {
    let inner = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')).expect("quoted");
    let (mut out, mut chars) = (String::new(), inner.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some('\\' | '\'')) => out.push(chars.next().unwrap()),
            ('\'', _) => panic!("an unescaped quote ends the literal early: {text:?}"),
            (c, _) => out.push(c),
        }
    }
    out
}

/// PowerShell: any of five quote characters ends '…'; doubled, it is one literal character.
fn read_powershell(text: &str) -> String {
    let is_quote = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}');
    let inner = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')).expect("quoted");
    let (mut out, mut chars) = (String::new(), inner.chars().peekable());
    while let Some(c) = chars.next() {
        if is_quote(c) {
            assert_eq!(chars.next(), Some(c), "a lone quote ends the literal early: {text:?}");
        }
        out.push(c);
    }
    out
}

/// nushell: r#'…'# ends at the first `'` followed by as many `#` as opened it.
fn read_nu(text: &str) -> String {
    let hashes = text[1..].chars().take_while(|c| *c == '#').count();
    let open = format!("r{}'", "#".repeat(hashes));
    let close = format!("'{}", "#".repeat(hashes));
    let rest = text.strip_prefix(&open).expect("raw string");
    let end = rest.find(&close).expect("closed");
    assert_eq!(end + close.len(), rest.len(), "closed early: {text:?}");
    rest[..end].to_string()
}

fuzz_target!(|value: &str| {
    assert_eq!(read_posix(&quote::posix_quote(value)), value);
    assert_eq!(read_fish(&quote::fish_quote(value)), value);
    assert_eq!(read_powershell(&quote::powershell_quote(value)), value);
    assert_eq!(read_nu(&quote::nu_raw_string(value)), value);
});
