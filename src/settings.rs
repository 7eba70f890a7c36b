//! awsume's own settings file, `config.yaml` where Python awsume keeps it (`$XDG_CONFIG_HOME/awsume/`,
//! else `~/.awsume/`). Only top-level `key: scalar` lines are read; `--config set` edits one line and
//! keeps every other byte (comments, plugin sections), written atomically.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::files::{self, display};

/// The settings awsume acts on, as read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub role_duration: Option<i32>,
    pub region: Option<String>,
    pub role_session_name: Option<String>,
    pub fuzzy_match: bool,
    /// `-a` renews this many seconds before the credentials expire.
    pub auto_refresh_margin: i64,
    /// A cached role session is reused while more than this many seconds of it are left.
    pub role_cache_margin: i64,
    /// awsume's `colors` (stderr only, and only on a terminal).
    pub colors: bool,
    /// awsume's `… will expire …` lines after `awsume PROFILE` (`confirmations: false` for scripts).
    pub confirmations: bool,
    /// The command whose output is the MFA code, for profiles without `mfa_process` of their own.
    pub mfa_process: Option<String>,
    /// Which keychain `awsume keys` uses: `auto`, `secret-service`, `keyutils`.
    pub keychain: Option<String>,
    /// The profile `awsume` takes when none is named (after `AWSUME_DEFAULT_PROFILE`).
    pub default_profile: Option<String>,
    /// Where no browser can be opened (SSH without a display), sign in from another device.
    pub auto_remote: bool,
    /// How an MFA code is asked when no command gives it: `auto`, `terminal`, or a dialog.
    pub mfa_prompt: Option<String>,
    /// `export --exec` serves the child a refreshing endpoint instead of keys (`--serve`).
    pub exec_serve: bool,
    /// The console plugin's `console:` block: `browser_command` and `services`.
    pub console: Console,
    /// The port browser sign-ins come back to (after `--redirect-port` and the profile's own).
    pub redirect_port: Option<u16>,
    /// `agent_*` keys (`agent_policy_arns`, `agent_policy`, `agent_duration`, `agent_role_arn`; `-`
    /// or `_`), for profiles without their own (`plan/agent.rs`).
    pub agent: Vec<(String, String)>,
}

/// awsume console plugin's settings, read where the plugin kept them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Console {
    /// The browser to run, `{url}` and `{profile}` filled in (split like a command line, no shell).
    pub browser_command: Option<String>,
    /// Service aliases of the user's own: name → console path (or a whole URL).
    pub services: Vec<(String, String)>,
    /// `browser_profile`: the `{browser_profile}` for profiles without `console_browser_profile`.
    pub browser_profile: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            role_duration: None,
            region: None,
            role_session_name: None,
            fuzzy_match: false,
            auto_refresh_margin: 600,
            // botocore's own window: a role session with less left is not reused.
            role_cache_margin: 15 * 60,
            colors: true,
            confirmations: true,
            mfa_process: None,
            keychain: None,
            default_profile: None,
            auto_remote: true,
            mfa_prompt: None,
            exec_serve: false,
            console: Console::default(),
            agent: Vec::new(),
            redirect_port: None,
        }
    }
}

/// Python awsume's defaults (and ours), for `--config reset`.
const DEFAULTS: [(&str, &str); 9] = [
    ("auto-remote", "true"),
    ("mfa-prompt", "auto"),
    ("exec-serve", "false"),
    ("role-duration", "0"),
    ("colors", "true"),
    ("fuzzy-match", "false"),
    ("auto-refresh-margin", "600"),
    ("confirmations", "true"),
    ("role-cache-margin", "900"),
];

pub fn path(home: &Path) -> PathBuf {
    match crate::environment::var("XDG_CONFIG_HOME") {
        Some(xdg) => PathBuf::from(xdg).join("awsume").join("config.yaml"),
        None => home.join(".awsume").join("config.yaml"),
    }
}

impl Settings {
    /// The browser the user chose (`console.browser_command`), for every URL awsume opens.
    pub fn browser(&self) -> crate::browser::Browser {
        crate::browser::Browser { command: self.console.browser_command.clone() }
    }

    /// The user's settings: `$XDG_CONFIG_HOME/awsume/config.yaml`, else `~/.awsume/config.yaml`.
    pub fn user() -> Result<Self> {
        Self::load(&path(&crate::files::home_dir()))
    }

    /// The settings in `path`; a missing file is the defaults.
    pub fn load(path: &Path) -> Result<Self> {
        let Some(text) = files::read_optional(path)? else { return Ok(Self::default()) };
        Self::parse(&text).with_context(|| display(path))
    }

