//! The shell protocol: the full state of the managed variables, written for one shell. Names come
//! only from `MANAGED`; values only ever appear inside that shell's literal quoting. bash, zsh and
//! fish get fixed statements to evaluate; nushell and PowerShell get JSON data to apply.

use anyhow::{Result, bail};
use clap::ValueEnum;

use crate::credentials::Credentials;
use crate::encoding::base64;

pub use super::quote::{fish_quote, nu_raw_string, posix_quote, powershell_quote};

pub use super::managed::{AUTO_REFRESH, MANAGED};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Nu,
    #[value(alias = "pwsh")]
    Powershell,
}

impl Shell {
    /// The shell named by `$SHELL`, bash when it names none we know.
    pub fn from_env() -> Self {
        let shell = crate::environment::var("SHELL").unwrap_or_default();
        match shell.rsplit('/').next().unwrap_or("") {
            "zsh" => Shell::Zsh,
            "fish" => Shell::Fish,
            "nu" => Shell::Nu,
            "pwsh" | "powershell" => Shell::Powershell,
            _ => Shell::Bash,
        }
    }
}

/// What happens to one managed variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Set(String),
    Unset,
    /// Left as it is (only `-k` and a stopped refresher leave variables alone).
    Keep,
}

/// `-a`: the command line the prompt hook renews with, and when (Unix seconds) it next does.
#[derive(Debug, Clone, Copy)]
pub struct AutoRefresh<'a> {
    pub replay: &'a str,
    pub at: i64,
}

/// The change to each managed variable, in `MANAGED` order.
pub struct State {
    changes: Vec<(&'static str, Change)>,
}

impl State {
    pub fn unset() -> Self {
        Self { changes: MANAGED.iter().map(|name| (*name, Change::Unset)).collect() }
    }

    /// Stops auto-refresh and leaves the credentials as they are.
    pub fn stop_refresh() -> Self {
        let change = |n: &str| if AUTO_REFRESH.contains(&n) { Change::Unset } else { Change::Keep };
        Self { changes: MANAGED.iter().map(|n| (*n, change(n))).collect() }
    }

    pub fn new(
        profile: &str,
        creds: &Credentials,
        region: Option<&str>,
        exports_profile: bool,
        auto: Option<AutoRefresh<'_>>,
    ) -> Self {
        let token = creds.session_token.as_ref().map(|t| t.expose().to_string());
        let expiration = creds.expiration_rfc3339();
        let value = |name: &str| -> Option<String> {
            match name {
                "AWSUME_PROFILE" => Some(profile.to_string()),
                "AWS_PROFILE" | "AWS_DEFAULT_PROFILE" => exports_profile.then(|| profile.to_string()),
                "AWS_ACCESS_KEY_ID" => Some(creds.access_key_id.clone()),
                "AWS_SECRET_ACCESS_KEY" => Some(creds.secret_access_key.expose().to_string()),
                "AWS_SECURITY_TOKEN" | "AWS_SESSION_TOKEN" => token.clone(),
                "AWS_REGION" | "AWS_DEFAULT_REGION" => region.map(str::to_string),
                "AWSUME_AUTO_REFRESH" => auto.map(|a| a.replay.to_string()),
                "AWSUME_REFRESH_AT" => auto.map(|a| a.at.to_string()),
                _ => expiration.clone(),
            }
        };
        let change = |name: &str| value(name).map_or(Change::Unset, Change::Set);
        Self { changes: MANAGED.iter().map(|name| (*name, change(name))).collect() }
    }

    fn sets(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.changes.iter().filter_map(|(n, c)| match c {
            Change::Set(v) => Some((*n, v.as_str())),
            _ => None,
        })
    }

    fn unsets(&self) -> Vec<&'static str> {
        self.changes.iter().filter(|(_, c)| *c == Change::Unset).map(|(n, _)| *n).collect()
    }

    fn checked(&self) -> Result<()> {
        for (name, value) in self.sets() {
            if value.contains('\0') {
                bail!("the value for {name} contains a NUL byte, which no environment variable can hold");
            }
        }
        Ok(())
    }

    /// Statements a person can read and run in `shell` (`-s`).
    pub fn statements(&self, shell: Shell) -> Result<String> {
        self.render(shell, "")
    }

