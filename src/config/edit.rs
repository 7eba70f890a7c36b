//! Editing `~/.aws/config` as a person would: set keys of one profile's section, or add sections,
//! keeping every other byte (comments, order, spacing, other sections, line endings). Pure text in,
//! text out; `update` does the one locked, atomic write.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::files::{self, display};

/// The config file's header of profile `name` (`[default]`, `[profile NAME]`), or why the name
/// cannot be one. Every place a profile name becomes a header asks here first.
pub fn profile_header(name: &str) -> Result<String> {
    section_name(name)?;
    Ok(if name == "default" { name.to_string() } else { format!("profile {name}") })
}

/// `name` when it can stand between `[` and `]` and read back as itself (the credentials file's
/// headers are profile names as they are); else why not: empty, spaces at either end, a line break,
/// a bracket or another control character would make another section, or none.
pub fn section_name(name: &str) -> Result<&str> {
    let reads_back = !name.is_empty()
        && name.trim() == name
        && !name.contains(['[', ']'])
        && !name.chars().any(char::is_control)
        && section_of(&format!("[{name}]")) == Some(name);
    if !reads_back {
        bail!(
            "profile name {name:?} cannot be a section header (empty, spaces at its ends, brackets or control characters)"
        );
    }
    Ok(name)
}

/// `text` with `key = value` set in section `[header]` for each pair: an existing key's line is
/// replaced in place, a new key goes after the section's last setting, a missing section is added
/// at the end. A header that would not read back as itself is refused.
pub fn set_keys(text: &str, header: &str, pairs: &[(&str, &str)]) -> Result<String> {
    let name = header.strip_prefix("profile ").unwrap_or(header);
    section_name(name).and_then(|_| section_name(header))?;
    for (key, value) in pairs {
        if value.contains(['\n', '\r']) || key.contains(['=', '\n', '[']) {
            bail!("{key} = {value:?} cannot be written into a config file");
        }
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    Ok(pairs.iter().fold(text.to_string(), |text, (key, value)| set_key(&text, header, key, value, newline)))
}

fn set_key(text: &str, header: &str, key: &str, value: &str, newline: &str) -> String {
    let line = format!("{key} = {value}{newline}");
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let Some((start, end)) = bounds(&lines, header) else {
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(newline);
        }
        if !out.is_empty() && !out.ends_with(&format!("{newline}{newline}")) {
            out.push_str(newline);
        }
        return format!("{out}[{header}]{newline}{line}");
    };
    match (start + 1..end).find(|&i| key_of(&lines[i]).is_some_and(|k| k.eq_ignore_ascii_case(key))) {
        Some(i) => lines[i] = line,
        None => {
            // After the section's last setting (or its header), before trailing blanks and comments.
            let last = (start + 1..end).rev().find(|&i| key_of(&lines[i]).is_some()).unwrap_or(start);
            if !lines[last].ends_with('\n') {
                lines[last].push_str(newline);
            }
            lines.insert(last + 1, line);
        }
    }
    lines.concat()
}

/// What `apply` does to one section.
pub enum SectionEdit<'a> {
    /// Set these keys (the section is added at the end when missing).
    Set(Vec<(&'a str, &'a str)>),
    /// Remove the section, as `remove_section` does.
    Remove,
}

