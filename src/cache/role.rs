//! Role sessions in the AWS CLI's own cache, `~/.aws/cli/cache/<key>.json`, shared both ways: the
//! key is botocore's (SHA-1 of the AssumeRole parameters as Python's `json.dumps(…, sort_keys=True)`
//! writes them, the session name left out when nobody chose it, the policy parsed), the content is
//! the AssumeRole answer. A file that is unreadable, foreign or expiring is a miss, never an error.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use crate::credentials::Credentials;
use crate::files;
use crate::messages::debug;
use crate::plan::Hop;

pub struct RoleCache {
    dir: PathBuf,
    margin: chrono::Duration,
}

/// Who STS says a role session is (`AssumedRoleUser`), kept in the cache as the CLI keeps it.
pub struct AssumedRole {
    pub id: String,
    pub arn: String,
}

impl RoleCache {
    pub fn new(home: &Path, margin_seconds: i64) -> Self {
        Self { dir: home.join(".aws/cli/cache"), margin: chrono::Duration::seconds(margin_seconds) }
    }

    pub fn path(&self, hop: &Hop) -> PathBuf {
        self.dir.join(format!("{}.json", key(hop)))
    }

    /// The cached session for `hop` while more than the margin of it is left at `now`.
    pub fn read(&self, hop: &Hop, now: DateTime<Utc>) -> Option<Credentials> {
        let creds = self.cached(hop)?;
        if creds.valid_for(now, self.margin) {
            return Some(creds);
        }
        debug!("the cached session of {} ends within the reuse margin", hop.role_arn);
        None
    }

    /// Held while a run assumes `hop`'s role: concurrent runs make one AssumeRole, and the others
    /// read the session it cached (`None` where the cache directory is not to be trusted).
    pub fn lock(&self, hop: &Hop) -> Result<Option<files::Lock>> {
        let what = format!("assuming {}", hop.role_arn);
        files::lock_cache_entry(&self.path(hop), crate::waits::OTHER_RUN, &what)
    }

    /// When the cached session for `hop` ends, whatever is left of it (`-l more`).
    pub fn expiry(&self, hop: &Hop) -> Option<DateTime<Utc>> {
        self.cached(hop)?.expiration
    }

    fn cached(&self, hop: &Hop) -> Option<Credentials> {
        let path = self.path(hop);
        let text = match files::read_cache(&path) {
            Ok(text) => text?,
            Err(e) => {
                debug!("not using {}: {e:#}", files::display(&path));
                return None;
            }
        };
        let parsed = parse(&text);
        if parsed.is_none() {
            debug!("{} is not a role session the AWS CLI wrote", files::display(&path));
        }
        parsed
    }

    /// Stores a fresh session as the AWS CLI would, for both tools to reuse.
    pub fn write(&self, hop: &Hop, creds: &Credentials, assumed: Option<&AssumedRole>) -> Result<()> {
        let expiration = creds.expiration.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, false));
        let mut credentials = json!({
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.secret_access_key.expose(),
            "SessionToken": creds.session_token.as_ref().map(|t| t.expose()),
            "Expiration": expiration,
        });
        let mut answer = json!({});
        if let Some(role) = assumed {
            answer["AssumedRoleUser"] = json!({ "AssumedRoleId": role.id, "Arn": role.arn });
        }
        if let Some(account) = &creds.account_id {
            credentials["AccountId"] = account.clone().into();
        }
        answer["Credentials"] = credentials;
        files::write_cache(&self.path(hop), answer.to_string().as_bytes())
    }
}

/// The credentials in an AssumeRole answer as botocore caches it.
fn parse(text: &str) -> Option<Credentials> {
    let value: Value = serde_json::from_str(text).ok()?;
    let c = value.get("Credentials")?;
    let field = |name: &str| c.get(name).and_then(Value::as_str).map(str::to_string);
    let expiration = parse_time(&field("Expiration")?)?;
    // The account as botocore 1.37+ writes it, else from the assumed role's ARN.
    let arn_account = value
        .pointer("/AssumedRoleUser/Arn")
        .and_then(Value::as_str)
        .and_then(crate::credentials::account_in);
    Some(
        Credentials::new(
            field("AccessKeyId")?,
            field("SecretAccessKey")?,
            field("SessionToken"),
            Some(expiration),
        )
        .in_account(field("AccountId").or(arn_account)),
    )
}

/// RFC 3339, or botocore's own `%Y-%m-%dT%H:%M:%S%Z` (`…UTC`).
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = match text.strip_suffix("UTC") {
        Some(naive) => format!("{naive}+00:00"),
        None => text.to_string(),
    };
    DateTime::parse_from_rfc3339(&text).ok().map(|t| t.with_timezone(&Utc))
}

