//! The INI dialect of `~/.aws/config` and `~/.aws/credentials`, read as botocore reads it (Python's
//! `RawConfigParser`): full-line `#`/`;` comments, `key = value` or `key: value`, keys lower-cased,
//! indented continuation lines, duplicate sections or keys in one file rejected. Pure: text in, data out.
//!
//! Hand-written, not rust-ini or configparser: those accept what botocore refuses (or the reverse)
//! and give no line numbers, and the credentials-file writer must keep every byte it does not own.
//! Dependency-free and without `crate::` paths, so the fuzz targets in `fuzz/` compile this file as
//! it is (`#[path]`).

use std::fmt;

/// One `[section]` with its keys in file order.
#[derive(Clone, PartialEq, Eq)]
pub struct Section {
    /// Everything between `[` and the last `]`, as written.
    pub header: String,
    pub entries: Vec<(String, String)>,
}

impl Section {
    #[cfg(test)]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for Section {
    // Values may be keys (`aws_secret_access_key`): show only the names.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Section")
            .field("header", &self.header)
            .field("keys", &self.entries.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses a whole file. Values are trimmed; a continuation line (indented deeper than its key) is
/// appended to the value after a newline, as ConfigParser does for nested settings like `s3 =`.
pub fn parse(text: &str) -> Result<Vec<Section>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // One pass, as `index` then `Span::section` would read it (the fuzz target `ini_targeted`
    // holds the two ways to the same answer).
    let mut sections: Vec<Section> = Vec::new();
    let mut seen = Seen::default();
    walk(text, 1, None, |event| {
        match (event, sections.last_mut()) {
            (Event::Header(header, line, ..), _) => {
                seen.first(header, line)?;
                sections.push(Section { header: header.to_string(), entries: Vec::new() });
            }
            (Event::Entry(key, value), Some(section)) => {
                section.entries.push((key.into_owned(), value.to_string()))
            }
            (Event::More(line), Some(section)) => {
                if let Some((_, value)) = section.entries.last_mut() {
                    value.push('\n');
                    value.push_str(line);
                }
            }
            // `walk` refuses a setting before any header.
            (_, None) => {}
        }
        Ok(())
    })?;
    Ok(sections)
}

/// The headers read so far, to refuse one defined twice (a hash: linear in big files).
#[derive(Default)]
struct Seen<'a>(std::collections::HashMap<&'a str, usize, Fx>);

impl<'a> Seen<'a> {
    /// Notes `header` on `line`; an error when an earlier line defined it.
    fn first(&mut self, header: &'a str, line: usize) -> Result<(), ParseError> {
        match self.0.insert(header, line) {
            Some(first) => Err(error(line, format!("section [{header}] already defined on line {first}"))),
            None => Ok(()),
        }
    }
}

/// Where one section's lines are, found by `index`: nothing copied until `section` is asked.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Span<'a> {
    /// Everything between `[` and the last `]`, as written.
    pub header: &'a str,
    /// The lines after the header, up to the next header.
    body: &'a str,
    /// Where the section is in the file: from its header line's first byte to the next header's
    /// (after a byte-order mark, which is not counted).
    pub start: usize,
    pub end: usize,
}

/// The section in `text`, which is one section as `Span` found it (the header line first, then its
/// lines): for a reader that kept where a sound file's sections are, and reads just one back.
pub fn section_at(text: &str) -> Option<Section> {
    let (line, body) = text.split_once('\n').unwrap_or((text, ""));
    let header = header_of(line.trim())?;
    Some(Span { header, body, start: 0, end: text.len() }.section())
}

impl Span<'_> {
    /// The section with its keys, as `parse` gives it.
    pub fn section(&self) -> Section {
        let mut entries: Vec<(String, String)> = Vec::new();
        // `index` read these lines by the same rules and found nothing wrong: no error can come.
        let _ = walk(self.body, 1, Some(self.header), |event| {
            match event {
                Event::Entry(key, value) => entries.push((key.into_owned(), value.to_string())),
                Event::More(line) => {
                    if let Some((_, value)) = entries.last_mut() {
                        value.push('\n');
                        value.push_str(line);
                    }
                }
                Event::Header(..) => {}
            }
            Ok(())
        });
        Section { header: self.header.to_string(), entries }
    }
}

/// Reads a whole file by `parse`'s rules, every line checked, and says where each section is,
/// copying nothing: a reader that wants a few sections of a large file parses only those. Linear:
/// no per-line allocation, one hash per header.
pub fn index(text: &str) -> Result<Vec<Span<'_>>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // (header, where its line starts, where the next line starts).
    let mut headers: Vec<(&str, usize, usize)> = Vec::new();
    let mut seen = Seen::default();
    walk(text, 1, None, |event| {
        if let Event::Header(header, line, at, next) = event {
            seen.first(header, line)?;
            headers.push((header, at, next));
        }
        Ok(())
    })?;
    Ok(spans(text, &headers))
}