    fn parse(text: &str) -> Result<Self> {
        let mut settings = Self::default();
        for (key, value) in entries(text) {
            match key {
                "role-duration" => {
                    let seconds = value.parse::<i32>().ok().filter(|s| (0..=43200).contains(s));
                    let Some(seconds) = seconds else {
                        bail!("role-duration {value:?} is not a number of seconds from 0 to 43200");
                    };
                    settings.role_duration = (seconds > 0).then_some(seconds);
                }
                "region" => settings.region = Some(value).filter(|v| !v.is_empty() && v != "null"),
                "role-session-name" => {
                    settings.role_session_name = Some(value).filter(|v| !v.is_empty() && v != "null")
                }
                "fuzzy-match" => settings.fuzzy_match = value.eq_ignore_ascii_case("true"),
                "colors" => settings.colors = !value.eq_ignore_ascii_case("false"),
                "mfa-process" => settings.mfa_process = Some(value).filter(|v| v != "null"),
                "keychain" => settings.keychain = Some(value).filter(|v| v != "null"),
                "default-profile" => settings.default_profile = Some(value).filter(|v| v != "null"),
                "confirmations" => settings.confirmations = !value.eq_ignore_ascii_case("false"),
                "auto-refresh-margin" => settings.auto_refresh_margin = seconds(key, &value)?,
                "role-cache-margin" => settings.role_cache_margin = seconds(key, &value)?,
                "auto-remote" => settings.auto_remote = !value.eq_ignore_ascii_case("false"),
                "mfa-prompt" => settings.mfa_prompt = Some(value).filter(|v| v != "null"),
                "exec-serve" => settings.exec_serve = value.eq_ignore_ascii_case("true"),
                "redirect-port" => {
                    let port = value.parse::<u16>().ok().filter(|p| *p >= 1024);
                    settings.redirect_port = Some(port.ok_or_else(|| {
                        anyhow::anyhow!("redirect-port {value:?} is not a port from 1024 to 65535")
                    })?);
                }
                _ if key.starts_with("agent") => settings.agent.push((key.replace('-', "_"), value)),
                _ => {}
            }
        }
        let console = block(text, "console");
        settings.console = Console {
            browser_command: entries(&console).find(|(k, _)| *k == "browser_command").map(|(_, v)| v),
            services: entries(&block(&console, "services")).map(|(k, v)| (k.to_string(), v)).collect(),
            browser_profile: entries(&console).find(|(k, _)| *k == "browser_profile").map(|(_, v)| v),
        };
        Ok(settings)
    }
}

/// The lines of the nested block under top-level `key:`, unindented.
fn block(text: &str, key: &str) -> String {
    let mut lines =
        text.lines().skip_while(|l| l.split_once(':').is_none_or(|(k, v)| k != key || !v.trim().is_empty()));
    if lines.next().is_none() {
        return String::new();
    }
    let inner: Vec<&str> = lines
        .take_while(|l| l.trim().is_empty() || l.starts_with([' ', '\t']))
        .filter(|l| !l.trim().is_empty())
        .collect();
    let indent = inner.iter().map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    inner.iter().map(|l| format!("{}\n", &l[indent..])).collect()
}

/// A number of seconds a setting takes: 0 to 12 hours.
fn seconds(key: &str, value: &str) -> Result<i64> {
    value
        .parse::<i64>()
        .ok()
        .filter(|s| (0..=43200).contains(s))
        .ok_or_else(|| anyhow::anyhow!("{key} {value:?} is not a number of seconds from 0 to 43200"))
}

/// Top-level `key: scalar` pairs, unquoted; nested blocks, lists and comments are skipped.
fn entries(text: &str) -> impl Iterator<Item = (&str, String)> {
    text.lines().filter_map(|line| {
        if line.starts_with([' ', '\t', '#', '-']) {
            return None;
        }
        let (key, value) = line.split_once(':')?;
        Some((key.trim(), scalar(value.trim())?))
    })
}