/// botocore's cache key for the AssumeRole call of `hop`.
pub fn key(hop: &Hop) -> String {
    let mut args = serde_json::Map::new();
    args.insert("RoleArn".into(), hop.role_arn.clone().into());
    if hop.session_name_chosen {
        args.insert("RoleSessionName".into(), hop.session_name.clone().into());
    }
    if let Some(id) = &hop.external_id {
        args.insert("ExternalId".into(), id.clone().into());
    }
    if let Some(serial) = hop.profile_mfa_serial.as_ref().or(hop.mfa_serial.as_ref()) {
        args.insert("SerialNumber".into(), serial.clone().into());
    }
    if let Some(seconds) = hop.duration_seconds {
        args.insert("DurationSeconds".into(), seconds.into());
    }
    if let Some(policy) = &hop.policy {
        // botocore parses the policy first, so its keys sort too.
        args.insert("Policy".into(), serde_json::from_str(policy).unwrap_or_else(|_| policy.clone().into()));
    }
    if !hop.policy_arns.is_empty() {
        args.insert("PolicyArns".into(), hop.policy_arns.iter().map(|arn| json!({ "arn": arn })).collect());
    }
    if !hop.tags.is_empty() {
        args.insert("Tags".into(), hop.tags.iter().map(|(k, v)| json!({ "Key": k, "Value": v })).collect());
    }
    if let Some(identity) = &hop.source_identity {
        args.insert("SourceIdentity".into(), identity.clone().into());
    }
    // Ours, not botocore's (the AWS CLI caches no SAML role): never an AssumeRole's key.
    if let Some(origin) = &hop.saml {
        args.insert("SAML".into(), origin.clone().into());
    }
    hex::encode(Sha1::digest(python_json(&Value::Object(args)).as_bytes()))
}

/// `json.dumps(value, sort_keys=True)` as Python writes it: `", "` and `": "` between items, every
/// character outside printable ASCII as `\uXXXX` (lower-case hex, surrogate pairs).
fn python_json(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            // serde_json's map is ordered by key, as sort_keys orders them (code points).
            let items: Vec<String> =
                map.iter().map(|(k, v)| format!("{}: {}", python_string(k), python_json(v))).collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(python_json).collect::<Vec<_>>().join(", ")),
        Value::String(text) => python_string(text),
        Value::Bool(b) => if *b { "true" } else { "false" }.to_string(),
        Value::Null => "null".to_string(),
        Value::Number(n) => n.to_string(),
    }
}

fn python_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop() -> Hop {
        Hop::new("p", "arn:aws:iam::123456789012:role/admin")
    }

    /// The keys Python computes: `sha1(json.dumps(args, sort_keys=True).encode()).hexdigest()`.
    #[test]
    fn keys_are_botocores() {
        assert_eq!(key(&hop()), "85df843ebbf3964c64e26d66d796d302b1a7a5ff");
        let full = Hop {
            session_name: "p".into(),
            session_name_chosen: true,
            external_id: Some("é😀".into()),
            profile_mfa_serial: Some("arn:aws:iam::1:mfa/me".into()),
            duration_seconds: Some(900),
            ..hop()
        };
        assert_eq!(key(&full), "e478c815c3fa4fe0a945e56c4972b27b1e3c59a0");
        assert_eq!(
            python_json(&json!({"RoleArn": "a", "DurationSeconds": 3600, "ExternalId": "é\"\\\n😀\u{7f}"})),
            r#"{"DurationSeconds": 3600, "ExternalId": "\u00e9\"\\\n\ud83d\ude00\u007f", "RoleArn": "a"}"#
        );
        let chosen = Hop { session_name_chosen: true, ..hop() };
        assert_ne!(key(&chosen), key(&hop()), "a chosen session name is part of the key");
        let mfa = Hop { profile_mfa_serial: Some("arn:aws:iam::1:mfa/me".into()), ..hop() };
        assert_ne!(key(&mfa), key(&hop()));
        let policy = Hop { policy: Some(r#"{"b": 1, "a": [2]}"#.into()), ..hop() };
        let reordered = Hop { policy: Some(r#"{"a":[2],"b":1}"#.into()), ..hop() };
        assert_eq!(key(&policy), key(&reordered), "the policy is parsed, so its layout does not count");
    }

    #[test]
    fn reads_what_botocore_writes_and_refuses_the_rest() {
        let cli = r#"{"Credentials": {"AccessKeyId": "ASIA1", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2030-01-01T00:00:00UTC"}, "AssumedRoleUser": {"AssumedRoleId": "x", "Arn": "y"}, "ResponseMetadata": {}}"#;
        let creds = parse(cli).unwrap();
        assert_eq!(creds.expiration_rfc3339().as_deref(), Some("2030-01-01T00:00:00Z"));
        assert!(parse(&cli.replace("UTC", "+00:00")).is_some());
        for foreign in ["", "{}", r#"{"Credentials": {"AccessKeyId": "A"}}"#, "[1]"] {
            assert!(parse(foreign).is_none(), "{foreign}");
        }
    }
}
