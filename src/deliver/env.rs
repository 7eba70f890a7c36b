//! `NAME=value` lines (`--env`) and `export NAME=value` lines (`--env-export`), and the AWS CLI's
//! `configure export-credentials --format` lines. Values are quoted only when they need it, so
//! plain keys stay usable in `--env-file` style consumers and `eval` is safe.

use super::quote::{fish_quote, posix_quote, powershell_quote};
use crate::credentials::Credentials;

/// The AWS CLI's `configure export-credentials --format` choices, and fish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// credential_process JSON
    Process,
    /// `export NAME=value`
    Env,
    /// `NAME=value`
    EnvNoExport,
    /// `$Env:NAME="value"`
    Powershell,
    /// `set NAME=value`
    WindowsCmd,
    /// `set -gx NAME value`
    Fish,
    /// `aws sts`'s answer: `{"Credentials": {"AccessKeyId", "SecretAccessKey", "SessionToken",
    /// "Expiration"}}`, as hooks that run a command for credentials read it (Claude Code's
    /// `awsCredentialExport`)
    Sts,
}

/// The AWS CLI's lines in its order: the key, the secret, then the token and the expiry (Python's
/// `isoformat`, `+00:00`) when there are such; no region. What a shell would misread is quoted;
/// what cmd cannot carry at all is refused (`cmd_carries`).
pub fn render_format(creds: &Credentials, format: Format) -> anyhow::Result<String> {
    if format == Format::Process {
        return Ok(super::json::render_as_aws_cli(creds));
    }
    if format == Format::Sts {
        return Ok(super::json::render_as_sts(creds));
    }
    let expiration = creds.expiration_isoformat();
    let mut pairs: Vec<(&str, &str)> = vec![
        ("AWS_ACCESS_KEY_ID", &creds.access_key_id),
        ("AWS_SECRET_ACCESS_KEY", creds.secret_access_key.expose()),
    ];
    if let Some(token) = &creds.session_token {
        pairs.push(("AWS_SESSION_TOKEN", token.expose()));
    }
    if let Some(at) = &expiration {
        pairs.push(("AWS_CREDENTIAL_EXPIRATION", at));
    }
    if format == Format::WindowsCmd
        && let Some((name, _)) = pairs.iter().find(|(_, value)| !cmd_carries(value))
    {
        anyhow::bail!(
            "{name} holds a line break, % or \" that cmd would run, expand or drop: use --format powershell"
        );
    }
    Ok(pairs
        .iter()
        .map(|(name, value)| {
            let plain = is_plain(value);
            match format {
                Format::Env => format!("export {name}={}\n", quote_if_needed(value)),
                Format::EnvNoExport | Format::Process | Format::Sts => {
                    format!("{name}={}\n", quote_if_needed(value))
                }
                Format::Powershell if plain => format!("$Env:{name}=\"{value}\"\n"),
                Format::Powershell => format!("$Env:{name}={}\n", powershell_quote(value)),
                Format::WindowsCmd if plain => format!("set {name}={value}\n"),
                // Inside `set "…"`, cmd takes & | < > ^ literally (`cmd_carries` refused the rest).
                Format::WindowsCmd => format!("set \"{name}={value}\"\n"),
                Format::Fish if plain => format!("set -gx {name} {value}\n"),
                Format::Fish => format!("set -gx {name} {}\n", fish_quote(value)),
            }
        })
        .collect())
}

/// Whether `set "NAME=value"` gives cmd exactly `value`: a line break would end the statement and
/// run the next line, `%…%` is expanded even in quotes, and a `"` ends the quoting (no escape
/// exists for any of them inside `set "…"`).
fn cmd_carries(value: &str) -> bool {
    !value.contains(['\r', '\n', '%', '"'])
}

pub fn render(creds: &Credentials, region: Option<&str>, export: bool) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![
        ("AWS_ACCESS_KEY_ID", &creds.access_key_id),
        ("AWS_SECRET_ACCESS_KEY", creds.secret_access_key.expose()),
    ];
    if let Some(token) = &creds.session_token {
        pairs.push(("AWS_SESSION_TOKEN", token.expose()));
    }
    let expiration = creds.expiration_rfc3339();
    if let Some(exp) = &expiration {
        pairs.push(("AWS_CREDENTIAL_EXPIRATION", exp));
    }
    if let Some(region) = region {
        pairs.push(("AWS_REGION", region));
        pairs.push(("AWS_DEFAULT_REGION", region));
    }
    let prefix = if export { "export " } else { "" };
    pairs.iter().map(|(name, value)| format!("{prefix}{name}={}\n", quote_if_needed(value))).collect()
}

