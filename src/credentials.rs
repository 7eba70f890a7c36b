//! Credentials and secrets: the one place that holds a secret, and the only `Debug` impls that see one.
//! It must never print a secret: every `Debug` here redacts.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};

/// A string that must never be shown: its `Debug` prints a fixed placeholder, and it has no
/// `Display`, so `{}` cannot print it by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the few places that deliver it on purpose.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// For clap: a secret given on the command line or in the environment (`--mfa-token`).
impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(s))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Drop for Secret {
    // Best effort: the bytes (the whole allocation) are overwritten before it is freed.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

/// The account of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:…`), when it is one.
pub fn account_in(arn: &str) -> Option<String> {
    // `find`, not `split`: `-l` asks this of thousands of ARNs.
    let mut rest = arn;
    for _ in 0..4 {
        rest = &rest[rest.find(':')? + 1..];
    }
    let account = rest.split_once(':').map_or(rest, |(account, _)| account);
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then(|| account.to_string())
}

/// A set of AWS credentials, long-term or temporary.
#[derive(Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    pub expiration: Option<DateTime<Utc>>,
    /// The account they belong to, where a source tells it (botocore 1.37+ carries it the same way):
    /// a role's ARN, the SSO account, `aws_account_id`, `AWS_ACCOUNT_ID`, a process's `AccountId`.
    pub account_id: Option<String>,
}

impl Credentials {
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiration: Option<DateTime<Utc>>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: Secret::new(secret_access_key),
            session_token: session_token.map(Secret::new),
            expiration,
            account_id: None,
        }
    }

    /// The same credentials, of `account` when one is known (an account already known stays).
    pub fn in_account(mut self, account: Option<String>) -> Self {
        if self.account_id.is_none() {
            self.account_id = account.filter(|a| !a.is_empty());
        }
        self
    }

    /// The expiry as AWS writes it: RFC 3339, UTC, whole seconds (`2026-11-24T21:40:36Z`).
    pub fn expiration_rfc3339(&self) -> Option<String> {
        self.expiration.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    /// The expiry as the AWS CLI prints it (Python's `isoformat`: `2026-11-24T21:40:36+00:00`).
    pub fn expiration_isoformat(&self) -> Option<String> {
        self.expiration.map(|t| t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string())
    }

    /// The first field, and what it holds, that no environment (and no credentials file) can carry
    /// safely: a NUL byte, or ESC or a C1 control, which start escape sequences that would reach
    /// every terminal printing them through `-s` or `--format env`. (Other control characters are
    /// carried, quoted, byte for byte.) Such credentials are refused, never cut short or passed on.
    pub fn uncarriable(&self) -> Option<(&'static str, &'static str)> {
        let token = self.session_token.as_ref().map(Secret::expose).unwrap_or_default();
        [
            ("AccessKeyId", self.access_key_id.as_str()),
            ("SecretAccessKey", self.secret_access_key.expose()),
            ("SessionToken", token),
        ]
        .into_iter()
        .find_map(|(name, value)| {
            if value.contains('\0') {
                Some((name, "a NUL byte"))
            } else if value.contains(|c| c == '\u{1b}' || ('\u{80}'..='\u{9f}').contains(&c)) {
                Some((name, "an escape character (ESC or C1)"))
            } else {
                None
            }
        })
    }

    /// Valid for at least `margin` from `now` (credentials without expiry always are).
    pub fn valid_for(&self, now: DateTime<Utc>, margin: chrono::Duration) -> bool {
        self.expiration.is_none_or(|t| t > now + margin)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token.as_ref().map(|_| "<redacted>"))
            .field("expiration", &self.expiration_rfc3339())
            .field("account_id", &self.account_id)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_of_an_arn() {
        assert_eq!(account_in("arn:aws:iam::123456789012:role/a:b").as_deref(), Some("123456789012"));
        assert_eq!(account_in("arn:aws-cn:iam::123456789012").as_deref(), Some("123456789012"));
        for not in [
            "arn:aws:iam::12345678901:role/a",
            "arn:aws:iam::",
            "arn:aws:iam:x:12345678901a:r",
            "123456789012",
        ] {
            assert_eq!(account_in(not), None, "{not}");
        }
    }

    #[test]
    fn debug_redacts_secret_and_token() {
        let creds = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI-very-secret",
            Some("FwoGZXIvYXdz-token".into()),
            None,
        );
        let shown = format!("{creds:?} {:?}", creds.secret_access_key);
        assert!(shown.contains("AKIDEXAMPLE"));
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(!shown.contains("FwoGZXIvYXdz"), "{shown}");
    }
}
