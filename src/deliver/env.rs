//! `NAME=value` lines (`--env`) and `export NAME=value` lines (`--env-export`). Values are quoted
//! only when they need it, so plain keys stay usable in `--env-file` style consumers and `eval` is safe.

use super::shell::posix_quote;
use crate::credentials::Credentials;

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

fn quote_if_needed(value: &str) -> String {
    let plain =
        !value.is_empty() && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-./+=:@,%".contains(&b));
    if plain { value.to_string() } else { posix_quote(value) }
}

#[cfg(test)]
mod tests {
    use super::*;

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