/// A YAML scalar's value: quotes removed, a trailing comment dropped; `None` for a block start.
fn scalar(raw: &str) -> Option<String> {
    if let Some(inner) = raw.strip_prefix('\'') {
        let end = inner.rfind('\'')?;
        return Some(inner[..end].replace("''", "'"));
    }
    if let Some(inner) = raw.strip_prefix('"') {
        let end = inner.rfind('"')?;
        return Some(inner[..end].replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    let value = raw.split(" #").next().unwrap_or("").trim();
    Some(value.to_string()).filter(|v| !v.is_empty())
}

/// A value as YAML: numbers and booleans bare, strings single-quoted.
fn render(value: &str) -> String {
    let bare = value.parse::<i64>().is_ok() || matches!(value, "true" | "false");
    if bare { value.to_string() } else { format!("'{}'", value.replace('\'', "''")) }
}

/// `text` with `key` set to `value` (`None` removes it); every other line is kept. A dotted key
/// (`console.browser_command`) is a key of the nested block (`console:`), made when missing.
fn edit(text: &str, key: &str, value: Option<&str>) -> String {
    match key.split_once('.') {
        Some((parent, child)) => edit_nested(text, parent, child, value),
        None => edit_top(text, key, value),
    }
}

/// `edit` of a key of the nested block under top-level `parent:`.
fn edit_nested(text: &str, parent: &str, child: &str, value: Option<&str>) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let is_parent = |l: &&str| {
        !l.starts_with([' ', '\t', '#'])
            && l.split_once(':').is_some_and(|(k, rest)| k.trim() == parent && rest.trim().is_empty())
    };
    let Some(start) = lines.iter().position(is_parent) else {
        let mut out = text.to_string();
        if let Some(value) = value {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!("{parent}:\n  {child}: {}\n", render(value)));
        }
        return out;
    };
    // The block: the indented (or blank) lines after the parent's.
    let end = start
        + 1
        + lines[start + 1..].iter().take_while(|l| l.trim().is_empty() || l.starts_with([' ', '\t'])).count();
    let indent = lines[start + 1..end]
        .iter()
        .find(|l| !l.trim().is_empty())
        .map_or("  ".to_string(), |l| l[..l.len() - l.trim_start().len()].to_string());
    let is_child = |l: &str| {
        l.starts_with(&indent)
            && !l[indent.len()..].starts_with([' ', '\t'])
            && l.split_once(':').is_some_and(|(k, _)| k.trim() == child)
    };
    let line = value.map(|v| format!("{indent}{child}: {}\n", render(v)));
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match (lines[start + 1..end].iter().position(|l| is_child(l)), line) {
        (Some(at), Some(line)) => out[start + 1 + at] = line,
        (Some(at), None) => out[start + 1 + at] = String::new(),
        (None, Some(line)) => {
            let last = lines[start + 1..end]
                .iter()
                .rposition(|l| !l.trim().is_empty())
                .map_or(start, |p| start + 1 + p);
            if !out[last].ends_with('\n') {
                out[last].push('\n');
            }
            out.insert(last + 1, line);
        }
        (None, None) => {}
    }
    out.concat()
}

/// `edit` of a top-level key.
fn edit_top(text: &str, key: &str, value: Option<&str>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut done = false;
    for line in text.split_inclusive('\n') {
        let this =
            !line.starts_with([' ', '\t', '#']) && line.split_once(':').is_some_and(|(k, _)| k.trim() == key);
        if !this {
            out.push_str(line);
        } else if let (Some(value), false) = (value, done) {
            out.push_str(&format!("{key}: {}\n", render(value)));
            done = true;
        }
    }
    if let (Some(value), false) = (value, done) {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("{key}: {}\n", render(value)));
    }
    out
}

/// `awsume --config OPERATION [KEY [VALUE]]`: returns what to print.
pub fn command(path: &Path, operation: &[String]) -> Result<String> {
    let text = files::read_optional(path)?.unwrap_or_default();
    let args: Vec<&str> = operation.iter().map(String::as_str).collect();
    let new_text = match args.as_slice() {
        ["list"] => return Ok(text),
        ["get", key] => {
            let value = match key.split_once('.') {
                Some((parent, child)) => {
                    entries(&block(&text, parent)).find(|(k, _)| k == &child).map(|(_, v)| v)
                }
                None => entries(&text).find(|(k, _)| k == key).map(|(_, v)| v),
            };
            let json = match value {
                None => serde_json::Value::Null,
                Some(v) if v == "true" || v == "false" => serde_json::Value::Bool(v == "true"),
                Some(v) => v.parse::<i64>().map_or(serde_json::Value::String(v), serde_json::Value::from),
            };
            return Ok(format!("{json}\n"));
        }
        ["set", key, value] => {
            let value = normalized(key, value)?;
            edit(&text, key, Some(&value))
        }
        ["reset", key] => {
            let Some((_, default)) = DEFAULTS.iter().find(|(k, _)| k == key) else {
                let keys: Vec<&str> = DEFAULTS.iter().map(|(k, _)| *k).collect();
                bail!("{key} has no default (keys with defaults: {})", keys.join(", "));
            };
            edit(&text, key, Some(default))
        }
        ["clear", key] => edit(&text, key, None),
        _ => bail!(
            "--config takes: get KEY | set KEY VALUE | reset KEY | clear KEY | list (got {:?})",
            args.join(" ")
        ),
    };
    Settings::parse(&new_text).with_context(|| format!("not written to {}", display(path)))?;
    if let Some(dir) = path.parent() {
        files::private_dir(dir).with_context(|| format!("cannot create {}", display(dir)))?;
    }
    let mode = files::existing_mode(path).unwrap_or(0o600);
    files::write_atomic(path, new_text.as_bytes(), mode)
        .with_context(|| format!("cannot write {}", display(path)))?;
    Ok(String::new())
}