/// What is between `[` and the last `]` of a trimmed header line, if it is one.
fn header_of(trimmed: &str) -> Option<&str> {
    let rest = trimmed.strip_prefix('[')?;
    rest.rfind(']').map(|end| &rest[..end])
}

/// Each header's section, from (header, where its line starts, where the next line starts): its
/// lines run from the line after the header to the next header's line.
fn spans<'a>(text: &'a str, headers: &[(&'a str, usize, usize)]) -> Vec<Span<'a>> {
    let ends = headers.iter().skip(1).map(|&(_, at, _)| at).chain([text.len()]);
    headers
        .iter()
        .zip(ends)
        .map(|(&(header, start, body), end)| Span { header, body: &text[body..end], start, end })
        .collect()
}

/// What `walk` found on a line.
enum Event<'a> {
    /// A `[header]`, its line, the byte where its line starts and the byte where the next starts.
    Header(&'a str, usize, usize, usize),
    /// A key (lower-cased where it had capitals) and its value.
    Entry(std::borrow::Cow<'a, str>, &'a str),
    /// A continuation line of the last value.
    More(&'a str),
}

/// The one reader of lines: checks each as botocore does and hands on what it is. `section`: the
/// header the text is the body of (`None`: a whole file, which starts outside any section).
fn walk<'a>(
    text: &'a str,
    first_line: usize,
    mut section: Option<&'a str>,
    mut on: impl FnMut(Event<'a>) -> Result<(), ParseError>,
) -> Result<(), ParseError> {
    // The current section's keys, to refuse one set twice.
    let mut keys = Keys::default();
    // (indent of the key line, its value began empty: a nested block like `s3 =`) of the key a
    // continuation would extend.
    let mut open_key: Option<(usize, bool)> = None;
    let mut at = 0;
    let mut line_no = first_line - 1;
    while at < text.len() {
        let (raw, next) = match memchr_newline(&text.as_bytes()[at..]) {
            // `str::lines` drops `\n` or `\r\n`; a lone `\r` before either goes too.
            Some(end) => {
                let line = &text[at..at + end];
                (line.strip_suffix('\r').unwrap_or(line), at + end + 1)
            }
            None => (&text[at..], text.len()),
        };
        let start = at;
        at = next;
        line_no += 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let (trimmed, indent) = trim(line);
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some((key_indent, nested)) = open_key
            && indent > key_indent
        {
            // botocore reads a nested block's lines as `name = value`: anything else it refuses.
            if nested && !trimmed.contains('=') {
                return Err(error(line_no, "expected `name = value` in the nested settings above"));
            }
            on(Event::More(trimmed))?;
            continue;
        }
        if trimmed.starts_with('[') {
            let Some(header) = header_of(trimmed) else {
                return Err(error(line_no, "section header has no closing `]`"));
            };
            if header.is_empty() {
                return Err(error(line_no, "empty section name `[]`"));
            }
            section = Some(header);
            keys.clear();
            open_key = None;
            on(Event::Header(header, line_no, start, at))?;
            continue;
        }
        let Some(header) = section else {
            return Err(error(line_no, "a setting before any [section] header"));
        };
        let Some((key, value)) = setting(trimmed) else {
            return Err(error(line_no, "expected `key = value`, a [section] header or a comment"));
        };
        if key.is_empty() {
            return Err(error(line_no, "a setting with no name before `=`"));
        }
        if !keys.insert(key.clone()) {
            return Err(error(line_no, format!("`{key}` set twice in section [{header}]")));
        }
        open_key = Some((indent, value.is_empty()));
        on(Event::Entry(key, value))?;
    }
    Ok(())
}

/// A `key = value` (or `key: value`) line's key, lower-cased where it has capitals, and value, both
/// trimmed; `None` without `=` or `:`.
fn setting(trimmed: &str) -> Option<(std::borrow::Cow<'_, str>, &str)> {
    // ASCII `=` and `:` are never part of another character's bytes.
    let split = trimmed.bytes().position(|b| b == b'=' || b == b':')?;
    let key = trim(&trimmed[..split]).0;
    let uppercase = if key.is_ascii() {
        key.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        key.chars().any(char::is_uppercase)
    };
    let key =
        if uppercase { std::borrow::Cow::Owned(key.to_lowercase()) } else { std::borrow::Cow::Borrowed(key) };
    Some((key, trim(&trimmed[split + 1..]).0))
}

/// `text` without the whitespace (Unicode's) at its ends, and how many bytes went from its start: what
/// `str::trim` gives, without looking at each character where the ends are plain ASCII.
fn trim(text: &str) -> (&str, usize) {
    let bytes = text.as_bytes();
    let plain = |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii() && !b.is_ascii_whitespace() && b != 0x0b);
    if plain(bytes.first()) && plain(bytes.last()) {
        return (text, 0);
    }
    let start = text.trim_start();
    (start.trim_end(), text.len() - start.len())
}

/// The first `\n` in `bytes`, a word at a time (the files are mostly short lines; no crate for one
/// loop).
fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[i..i + 8]);
        let x = u64::from_ne_bytes(word) ^ NEWLINES;
        if (x.wrapping_sub(ONES) & !x & HIGHS) != 0 {
            break;
        }
        i += 8;
    }
    bytes[i..].iter().position(|&b| b == b'\n').map(|p| i + p)
}

