//! The credential caches, all written 0600 (directories 0700) by the one atomic writer, and
//! awsume's own JSON shape for credentials:
//! - `session`: awsume's MFA session cache, byte-compatible with Python awsume's;
//! - `role`: role sessions in the AWS CLI's own cache (`~/.aws/cli/cache`), shared both ways;
//! - `export`: `export --cache-file`, a credential_process cache tied to one identity;
//! - `process`: what other tools' credential and token commands printed, until it is due.

mod export;
mod process;
mod role;
mod session;

pub use export::ExportCache;
pub use process::{Printed, ProcessCache};
pub use role::{AssumedRole, RoleCache};
pub use session::SessionCache;

use anyhow::Result;
use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::credentials::Credentials;

const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// awsume's JSON for one set of credentials, the shape its MFA cache holds (local-time
/// `Expiration`): what `awsume PROFILE --json` prints and `awsume --json JSON` reads back.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AwsumeJson {
    access_key_id: String,
    secret_access_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expiration: Option<String>,
}

pub fn to_awsume_json(creds: &Credentials, region: Option<&str>) -> String {
    let json = AwsumeJson {
        access_key_id: creds.access_key_id.clone(),
        secret_access_key: creds.secret_access_key.expose().to_string(),
        session_token: creds.session_token.as_ref().map(|t| t.expose().to_string()),
        region: region.map(str::to_string),
        expiration: creds.expiration.map(format_local),
    };
    let mut text = serde_json::to_string_pretty(&json).expect("plain strings always serialize");
    text.push('\n');
    text
}

/// Credentials (and a region) from awsume's JSON, credential_process JSON, or an STS answer
/// (`{"Credentials": {…}}`); `Expiration` in local time (awsume's) or RFC 3339. Errors never
/// quote the text: it holds secrets.
pub fn from_json(text: &str) -> Result<(Credentials, Option<String>)> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|_| anyhow::anyhow!("not JSON (the text is not shown: it may hold secrets)"))?;
    let inner = value.get("Credentials").cloned().unwrap_or(value);
    let json: AwsumeJson = serde_json::from_value(inner)
        .map_err(|_| anyhow::anyhow!("no AccessKeyId and SecretAccessKey in the JSON"))?;
    let expiration = match json.expiration.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&Utc))
                .or_else(|_| parse_local(text))
                .map_err(|_| {
                    anyhow::anyhow!("Expiration {text:?} is neither RFC 3339 nor awsume's local time")
                })?,
        ),
    };
    let token = json.session_token.filter(|t| !t.is_empty());
    Ok((Credentials::new(json.access_key_id, json.secret_access_key, token, expiration), json.region))
}

pub fn format_local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format(TIME_FORMAT).to_string()
}

pub fn parse_local(text: &str) -> Result<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(text.trim(), TIME_FORMAT)?;
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| anyhow::anyhow!("{text:?} does not exist in local time"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awsume_json_reads_back_and_sts_answers_read_too() {
        let when = DateTime::<Utc>::from_timestamp(1_900_000_000, 0).unwrap();
        let creds = Credentials::new("ASIA1", "s'x", Some("t".into()), Some(when));
        let (back, region) = from_json(&to_awsume_json(&creds, Some("eu-west-1"))).unwrap();
        assert_eq!(
            (back.access_key_id.as_str(), back.expiration, region.as_deref()),
            ("ASIA1", Some(when), Some("eu-west-1"))
        );
        let sts = r#"{"Credentials": {"AccessKeyId": "ASIA2", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2030-01-01T00:00:00+00:00"}}"#;
        assert_eq!(from_json(sts).unwrap().0.access_key_id, "ASIA2");
        for bad in ["SECRET{", r#"{"SecretAccessKey": "SECRET"}"#] {
            let err = from_json(bad).unwrap_err().to_string();
            assert!(!err.contains("SECRET"), "{err}");
        }
    }
}
