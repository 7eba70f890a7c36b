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

#[cfg(test)]
mod tests {
    use super::*;

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
