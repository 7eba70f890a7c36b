//! The INI dialect of `~/.aws/config` and `~/.aws/credentials`, read as botocore reads it (Python's
//! `RawConfigParser`): full-line `#`/`;` comments, `key = value` or `key: value`, keys lower-cased,
//! indented continuation lines, duplicate sections or keys in one file rejected. Pure: text in, data out.
//!
//! Hand-written, not rust-ini or configparser: those accept what botocore refuses (or the reverse)
//! and give no line numbers, and the credentials-file writer must keep every byte it does not own.
//! Dependency-free and without `crate::` paths, so the fuzz target in `fuzz/` compiles this file as
//! it is (`#[path]`).

use std::fmt;

/// One `[section]` with its keys in file order.
#[derive(Clone, PartialEq, Eq)]
pub struct Section {
    /// Everything between `[` and the last `]`, as written.
    pub header: String,
    /// 1-based line of the header.
    pub line: usize,
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
            .field("line", &self.line)
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

/// Parses a whole file. Values are trimmed; a continuation line (indented deeper than its key) is
/// appended to the value after a newline, as ConfigParser does for nested settings like `s3 =`.
pub fn parse(text: &str) -> Result<Vec<Section>, ParseError> {
    let mut sections: Vec<Section> = Vec::new();
    // Header → its line, so duplicate detection stays linear in big files.
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    // The current section's keys, likewise: a section of 100,000 keys reads in linear time.
    let mut keys: std::collections::HashSet<String> = std::collections::HashSet::new();
    // (indent of the key line, index of the entry, its value began empty: a nested block like
    // `s3 =`) of the key a continuation would extend.
    let mut open_key: Option<(usize, usize, bool)> = None;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if let (Some((key_indent, entry, nested)), Some(section)) = (open_key, sections.last_mut())
            && indent > key_indent
        {
            // botocore reads a nested block's lines as `name = value`: anything else it refuses.
            if nested && !trimmed.contains('=') {
                return Err(error(line_no, "expected `name = value` in the nested settings above"));
            }
            let value = &mut section.entries[entry].1;
            value.push('\n');
            value.push_str(trimmed);
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            let Some(end) = rest.rfind(']') else {
                return Err(error(line_no, "section header has no closing `]`"));
            };
            let header = &rest[..end];
            if header.is_empty() {
                return Err(error(line_no, "empty section name `[]`"));
            }
            if let Some(first) = seen.insert(header, line_no) {
                return Err(error(line_no, format!("section [{header}] already defined on line {first}")));
            }
            sections.push(Section { header: header.to_string(), line: line_no, entries: Vec::new() });
            keys.clear();
            open_key = None;
            continue;
        }
        let Some(section) = sections.last_mut() else {
            return Err(error(line_no, "a setting before any [section] header"));
        };
        let Some(split) = trimmed.find(['=', ':']) else {
            return Err(error(line_no, "expected `key = value`, a [section] header or a comment"));
        };
        let key = trimmed[..split].trim();
        let key = if key.chars().any(char::is_uppercase) { key.to_lowercase() } else { key.to_string() };
        if key.is_empty() {
            return Err(error(line_no, "a setting with no name before `=`"));
        }
        if !keys.insert(key.clone()) {
            return Err(error(line_no, format!("`{key}` set twice in section [{}]", section.header)));
        }
        let value = trimmed[split + 1..].trim().to_string();
        let nested = value.is_empty();
        section.entries.push((key, value));
        open_key = Some((indent, section.entries.len() - 1, nested));
    }
    Ok(sections)
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