/// A section's key names, to find one set twice: a list while the section is short (sections have
/// a few keys), a set once it is long, so 100,000 keys still read in linear time.
#[derive(Default)]
struct Keys<'a> {
    few: Vec<std::borrow::Cow<'a, str>>,
    many: std::collections::HashSet<std::borrow::Cow<'a, str>, Fx>,
}

impl<'a> Keys<'a> {
    const FEW: usize = 16;

    fn clear(&mut self) {
        self.few.clear();
        self.many.clear();
    }

    /// Whether `key` is new in the section (and now known).
    fn insert(&mut self, key: std::borrow::Cow<'a, str>) -> bool {
        if self.few.len() < Self::FEW {
            if self.few.contains(&key) {
                return false;
            }
            self.few.push(key);
            return true;
        }
        if self.many.is_empty() {
            self.many.extend(self.few.iter().cloned());
        }
        self.many.insert(key)
    }
}

/// A small, fast hash for the few hashes a read needs (header names, long sections' keys): not for
/// untrusted keys an attacker can choose to collide (the files are the user's own).
#[derive(Default, Clone, Copy)]
struct Fx;

impl std::hash::BuildHasher for Fx {
    type Hasher = FxHasher;
    fn build_hasher(&self) -> FxHasher {
        FxHasher(0)
    }
}

struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 =
                (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn error(line: usize, message: impl Into<String>) -> ParseError {
    ParseError { line, message: message.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(s: &Section) -> Vec<(&str, &str)> {
        s.entries.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    /// No time is spent per key on the keys before it: 200,000 keys in one section, and as many
    /// sections, read at once (a quadratic check took over a minute for this).
    #[test]
    fn huge_sections_read_in_linear_time() {
        let mut text = String::from("[profile big]\n");
        for i in 0..200_000 {
            text.push_str(&format!("key{i} = v\n"));
        }
        for i in 0..200_000 {
            text.push_str(&format!("[s{i}]\n"));
        }
        let started = std::time::Instant::now();
        let sections = parse(&text).unwrap();
        assert_eq!((sections.len(), sections[0].entries.len()), (200_001, 200_000));
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
        text.push_str("[profile big2]\nk = 1\nK = 2\n");
        assert!(parse(&text).unwrap_err().message.contains("`k` set twice"));
    }

    #[test]
    fn reads_keys_comments_and_continuations() {
        let text = "# top\n\n[profile a] ; trailing\nRegion = eu-west-1\n  ; indented comment\nkey:v:w\n  more\ns3 =\n  max = 10\n  other = 2\n[b]\nx=\r\n";
        let s = parse(text).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].header, "profile a");
        assert_eq!(
            entries(&s[0]),
            [("region", "eu-west-1"), ("key", "v:w\nmore"), ("s3", "\nmax = 10\nother = 2")]
        );
        assert_eq!(entries(&s[1]), [("x", "")]);
    }

    #[test]
    fn debug_shows_key_names_not_values() {
        let s = parse("[a]\naws_secret_access_key = wJalr-very-secret\n").unwrap();
        let shown = format!("{s:?}");
        assert!(shown.contains("aws_secret_access_key"), "{shown}");
        assert!(!shown.contains("very-secret"), "{shown}");
    }

    #[test]
    fn value_keeps_inline_hash_like_botocore() {
        let s = parse("[a]\nk = v # not a comment\n").unwrap();
        assert_eq!(s[0].get("k"), Some("v # not a comment"));
    }

    #[test]
    fn rejects_malformed_lines_with_their_number() {
        let cases = [
            ("k = v\n", 1, "before any"),
            ("[a]\nnovalue\n", 2, "expected"),
            ("[a]\n= v\n", 2, "no name"),
            ("[a\n", 1, "closing"),
            ("[a]\n[a]\n", 2, "already defined on line 1"),
            ("[a]\nk=1\nK=2\n", 3, "set twice"),
            ("[]\n", 1, "empty"),
            ("[a]\ns3 =\n  max = 10\n  not a setting\n", 4, "name = value"),
        ];
        for (text, line, needle) in cases {
            let err = parse(text).unwrap_err();
            assert_eq!(err.line, line, "{text:?}");
            assert!(err.message.contains(needle), "{text:?}: {err}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "(\\PC|\\[|\\]|=|:|#|;|\n|\r| |\t){0,200}") {
            let _ = parse(&text);
        }
    }
}
