//! `credential_process` JSON (`Version: 1`), as the AWS SDKs read it and aws-export-credentials prints it.

use serde::Serialize;

use crate::credentials::Credentials;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProcessJson<'a> {
    version: u8,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration: Option<String>,
    /// As botocore 1.37+ reads it from a credential_process.
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
}

pub fn render(creds: &Credentials, pretty: bool) -> String {
    render_with(creds, pretty, creds.expiration_rfc3339())
}

/// As `aws configure export-credentials` prints it: indented, the expiry in Python's `isoformat`.
pub fn render_as_aws_cli(creds: &Credentials) -> String {
    render_with(creds, true, creds.expiration_isoformat())
}

/// `aws sts`'s answer shape: the four fields under `Credentials` (the token and the expiry where
/// the credentials have them), the expiry as the AWS CLI prints a time.
pub fn render_as_sts(creds: &Credentials) -> String {
    let mut inner = serde_json::Map::new();
    inner.insert("AccessKeyId".into(), creds.access_key_id.clone().into());
    inner.insert("SecretAccessKey".into(), creds.secret_access_key.expose().into());
    if let Some(token) = &creds.session_token {
        inner.insert("SessionToken".into(), token.expose().into());
    }
    if let Some(expiration) = creds.expiration_isoformat() {
        inner.insert("Expiration".into(), expiration.into());
    }
    let body = serde_json::json!({ "Credentials": inner });
    let mut text = serde_json::to_string_pretty(&body).unwrap_or_default();
    text.push('\n');
    text
}

fn render_with(creds: &Credentials, pretty: bool, expiration: Option<String>) -> String {
    let body = ProcessJson {
        version: 1,
        access_key_id: &creds.access_key_id,
        secret_access_key: creds.secret_access_key.expose(),
        session_token: creds.session_token.as_ref().map(|t| t.expose()),
        expiration,
        account_id: creds.account_id.as_deref(),
    };
    let mut text = if pretty { serde_json::to_string_pretty(&body) } else { serde_json::to_string(&body) }
        .expect("plain strings always serialize");
    text.push('\n');
    text
}
