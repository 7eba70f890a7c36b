//! The targeted read against the whole read, on any bytes: `index` + `Span::section` give exactly
//! what the line-by-line reader of 2026-12 gave (kept here as the reference: same sections, same
//! keys and values, the same error on the same line), and each section read back alone from its
//! place (`section_at`, as a map of the file finds it) is the same section. `parse`, the one-pass
//! read of a whole file (`-l`, completion), gives the same again.
#![no_main]

#[allow(dead_code)]
#[path = "../../src/config/ini.rs"]
mod ini;

use libfuzzer_sys::fuzz_target;

fn err(line: usize, message: impl Into<String>) -> ini::ParseError {
    ini::ParseError { line, message: message.into() }
}

/// Parses a whole file. Values are trimmed; a continuation line (indented deeper than its key) is
/// appended to the value after a newline, as ConfigParser does for nested settings like `s3 =`.
pub fn reference_parse(text: &str) -> Result<Vec<(String, Vec<(String, String)>)>, ini::ParseError> {
    let mut sections: Vec<(String, Vec<(String, String)>)> = Vec::new();
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
                return Err(err(line_no, "expected `name = value` in the nested settings above"));
            }
            let value = &mut section.1[entry].1;
            value.push('\n');
            value.push_str(trimmed);
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            let Some(end) = rest.rfind(']') else {
                return Err(err(line_no, "section header has no closing `]`"));
            };
            let header = &rest[..end];
            if header.is_empty() {
                return Err(err(line_no, "empty section name `[]`"));
            }
            if let Some(first) = seen.insert(header, line_no) {
                return Err(err(line_no, format!("section [{header}] already defined on line {first}")));
            }
            sections.push((header.to_string(), Vec::new()));
            keys.clear();
            open_key = None;
            continue;
        }
        let Some(section) = sections.last_mut() else {
            return Err(err(line_no, "a setting before any [section] header"));
        };
        let Some(split) = trimmed.find(['=', ':']) else {
            return Err(err(line_no, "expected `key = value`, a [section] header or a comment"));
        };
        let key = trimmed[..split].trim();
        let key = if key.chars().any(char::is_uppercase) { key.to_lowercase() } else { key.to_string() };
        if key.is_empty() {
            return Err(err(line_no, "a setting with no name before `=`"));
        }
        if !keys.insert(key.clone()) {
            return Err(err(line_no, format!("`{key}` set twice in section [{}]", section.0)));
        }
        let value = trimmed[split + 1..].trim().to_string();
        let nested = value.is_empty();
        section.1.push((key, value));
        open_key = Some((indent, section.1.len() - 1, nested));
    }
    Ok(sections)
}


fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let reference = reference_parse(text);
    let indexed = ini::index(text);
    let parsed = ini::parse(text).map(|sections| {
        sections.into_iter().map(|s| (s.header, s.entries)).collect::<Vec<_>>()
    });
    assert_eq!(parsed, reference, "the one-pass read and the reference");
    match (&reference, &indexed) {
        (Ok(expected), Ok(spans)) => {
            let got: Vec<(String, Vec<(String, String)>)> =
                spans.iter().map(|s| s.section()).map(|s| (s.header, s.entries)).collect();
            assert_eq!(&got, expected);
            // Each section read back alone from its place, as a map of the file finds it.
            let stripped = text.strip_prefix('\u{feff}').unwrap_or(text);
            for (span, expected) in spans.iter().zip(&got) {
                let again = ini::section_at(&stripped[span.start..span.end]).map(|s| (s.header, s.entries));
                assert_eq!(again.as_ref(), Some(expected));
            }
        }
        (Err(expected), Err(e)) => assert_eq!(e, expected),
        _ => panic!("the reference says {:?}, index says {:?}", reference.is_ok(), indexed.is_ok()),
    }
});
