//! Writing one section of the shared credentials file. The edit is line based and pure: every byte
//! outside the section written (comments, order, other sections, quoting, line endings) is kept.
//! The write is atomic (temp + rename), serialized between awsume processes by a directory lock,
//! keeps the file's mode (0600 when new) and follows a symlinked file to its target.

use std::path::Path;

use anyhow::{Result, bail};

use crate::cache::format_local;
use crate::config::edit::{self as config_edit, Holds};
use crate::credentials::Credentials;

/// Which existing sections may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// `export -c`: anything but long-term keys the user wrote, unless forced.
    UnlessUserKeys { force: bool },
    /// `awsume -o`: only a section awsume wrote (`manager = awsume`), or a new one.
    ManagedOnly,
}

/// The lines awsume writes for `creds`, marked as awsume's.
pub fn section_body(creds: &Credentials, region: Option<&str>) -> Vec<(&'static str, String)> {
    let mut body = vec![
        ("aws_access_key_id", creds.access_key_id.clone()),
        ("aws_secret_access_key", creds.secret_access_key.expose().to_string()),
    ];
    if let Some(token) = &creds.session_token {
        body.push(("aws_session_token", token.expose().to_string()));
    }
    if let Some(exp) = creds.expiration {
        body.push(("expiration", format_local(exp)));
        body.push(("aws_credential_expiration", creds.expiration_rfc3339().unwrap_or_default()));
    }
    if let Some(region) = region {
        body.push(("region", region.to_string()));
    }
    body.push(("manager", "awsume".to_string()));
    body
}

/// `text` with section `[name]` replaced by `body` (or appended when absent).
pub fn edit(text: &str, name: &str, body: &[(&str, String)], overwrite: Overwrite) -> Result<String> {
    if name.is_empty() || name.trim() != name || name.contains([']', '\n', '\r']) {
        bail!("{name:?} cannot be a section name in a credentials file");
    }
    for (key, value) in body {
        if value.contains(['\n', '\r']) || value.trim() != value {
            bail!(
                "the value for {key} has a line break or surrounding spaces, which a credentials file cannot hold"
            );
        }
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut section = format!("[{name}]{newline}");
    for (key, value) in body {
        section.push_str(&format!("{key} = {value}{newline}"));
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let header_name = |line: &str| -> Option<String> {
        let t = line.trim();
        let inner = t.strip_prefix('[')?;
        Some(inner[..inner.rfind(']')?].trim().to_string())
    };
    let Some(start) = lines.iter().position(|l| header_name(l).as_deref() == Some(name)) else {
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(newline);
        }
        if !out.is_empty() && !out.ends_with(&format!("{newline}{newline}")) {
            out.push_str(newline);
        }
        out.push_str(&section);
        return Ok(out);
    };
    let next = lines[start + 1..]
        .iter()
        .position(|l| header_name(l).is_some())
        .map_or(lines.len(), |i| start + 1 + i);
    // Blank and comment lines before the next header stay: they belong to what follows.
    let mut end = next;
    while end > start + 1 && is_blank_or_comment(lines[end - 1]) {
        end -= 1;
    }
    let existing = entries(&lines[start + 1..end]);
    let has = |key: &str| existing.iter().any(|(k, v)| k == key && !v.is_empty());
    let ours = existing.iter().any(|(k, v)| k == "manager" && v == "awsume");
    match overwrite {
        Overwrite::UnlessUserKeys { force } => {
            if !force && !ours && has("aws_access_key_id") && !has("aws_session_token") {
                bail!(
                    "section [{name}] holds long-term keys awsume did not write; not overwriting them (--force does)"
                );
            }
        }
        Overwrite::ManagedOnly if !ours => {
            bail!("section [{name}] is not awsume-managed (no `manager = awsume`); not overwriting it")
        }
        Overwrite::ManagedOnly => {}
    }
    let mut out: String = lines[..start].concat();
    out.push_str(&section);
    if end < lines.len() && !lines[end - 1].ends_with('\n') {
        out.push_str(newline);
    }
    out.push_str(&lines[end..].concat());
    Ok(out)
}

fn entries(lines: &[&str]) -> Vec<(String, String)> {
    lines
        .iter()
        .filter(|l| !is_blank_or_comment(l))
        .filter_map(|l| l.split_once(['=', ':']))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
        .collect()
}

/// `text` without the awsume-managed sections whose credentials expired before `now` (`--clean`),
/// and how many went. Sections the user wrote, and their comments, are kept byte for byte.
pub fn remove_expired(text: &str, now: chrono::DateTime<chrono::Utc>) -> (String, usize) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let is_header = |line: &str| line.trim_start().starts_with('[');
    let headers: Vec<usize> = (0..lines.len()).filter(|&i| is_header(lines[i])).collect();
    let mut keep = vec![true; lines.len()];
    let mut removed = 0;
    for (n, &start) in headers.iter().enumerate() {
        let next = headers.get(n + 1).copied().unwrap_or(lines.len());
        let mut end = next;
        while end > start + 1 && is_blank_or_comment(lines[end - 1]) {
            end -= 1;
        }
        let body = entries(&lines[start + 1..end]);
        let get = |key: &str| body.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let expires = get("aws_credential_expiration")
            .and_then(|v| chrono::DateTime::parse_from_rfc3339(v).ok().map(|t| t.to_utc()))
            .or_else(|| get("expiration").and_then(|v| crate::cache::parse_local(v).ok()));
        if get("manager") != Some("awsume") || expires.is_none_or(|t| t >= now) {
            continue;
        }
        removed += 1;
        keep[start..end].iter_mut().for_each(|k| *k = false);
        // The blank line that separated it goes with it, where another blank line (or the end of
        // the file) follows: appending then cleaning gives back the same bytes.
        if start > 0
            && lines[start - 1].trim().is_empty()
            && lines.get(end).is_none_or(|l| l.trim().is_empty())
        {
            keep[start - 1] = false;
        }
    }
    let out = lines.iter().zip(&keep).filter(|(_, k)| **k).map(|(l, _)| *l).collect();
    (out, removed)
}