/// Nothing any of the shells would read differently: letters, digits and `_-./+=:@,`.
fn is_plain(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-./+=:@,".contains(&b))
}

/// POSIX shells also take `%` as it is.
fn quote_if_needed(value: &str) -> String {
    if is_plain(&value.replace('%', "_")) { value.to_string() } else { posix_quote(value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AWS CLI's shapes, line by line, and quoting where a value needs it.
    #[test]
    fn the_aws_clis_formats() {
        let at = chrono::DateTime::<chrono::Utc>::from_timestamp(1_900_000_000, 0).unwrap();
        let creds = Credentials::new("ASIA1", "sec/ret+", Some("tok".into()), Some(at));
        let exp = "2030-03-17T17:46:40+00:00";
        let lines = |f| render_format(&creds, f).unwrap();
        assert_eq!(
            lines(Format::Env),
            format!(
                "export AWS_ACCESS_KEY_ID=ASIA1\nexport AWS_SECRET_ACCESS_KEY=sec/ret+\nexport AWS_SESSION_TOKEN=tok\nexport AWS_CREDENTIAL_EXPIRATION={exp}\n"
            )
        );
        assert_eq!(lines(Format::EnvNoExport).lines().next(), Some("AWS_ACCESS_KEY_ID=ASIA1"));
        assert_eq!(lines(Format::Powershell).lines().nth(1), Some("$Env:AWS_SECRET_ACCESS_KEY=\"sec/ret+\""));
        assert_eq!(lines(Format::WindowsCmd).lines().nth(2), Some("set AWS_SESSION_TOKEN=tok"));
        assert_eq!(
            lines(Format::Fish).lines().nth(3),
            Some(format!("set -gx AWS_CREDENTIAL_EXPIRATION {exp}").as_str())
        );
        let json: serde_json::Value = serde_json::from_str(&lines(Format::Process)).unwrap();
        assert_eq!(json["Expiration"], exp);
        assert!(lines(Format::Process).starts_with("{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIA1\""));
        let long_term = Credentials::new("AKIA1", "s", None, None);
        assert_eq!(render_format(&long_term, Format::Env).unwrap().lines().count(), 2, "no token, no expiry");
        let hostile = Credentials::new("A", "it's $(x) `y` \"z\"", None, None);
        assert_eq!(
            render_format(&hostile, Format::Env).unwrap().lines().nth(1),
            Some("export AWS_SECRET_ACCESS_KEY='it'\\''s $(x) `y` \"z\"'")
        );
        assert_eq!(
            render_format(&hostile, Format::Powershell).unwrap().lines().nth(1),
            Some("$Env:AWS_SECRET_ACCESS_KEY='it''s $(x) `y` \"z\"'")
        );
        assert_eq!(
            render_format(&hostile, Format::Fish).unwrap().lines().nth(1),
            Some("set -gx AWS_SECRET_ACCESS_KEY 'it\\'s $(x) `y` \"z\"'")
        );
        for cmd_cannot in ["a\r\nset X=1", "%PATH%", "a\"b"] {
            let creds = Credentials::new("A", cmd_cannot, None, None);
            let err = render_format(&creds, Format::WindowsCmd).unwrap_err().to_string();
            assert!(err.contains("AWS_SECRET_ACCESS_KEY") && !err.contains(cmd_cannot), "{err}");
        }
        let amp = Credentials::new("A", "a&b|c", None, None);
        assert_eq!(
            render_format(&amp, Format::WindowsCmd).unwrap().lines().nth(1),
            Some("set \"AWS_SECRET_ACCESS_KEY=a&b|c\"")
        );
    }

    #[test]
    fn quotes_only_what_needs_it() {
        let creds = Credentials::new("AKIA1", "a/b+c=", Some("it's $(x)".into()), None);
        assert_eq!(
            render(&creds, Some("eu-west-1"), true),
            "export AWS_ACCESS_KEY_ID=AKIA1\nexport AWS_SECRET_ACCESS_KEY=a/b+c=\n\
             export AWS_SESSION_TOKEN='it'\\''s $(x)'\nexport AWS_REGION=eu-west-1\nexport AWS_DEFAULT_REGION=eu-west-1\n"
        );
    }
}
