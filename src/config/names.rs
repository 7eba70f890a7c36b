//! How the AWS files name their sections, as botocore reads them: `[default]`, `[profile NAME]`
//! (quoted or escaped where NAME has spaces), `[sso-session NAME]`, `[services NAME]` in the config
//! file, `[NAME]` in the credentials file; and the settings by which one section names another.

use std::borrow::Cow;

use super::ini;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    Profile,
    SsoSession,
    Services,
}

impl SectionKind {
    /// How a map names a section of this kind.
    pub fn key(self, name: &str) -> String {
        let letter = match self {
            Self::Profile => 'p',
            Self::SsoSession => 's',
            Self::Services => 'v',
        };
        format!("{letter}{name}")
    }
}

/// The sections a profile's settings name: its `source_profile`, `sso_session` and `services`.
pub fn references(section: &ini::Section) -> impl Iterator<Item = (SectionKind, String)> + '_ {
    section.entries.iter().filter_map(|(key, value)| {
        let kind = match key.as_str() {
            "source_profile" => SectionKind::Profile,
            "sso_session" => SectionKind::SsoSession,
            "services" => SectionKind::Services,
            _ => return None,
        };
        Some((kind, value.clone()))
    })
}

/// The profile a config-file header names (`default`, `profile NAME`, quoted or not), as botocore
/// reads it; `None` for any other section.
pub fn profile_named(header: &str) -> Option<String> {
    match config_section_name(header)? {
        (SectionKind::Profile, name) => Some(name.into_owned()),
        _ => None,
    }
}

/// How botocore names a config-file section: `[default]`, `[profile NAME]` (NAME may be quoted),
/// `[sso-session NAME]`, `[services NAME]`; anything else is not a profile.
pub fn config_section_name(header: &str) -> Option<(SectionKind, Cow<'_, str>)> {
    if header == "default" {
        return Some((SectionKind::Profile, Cow::Borrowed("default")));
    }
    let (kind, rest) = if let Some(rest) = header.strip_prefix("profile") {
        (SectionKind::Profile, rest)
    } else if let Some(rest) = header.strip_prefix("sso-session") {
        (SectionKind::SsoSession, rest)
    } else if let Some(rest) = header.strip_prefix("services") {
        (SectionKind::Services, rest)
    } else {
        return None;
    };
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    // One word, as `split_whitespace` finds words; one look at the bytes where all are ASCII.
    let mut word: Option<(usize, usize)> = None;
    let mut in_word = false;
    for (i, &b) in rest.as_bytes().iter().enumerate() {
        match b {
            b'"' | b'\'' | b'\\' | 0x80.. => return spelled_out(kind, rest),
            b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => in_word = false,
            _ if in_word => word = word.map(|(start, _)| (start, i + 1)),
            _ if word.is_some() => return None,
            _ => {
                in_word = true;
                word = Some((i, i + 1));
            }
        }
    }
    word.map(|(start, end)| (kind, Cow::Borrowed(&rest[start..end])))
}

/// A header name with quotes or escapes (read as a shell reads words, as botocore does) or with
/// characters beyond ASCII (whose spaces are Unicode's).
fn spelled_out(kind: SectionKind, rest: &str) -> Option<(SectionKind, Cow<'_, str>)> {
    if rest.contains(['"', '\'', '\\']) {
        let parts = shell_words::split(rest).ok()?;
        return match <[String; 1]>::try_from(parts) {
            Ok([name]) => Some((kind, Cow::Owned(name))),
            Err(_) => None,
        };
    }
    let mut words = rest.split_whitespace();
    match (words.next(), words.next()) {
        (Some(name), None) => Some((kind, Cow::Borrowed(name))),
        _ => None,
    }
}

/// The profile `fuzzy-match` picks for `wanted`, in Python awsume's order: the only name starting
/// with it, else the only one sharing the longest run of characters with it, else the only closest by
/// edit distance. Stricter than awsume where it would guess: several names starting with `wanted`
/// are ambiguous (awsume may then pick an unrelated name by edits), and an edit-distance pick must
/// be close (at most a third of the name, or 2).
pub fn fuzzy<'a>(names: &[&'a str], wanted: &str) -> Option<&'a str> {
    let only = |picked: Vec<&'a str>| (picked.len() == 1).then(|| picked[0]);
    let prefixed: Vec<&'a str> = names.iter().copied().filter(|n| n.starts_with(wanted)).collect();
    if !prefixed.is_empty() {
        return only(prefixed);
    }
    let runs: Vec<usize> = names.iter().map(|n| longest_common_run(wanted, n)).collect();
    let longest = runs.iter().copied().max().filter(|r| *r > 0)?;
    if let Some(name) =
        only(names.iter().zip(&runs).filter(|(_, r)| **r == longest).map(|(n, _)| *n).collect())
    {
        return Some(name);
    }
    let edits: Vec<usize> = names.iter().map(|n| levenshtein(wanted, n)).collect();
    let fewest = edits.iter().copied().min().filter(|e| *e <= (wanted.chars().count() / 3).max(2))?;
    only(names.iter().zip(&edits).filter(|(_, e)| **e == fewest).map(|(n, _)| *n).collect())
}

fn longest_common_run(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut best = 0;
    let mut previous = vec![0; b.len() + 1];
    for x in &a {
        let mut row = vec![0; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            if x == y {
                row[j + 1] = previous[j] + 1;
                best = best.max(row[j + 1]);
            }
        }
        previous = row;
    }
    best
}

pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(x != *y));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_match_follows_awsume() {
        let names = ["prod-admin", "prod-read", "staging", "dev"];
        assert_eq!(fuzzy(&names, "stag"), Some("staging"), "unique prefix");
        assert_eq!(fuzzy(&names, "prod"), None, "two names start with it: ambiguous");
        assert_eq!(fuzzy(&names, "admin"), Some("prod-admin"), "longest shared run");
        assert_eq!(fuzzy(&names, "stagnig"), Some("staging"), "longest shared run");
        assert_eq!(fuzzy(&names, "dve"), Some("dev"), "a run tie, then closest by edits");
        assert_eq!(fuzzy(&names, "xyz"), None, "nothing shared");
        assert_eq!(fuzzy(&["alpha", "beta"], "gamma"), None, "a run tie, and too many edits away");
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }

    /// Names as botocore splits them: one word after the kind, quoted or escaped where it has
    /// spaces; Unicode spaces are spaces.
    #[test]
    fn header_names_in_every_spelling() {
        let name = |h: &str| config_section_name(h).map(|(_, n)| n.into_owned());
        let cases: [(&str, Option<&str>); 12] = [
            ("profile x", Some("x")),
            ("profile  x \t", Some("x")),
            ("profile\tx", Some("x")),
            ("profile\u{a0}x", None),
            ("profile x\u{a0}", Some("x")),
            ("profile a\u{b}b", None),
            ("profile a\u{a0}b", None),
            ("profile \"a b\"", Some("a b")),
            ("profile a\\ b", Some("a b")),
            ("profile a b", None),
            ("profilex", None),
            ("services s", Some("s")),
        ];
        for (header, expected) in cases {
            assert_eq!(name(header).as_deref(), expected, "{header:?}");
        }
    }
}