/// Many sections edited in one pass over `text` (linear in its size, whatever the number of
/// edits): each as `set_keys` or `remove_section` would edit it alone, new sections appended in the
/// order given. Every header and value is checked before anything is edited.
pub fn apply(text: &str, edits: &[(String, SectionEdit<'_>)]) -> Result<String> {
    let mut wanted = std::collections::HashMap::new();
    for (index, (header, edit)) in edits.iter().enumerate() {
        if let SectionEdit::Set(pairs) = edit {
            set_keys("", header, pairs)?;
        }
        if wanted.insert(header.as_str(), index).is_some() {
            bail!("[{header}] would be written twice");
        }
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let starts: Vec<usize> = (0..lines.len()).filter(|&i| section_of(lines[i]).is_some()).collect();
    let mut out = lines[..starts.first().copied().unwrap_or(lines.len())].concat();
    let mut done = vec![false; edits.len()];
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        let chunk = lines[start..end].concat();
        let header = section_of(lines[start]).unwrap_or_default();
        match wanted.get(header).filter(|&&i| !done[i]) {
            Some(&i) => {
                done[i] = true;
                out.push_str(&match &edits[i].1 {
                    SectionEdit::Set(pairs) => {
                        pairs.iter().fold(chunk, |t, (k, v)| set_key(&t, header, k, v, newline))
                    }
                    SectionEdit::Remove => remove_section(&chunk, header),
                });
            }
            None => out.push_str(&chunk),
        }
    }
    for (i, (header, edit)) in edits.iter().enumerate() {
        if let (false, SectionEdit::Set(pairs)) = (done[i], edit) {
            let added = pairs.iter().fold(String::new(), |t, (k, v)| set_key(&t, header, k, v, newline));
            if !out.is_empty() && !out.ends_with('\n') {
                out.push_str(newline);
            }
            if !out.is_empty() && !out.ends_with(&format!("{newline}{newline}")) {
                out.push_str(newline);
            }
            out.push_str(&added);
        }
    }
    Ok(out)
}

/// `text` without section `[header]` (its header, settings and the blank lines after it).
pub fn remove_section(text: &str, header: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some((start, end)) = bounds(&lines, header) else {
        return text.to_string();
    };
    // A comment right before the next section belongs to it.
    let mut keep_from = end;
    while keep_from > start + 1 && lines[keep_from - 1].trim_start().starts_with(['#', ';']) {
        keep_from -= 1;
    }
    let mut out: String = lines[..start].concat();
    out.push_str(&lines[keep_from..].concat());
    out
}

/// `text` without the `keys` of section `[header]` (and their continuation lines); a section left
/// with no setting goes whole.
pub fn remove_keys(text: &str, header: &str, keys: &[&str]) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some((start, end)) = bounds(&lines, header) else {
        return text.to_string();
    };
    let mut kept: Vec<&str> = lines[..=start].to_vec();
    let mut dropping = false;
    for line in &lines[start + 1..end] {
        match key_of(line) {
            Some(k) => dropping = keys.iter().any(|key| k.eq_ignore_ascii_case(key)),
            // A continuation belongs to the key above it; a blank or a comment ends it.
            None if line.starts_with([' ', '\t']) && !line.trim().is_empty() => {}
            None => dropping = false,
        }
        if !dropping {
            kept.push(line);
        }
    }
    let left_empty = !kept[start + 1..].iter().any(|l| key_of(l).is_some());
    kept.extend_from_slice(&lines[end..]);
    let out = kept.concat();
    if left_empty { remove_section(&out, header) } else { out }
}

/// The value of `key` in section `[header]`, as written.
pub fn get(text: &str, header: &str, key: &str) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start = lines.iter().position(|l| section_of(l) == Some(header))?;
    lines[start + 1..]
        .iter()
        .take_while(|l| section_of(l).is_none())
        .find(|l| key_of(l).is_some_and(|k| k.eq_ignore_ascii_case(key)))
        .and_then(|l| l.split_once(['=', ':']).map(|(_, v)| v.trim().to_string()))
}

/// The headers of every section.
pub fn headers(text: &str) -> Vec<String> {
    text.lines().filter_map(section_of).map(str::to_string).collect()
}

/// Where section `[header]` starts (its header line) and ends (the next header, or the end).
fn bounds<S: AsRef<str>>(lines: &[S], header: &str) -> Option<(usize, usize)> {
    let start = lines.iter().position(|l| section_of(l.as_ref()) == Some(header))?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| section_of(l.as_ref()).is_some())
        .map_or(lines.len(), |i| start + 1 + i);
    Some((start, end))
}

/// The header of a `[section]` line.
fn section_of(line: &str) -> Option<&str> {
    let t = line.trim();
    t.strip_prefix('[').and_then(|r| r.rfind(']').map(|end| r[..end].trim()))
}

/// The key of a `key = value` line (not a comment, not a continuation).
fn key_of(line: &str) -> Option<&str> {
    if line.starts_with([' ', '\t']) {
        return None;
    }
    let t = line.trim();
    if t.is_empty() || t.starts_with(['#', ';', '[']) {
        return None;
    }
    t.split_once(['=', ':']).map(|(k, _)| k.trim())
}

/// What a rewritten file holds, for its mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    Settings,
    /// Credentials: a file others can read becomes 0600 (the AWS CLI would leave it), said once.
    Secrets,
}

/// How often an edit is made again on a file another tool changed meanwhile.
const RETRIES: usize = 5;