    /// Statements in `shell`; bash and zsh ones get `prefix` before `export`/`unset`.
    fn render(&self, shell: Shell, prefix: &str) -> Result<String> {
        self.checked()?;
        let sets = self.sets();
        let unsets = self.unsets();
        let mut out = String::new();
        match shell {
            Shell::Bash | Shell::Zsh => {
                sets.for_each(|(n, v)| out.push_str(&format!("{prefix}export {n}={}\n", posix_quote(v))));
                if !unsets.is_empty() {
                    out.push_str(&format!("{prefix}unset {}\n", unsets.join(" ")));
                }
            }
            Shell::Fish => {
                sets.for_each(|(n, v)| out.push_str(&format!("set -gx {n} {}\n", fish_quote(v))));
                unsets.iter().for_each(|n| out.push_str(&format!("set -e -g {n}\n")));
            }
            Shell::Nu => {
                let set = self.json_set();
                if !set.is_empty() {
                    out.push_str(&format!(
                        "load-env ({} | from json)\n",
                        nu_raw_string(&serde_json::Value::Object(set).to_string())
                    ));
                }
                if !unsets.is_empty() {
                    // hide-env removes one layer; null whatever an older layer still shows.
                    let names = unsets.join(" ");
                    out.push_str(&format!("hide-env --ignore-errors {names}\n"));
                    out.push_str(&format!(
                        "load-env ([{names}] | where {{|name| $name in $env }} | reduce --fold {{}} {{|name, acc| $acc | insert $name null }})\n"
                    ));
                }
            }
            Shell::Powershell => {
                sets.for_each(|(n, v)| out.push_str(&format!("$Env:{n} = {}\n", powershell_quote(v))));
                unsets.iter().for_each(|n| {
                    out.push_str(&format!("Remove-Item -LiteralPath 'Env:{n}' -ErrorAction Ignore\n"));
                });
            }
        }
        Ok(out)
    }

    /// What the shell function applies: statements (bash, zsh, fish) or JSON (nu, PowerShell).
    /// What the shell function applies, and `text` for it to print (`-s`'s statements, a link).
    pub fn protocol(&self, shell: Shell, text: Option<&str>) -> Result<String> {
        let shown = text.map(|t| print(shell, t)).unwrap_or_default();
        Ok(match shell {
            // What the function evaluates must not meet the user's aliases or functions: with
            // `expand_aliases`, bash expands an alias named `unset` even inside `eval`.
            Shell::Bash | Shell::Zsh => shown + &self.render(shell, "\\builtin ")?,
            Shell::Fish => shown + &self.statements(shell)?,
            Shell::Nu => {
                let mut json = serde_json::json!({ "set": self.json_set(), "unset": self.unsets() });
                if let Some(text) = text {
                    json["print"] = text.into();
                }
                format!("{json}\n")
            }
            Shell::Powershell => powershell(self.sets(), &self.unsets(), text.unwrap_or("")),
        })
    }

    fn json_set(&self) -> serde_json::Map<String, serde_json::Value> {
        self.sets().map(|(n, v)| (n.to_string(), serde_json::Value::String(v.to_string()))).collect()
    }
}

/// What the shell function of `shell` runs to show `text` on its standard output and change nothing
/// else: for the output of `-l`, `--who`, `--help` and the like, which is text, never code.
pub fn print(shell: Shell, text: &str) -> String {
    match shell {
        Shell::Bash | Shell::Zsh => format!("\\builtin printf '%s' {}\n", posix_quote(text)),
        Shell::Fish => format!("builtin printf '%s' {}\n", fish_quote(text)),
        Shell::Nu => format!("{}\n", serde_json::json!({ "set": {}, "unset": [], "print": text })),
        Shell::Powershell => powershell(std::iter::empty(), &[], text),
    }
}