/// `--clean` on the credentials file at `path`: locked and atomic like `write`.
pub fn clean(path: &Path) -> Result<usize> {
    let removed = std::cell::Cell::new(0);
    config_edit::update(path, Holds::Secrets, |text| {
        let (updated, count) = remove_expired(text, chrono::Utc::now());
        removed.set(count);
        Ok(updated)
    })?;
    Ok(removed.get())
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#') || t.starts_with(';')
}

/// Writes section `name` of the credentials file at `path`.
pub fn write(path: &Path, name: &str, body: &[(&str, String)], overwrite: Overwrite) -> Result<()> {
    config_edit::update(path, Holds::Secrets, |text| edit(text, name, body, overwrite))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORCE: Overwrite = Overwrite::UnlessUserKeys { force: true };
    const SAFE: Overwrite = Overwrite::UnlessUserKeys { force: false };

    fn body(key: &str) -> Vec<(&'static str, String)> {
        vec![("aws_access_key_id", key.to_string()), ("manager", "awsume".to_string())]
    }

    #[test]
    fn replaces_only_the_section_and_keeps_every_other_byte() {
        let text = "# top comment\n[a]\nk = \"quoted\"\n\n[target]\naws_access_key_id = OLD\naws_session_token = T\n\n; about b\n[b]\nx=1";
        let out = edit(text, "target", &body("NEW"), SAFE).unwrap();
        assert_eq!(
            out,
            "# top comment\n[a]\nk = \"quoted\"\n\n[target]\naws_access_key_id = NEW\nmanager = awsume\n\n; about b\n[b]\nx=1"
        );
        assert_eq!(edit(&out, "target", &body("NEW"), SAFE).unwrap(), out, "idempotent");
    }

    #[test]
    fn appends_with_a_blank_line_and_keeps_crlf() {
        assert_eq!(
            edit("", "n", &body("K"), SAFE).unwrap(),
            "[n]\naws_access_key_id = K\nmanager = awsume\n"
        );
        assert_eq!(
            edit("[a]\r\nx=1", "n", &body("K"), SAFE).unwrap(),
            "[a]\r\nx=1\r\n\r\n[n]\r\naws_access_key_id = K\r\nmanager = awsume\r\n"
        );
        assert_eq!(
            edit("[a]\nx=1\n\n", "n", &body("K"), SAFE).unwrap(),
            "[a]\nx=1\n\n[n]\naws_access_key_id = K\nmanager = awsume\n"
        );
    }

    #[test]
    fn refuses_long_term_keys_the_user_wrote_unless_forced() {
        let text = "[prod]\naws_access_key_id = AKIAUSER\naws_secret_access_key = s\n";
        let err = edit(text, "prod", &body("NEW"), SAFE).unwrap_err().to_string();
        assert!(err.contains("long-term keys"), "{err}");
        assert!(edit(text, "prod", &body("NEW"), FORCE).is_ok());
        let ours = "[prod]\naws_access_key_id = AKIAEXPORTED\nmanager = awsume\n";
        assert!(edit(ours, "prod", &body("NEW"), SAFE).is_ok());
    }

    #[test]
    fn refuses_what_an_ini_file_cannot_hold() {
        assert!(edit("", "a]b", &body("K"), SAFE).is_err());
        assert!(edit("", "n", &body("K\nx = y"), SAFE).is_err());
        assert!(edit("", "n", &body(" K"), SAFE).is_err());
    }

    #[test]
    fn managed_only_refuses_sections_the_user_wrote() {
        let user = "[work]\naws_access_key_id = ASIA\naws_session_token = T\n";
        let err = edit(user, "work", &body("NEW"), Overwrite::ManagedOnly).unwrap_err().to_string();
        assert!(err.contains("not awsume-managed"), "{err}");
        let ours = "[work]\naws_access_key_id = OLD\nmanager = awsume\n";
        assert!(edit(ours, "work", &body("NEW"), Overwrite::ManagedOnly).is_ok());
        assert!(edit("", "new", &body("NEW"), Overwrite::ManagedOnly).is_ok());
    }

    #[test]
    fn clean_removes_only_expired_managed_sections() {
        let now = chrono::Utc::now();
        let past = (now - chrono::Duration::hours(1)).to_rfc3339();
        let future = (now + chrono::Duration::hours(1)).to_rfc3339();
        let original = format!(
            "# mine\n[user]\naws_access_key_id = AKIA\nexpiration = 2000-01-01 00:00:00\n\n; kept\n[fresh]\naws_credential_expiration = {future}\nmanager = awsume\n"
        );
        let with_old = edit(
            &original,
            "old",
            &[("aws_credential_expiration", past.clone()), ("manager", "awsume".into())],
            Overwrite::ManagedOnly,
        )
        .unwrap();
        assert_eq!(
            remove_expired(&with_old, now),
            (original.clone(), 1),
            "append then clean is the identity"
        );
        let middle =
            "[a]\nx=1\n\n[gone]\nexpiration = 2000-01-01 00:00:00\nmanager = awsume\n# about b\n[b]\ny=2\n";
        assert_eq!(remove_expired(middle, now).0, "[a]\nx=1\n\n# about b\n[b]\ny=2\n");
        assert_eq!(remove_expired(&original, now), (original, 0));
    }

    proptest::proptest! {
        /// Whatever the file holds: the bytes before the section are kept, every other section
        /// reads the same afterwards, and the section then holds exactly the body.
        #[test]
        fn other_bytes_survive(
            lines in proptest::collection::vec("(\\[(a|b|target)\\]|[a-z_]{1,5} ?= ?[A-Za-z0-9\"' ]{0,6}|#.{0,5}|;x|)", 0..20),
            crlf in proptest::bool::ANY,
        ) {
            let text = lines.join(if crlf { "\r\n" } else { "\n" });
            let Ok(out) = edit(&text, "target", &body("NEW"), FORCE) else { return Ok(()) };
            if let Some(i) = text.split_inclusive('\n').position(|l| l.trim() == "[target]") {
                let prefix: String = text.split_inclusive('\n').take(i).collect();
                proptest::prop_assert!(out.starts_with(&prefix));
            }
            let sections = |t: &str| {
                crate::config::ini::parse(t).map(|all| {
                    all.into_iter().map(|s| (s.header, s.entries)).collect::<Vec<_>>()
                })
            };
            if let (Ok(before), Ok(after)) = (sections(&text), sections(&out)) {
                let others = |v: &Vec<(String, Vec<(String, String)>)>| {
                    v.iter().filter(|(h, _)| h != "target").cloned().collect::<Vec<_>>()
                };
                proptest::prop_assert_eq!(others(&before), others(&after));
                let target = after.iter().find(|(h, _)| h == "target").map(|(_, e)| e.clone());
                let expected: Vec<(String, String)> = body("NEW").into_iter().map(|(k, v)| (k.to_string(), v)).collect();
                proptest::prop_assert_eq!(target, Some(expected));
            }
        }
    }
}