/// How long an edit waits for another awsume editing the same file.
const EDIT_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Applies `change` to the AWS file at `path` under a lock (`files::lock_beside`), atomically (readers
/// see the old file or the new one), keeping its mode (0600 when new) and following a symlinked
/// file (dotfile managers) to its target. Unchanged text writes nothing.
pub fn update(path: &Path, holds: Holds, change: impl Fn(&str) -> Result<String>) -> Result<()> {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = files::parent_dir(&path);
    files::private_dir(dir).with_context(|| format!("cannot create {}", display(dir)))?;
    let _lock = files::lock_beside(&path, EDIT_WAIT, &format!("writing {}", display(&path)))?;
    let mut text = files::read_optional(&path)?.unwrap_or_default();
    let mut updated = change(&text).with_context(|| display(&path))?;
    // Other tools write the file without our lock (`aws configure set`): what one of them wrote
    // while the change was made is read again and changed too, not lost.
    for _ in 0..RETRIES {
        let now = files::read_optional(&path)?.unwrap_or_default();
        if now == text {
            break;
        }
        updated = change(&now).with_context(|| display(&path))?;
        text = now;
    }
    if updated == text {
        return Ok(());
    }
    let mode = match files::existing_mode(&path) {
        Some(mode) if holds == Holds::Secrets && mode & 0o077 != 0 => {
            crate::messages::note(&format!(
                "{} was readable by others (mode {mode:o}); it holds credentials, so it is now 0600",
                display(&path)
            ));
            mode & !0o077
        }
        Some(mode) => mode,
        None => 0o600,
    };
    files::write_atomic(&path, updated.as_bytes(), mode)
        .with_context(|| format!("cannot write {}", display(&path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_keys_in_place_and_keeps_every_other_byte() {
        let text = "# mine\n[default]\nregion = eu-west-1\n\n[profile p]\nregion=x\n# note\n\n[profile q]\ns3 =\n  max = 1\n";
        let out = set_keys(text, "profile p", &[("login_session", "arn:aws:iam::1:user/a"), ("region", "y")])
            .unwrap();
        assert_eq!(
            out,
            "# mine\n[default]\nregion = eu-west-1\n\n[profile p]\nregion = y\nlogin_session = arn:aws:iam::1:user/a\n# note\n\n[profile q]\ns3 =\n  max = 1\n"
        );
        assert_eq!(set_keys(&out, "profile p", &[("region", "y")]).unwrap(), out, "idempotent");
        let added = set_keys("[default]\r\nregion = a", "profile new", &[("k", "v")]).unwrap();
        assert_eq!(added, "[default]\r\nregion = a\r\n\r\n[profile new]\r\nk = v\r\n");
        assert_eq!(set_keys("", "profile n", &[("k", "v")]).unwrap(), "[profile n]\nk = v\n");
        assert!(set_keys("", "profile n", &[("k", "a\nb")]).is_err());
    }

    #[test]
    fn a_header_that_would_not_read_back_is_refused() {
        for bad in ["", " x", "x ", "x]\n[victim", "a\rb", "a]b", "[a", "a\u{1b}b", "profile "] {
            assert!(set_keys("", &format!("profile {bad}"), &[("k", "v")]).is_err(), "{bad:?}");
            assert!(profile_header(bad).is_err(), "{bad:?}");
        }
        assert_eq!(profile_header("default").unwrap(), "default");
        assert_eq!(profile_header("prod admin.本番").unwrap(), "profile prod admin.本番");
        assert_eq!(section_name("sso-session corp").unwrap(), "sso-session corp");
    }

    #[test]
    fn apply_edits_many_sections_as_one_at_a_time_would() {
        let text = "# top\n[a]\nk = 1\n\n[profile gen]\nx = 2\n\n# about b\n[b]\ny = 3";
        let edits = [
            ("b".to_string(), SectionEdit::Set(vec![("y", "4"), ("z", "5")])),
            ("profile gen".to_string(), SectionEdit::Remove),
            ("profile new".to_string(), SectionEdit::Set(vec![("n", "1")])),
            ("a".to_string(), SectionEdit::Set(vec![("k", "1")])),
        ];
        let one_by_one = set_keys(
            &set_keys(
                &remove_section(&set_keys(text, "b", &[("y", "4"), ("z", "5")]).unwrap(), "profile gen"),
                "profile new",
                &[("n", "1")],
            )
            .unwrap(),
            "a",
            &[("k", "1")],
        )
        .unwrap();
        assert_eq!(apply(text, &edits).unwrap(), one_by_one);
        assert!(apply(text, &[("x]\n[y".to_string(), SectionEdit::Set(vec![("k", "v")]))]).is_err());
        let twice = [("a".to_string(), SectionEdit::Remove), ("a".to_string(), SectionEdit::Remove)];
        assert!(apply(text, &twice).is_err());
    }

    #[test]
    fn removes_keys_and_a_section_they_leave_empty() {
        let text = "[a]\naws_access_key_id = A\n# keep me\naws_secret_access_key = S\nregion = x\n[b]\naws_access_key_id = B\naws_secret_access_key = T\n\n[c]\nk = 1\n";
        let keys = ["aws_access_key_id", "aws_secret_access_key"];
        let once = remove_keys(text, "a", &keys);
        assert_eq!(
            once,
            "[a]\n# keep me\nregion = x\n[b]\naws_access_key_id = B\naws_secret_access_key = T\n\n[c]\nk = 1\n"
        );
        assert_eq!(remove_keys(&once, "b", &keys), "[a]\n# keep me\nregion = x\n[c]\nk = 1\n");
    }

    #[test]
    fn removes_one_section_whole_and_reads_keys() {
        let text = "[a]\nk = 1\n\n[profile gen]\nx = 2\n\n# about b\n[b]\ny = 3\n";
        assert_eq!(remove_section(text, "profile gen"), "[a]\nk = 1\n\n# about b\n[b]\ny = 3\n");
        assert_eq!(remove_section(text, "missing"), text);
        assert_eq!(get(text, "b", "Y").as_deref(), Some("3"));
        assert_eq!(headers(text), ["a", "profile gen", "b"]);
    }
}