/// A value for `key` as awsume stores it, checked where awsume gives the key a meaning.
fn normalized(key: &str, value: &str) -> Result<String> {
    if value.contains(['\n', '\r']) {
        bail!("a setting cannot hold a line break");
    }
    Ok(match key {
        "fuzzy-match" | "colors" | "confirmations" => match value.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => "true".into(),
            "false" | "no" | "off" | "0" => "false".into(),
            _ => bail!("{key} is true or false, not {value:?}"),
        },
        _ => value.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_python_awsume_writes() {
        let text = "colors: true\nfuzzy-match: true\nregion: eu-west-1\nrole-duration: 7200\n\
                    role-session-name: 'it''s me'\nplugin:\n  region: nested-is-ignored\n";
        let s = Settings::parse(text).unwrap();
        assert_eq!(
            s,
            Settings {
                role_duration: Some(7200),
                region: Some("eu-west-1".into()),
                role_session_name: Some("it's me".into()),
                fuzzy_match: true,
                auto_refresh_margin: 600,
                role_cache_margin: 900,
                colors: true,
                confirmations: true,
                ..Default::default()
            }
        );
        let console = "console:\n  browser_command: 'firefox -P {profile} {url}'\n  services:\n    mine: some/path\n    db: rds\nregion: x\n";
        let parsed = Settings::parse(console).unwrap();
        assert_eq!(parsed.console.browser_command.as_deref(), Some("firefox -P {profile} {url}"));
        assert_eq!(
            parsed.console.services,
            [("mine".into(), "some/path".into()), ("db".into(), "rds".into())]
        );
        assert_eq!(parsed.region.as_deref(), Some("x"), "the block ends where the top level resumes");
        let quiet = Settings::parse("colors: false\nconfirmations: false\n").unwrap();
        assert!(!quiet.colors && !quiet.confirmations);
        assert_eq!(Settings::parse("role-duration: 0\n").unwrap().role_duration, None);
        assert!(Settings::parse("role-duration: forever\n").is_err());
        assert_eq!(
            Settings::parse("region: \"us-east-2\" # home\n").unwrap().region.as_deref(),
            Some("us-east-2")
        );
    }

    /// A dotted key edits the nested block (the console plugin's `console:`), keeping every other
    /// line; the block is made where missing; and what is written reads back.
    #[test]
    fn dotted_keys_edit_the_nested_block() {
        let text = "region: x\nconsole:\n    services:\n        mine: p\n    browser_command: 'old'\n# note\nfuzzy-match: true\n";
        let set = edit(text, "console.browser_command", Some("firefox -P {profile} {url}"));
        assert_eq!(
            set,
            "region: x\nconsole:\n    services:\n        mine: p\n    browser_command: 'firefox -P {profile} {url}'\n# note\nfuzzy-match: true\n"
        );
        assert_eq!(
            Settings::parse(&set).unwrap().console.browser_command.as_deref(),
            Some("firefox -P {profile} {url}")
        );
        let added = edit(
            "region: x\nconsole:\n  services:\n    mine: p\n",
            "console.browser_command",
            Some("b {url}"),
        );
        assert_eq!(added, "region: x\nconsole:\n  services:\n    mine: p\n  browser_command: 'b {url}'\n");
        let made = edit("region: x", "console.browser_command", Some("b {url}"));
        assert_eq!(made, "region: x\nconsole:\n  browser_command: 'b {url}'\n");
        assert_eq!(Settings::parse(&made).unwrap().console.browser_command.as_deref(), Some("b {url}"));
        assert_eq!(
            edit(&set, "console.browser_command", None),
            "region: x\nconsole:\n    services:\n        mine: p\n# note\nfuzzy-match: true\n"
        );
        assert_eq!(
            edit(text, "region", Some("y")).lines().next(),
            Some("region: 'y'"),
            "top-level keys as before"
        );
    }

    #[test]
    fn set_edits_one_line_and_keeps_the_rest() {
        let text = "# mine\ncolors: true\nplugin:\n  region: x\nregion: a\n";
        assert_eq!(
            edit(text, "region", Some("b")),
            "# mine\ncolors: true\nplugin:\n  region: x\nregion: 'b'\n"
        );
        assert_eq!(edit(text, "fuzzy-match", Some("true")), format!("{text}fuzzy-match: true\n"));
        assert_eq!(edit(text, "region", None), "# mine\ncolors: true\nplugin:\n  region: x\n");
        assert_eq!(edit("", "role-duration", Some("3600")), "role-duration: 3600\n");
    }
}