/// PowerShell's protocol: JSON with the same three keys every time (strict mode reads them all),
/// every value base64 of its UTF-8 bytes. PowerShell 6+ turns a JSON string that looks like a date
/// into a DateTime and writes it back in the local culture; base64 looks like nothing, and the
/// whole output is ASCII, so no console encoding can mangle it either.
fn powershell<'a>(
    sets: impl Iterator<Item = (&'static str, &'a str)>,
    unsets: &[&str],
    text: &str,
) -> String {
    let set: serde_json::Map<_, _> =
        sets.map(|(n, v)| (n.to_string(), base64(v.as_bytes()).into())).collect();
    format!("{}\n", serde_json::json!({ "set": set, "unset": unsets, "print": base64(text.as_bytes()) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_quote_rules() {
        let cases = [
            ("", "''"),
            ("plain", "'plain'"),
            ("it's", r"'it'\''s'"),
            ("$(id) `id` \\ \\", r"'$(id) `id` \ \'"),
            ("!*?[a] ; echo PWNED", "'!*?[a] ; echo PWNED'"),
            ("-n", "'-n'"),
            ("line\nbreak", "'line\nbreak'"),
            ("’‘", "'’‘'"),
        ];
        for (raw, quoted) in cases {
            assert_eq!(posix_quote(raw), quoted, "{raw:?}");
        }
    }

    #[test]
    fn fish_quote_rules() {
        let cases = [
            ("", "''"),
            ("it's", r"'it\'s'"),
            ("trailing\\", r"'trailing\\'"),
            (r"a\'b", r"'a\\\'b'"),
            ("$(id) `id` ; echo PWNED", "'$(id) `id` ; echo PWNED'"),
        ];
        for (raw, quoted) in cases {
            assert_eq!(fish_quote(raw), quoted, "{raw:?}");
        }
    }

    #[test]
    fn powershell_quote_doubles_all_five_quotes() {
        assert_eq!(powershell_quote("a'b"), "'a''b'");
        assert_eq!(
            powershell_quote("\u{2018}\u{2019}\u{201A}\u{201B}"),
            "'\u{2018}\u{2018}\u{2019}\u{2019}\u{201A}\u{201A}\u{201B}\u{201B}'"
        );
        assert_eq!(powershell_quote("$env:X `n \""), "'$env:X `n \"'");
    }

    #[test]
    fn nu_raw_string_is_never_closed_early() {
        assert_eq!(nu_raw_string("abc"), "r#'abc'#");
        assert_eq!(nu_raw_string("a'#b"), "r##'a'#b'##");
        assert_eq!(nu_raw_string("a'##b'#"), "r###'a'##b'#'###");
    }

    fn sample() -> State {
        let creds = Credentials::new("AKIA1", "s'x", None, None);
        State::new("p", &creds, Some("eu-west-1"), false, None)
    }

    #[test]
    fn full_state_sets_some_and_unsets_the_rest() {
        assert_eq!(
            sample().statements(Shell::Bash).unwrap(),
            "export AWSUME_PROFILE='p'\nexport AWS_ACCESS_KEY_ID='AKIA1'\nexport AWS_SECRET_ACCESS_KEY='s'\\''x'\n\
             export AWS_REGION='eu-west-1'\nexport AWS_DEFAULT_REGION='eu-west-1'\n\
             unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN AWS_SESSION_TOKEN AWSUME_EXPIRATION AWS_CREDENTIAL_EXPIRATION AWSUME_AUTO_REFRESH AWSUME_REFRESH_AT\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&sample().protocol(Shell::Nu, None).unwrap()).unwrap();
        assert_eq!(json["set"]["AWS_SECRET_ACCESS_KEY"], "s'x");
        assert_eq!(json["unset"].as_array().unwrap().len(), 8);
        assert_eq!(State::unset().statements(Shell::Fish).unwrap().lines().count(), 13);
        assert_eq!(
            State::stop_refresh().statements(Shell::Bash).unwrap(),
            "unset AWSUME_AUTO_REFRESH AWSUME_REFRESH_AT\n",
            "-k leaves the credentials alone"
        );
        let stop: serde_json::Value =
            serde_json::from_str(&State::stop_refresh().protocol(Shell::Powershell, None).unwrap()).unwrap();
        assert_eq!(
            stop,
            serde_json::json!({"set": {}, "unset": ["AWSUME_AUTO_REFRESH", "AWSUME_REFRESH_AT"], "print": ""})
        );
    }

    /// What PowerShell's function decodes (`[Convert]::FromBase64String`, UTF-8) is every value byte
    /// for byte, and all it reads is ASCII.
    #[test]
    fn powershell_gets_ascii_it_cannot_reinterpret() {
        let hostile = "s '\"$(x)` ’‘‚‛ \\ ü 日本 \n\t\u{1}";
        let creds = Credentials::new(
            "AKIA'1",
            hostile,
            Some(hostile.into()),
            Some(chrono::DateTime::from_timestamp(1_900_000_000, 0).unwrap()),
        );
        let out = State::new(hostile, &creds, Some("r-’"), false, None)
            .protocol(Shell::Powershell, Some(hostile))
            .unwrap();
        assert!(out.is_ascii(), "{out}");
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        let decoded = |v: &serde_json::Value| {
            String::from_utf8(crate::encoding::base64_decode(v.as_str().unwrap())).unwrap()
        };
        assert_eq!(decoded(&json["set"]["AWS_SECRET_ACCESS_KEY"]), hostile);
        assert_eq!(decoded(&json["set"]["AWSUME_PROFILE"]), hostile);
        assert_eq!(decoded(&json["set"]["AWS_CREDENTIAL_EXPIRATION"]), "2030-03-17T17:46:40Z");
        assert_eq!(decoded(&json["print"]), hostile);
        let unset: serde_json::Value =
            serde_json::from_str(&State::unset().protocol(Shell::Powershell, None).unwrap()).unwrap();
        assert_eq!(
            (unset["set"].as_object().unwrap().len(), unset["print"].as_str()),
            (0, Some("")),
            "the same keys every time"
        );
    }

    #[test]
    fn nul_bytes_are_refused() {
        let creds = Credentials::new("A\0B", "s", None, None);
        let err = State::new("p", &creds, None, false, None).statements(Shell::Bash).unwrap_err();
        assert!(err.to_string().contains("NUL"));
    }
}
