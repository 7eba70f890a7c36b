//! `export --cache-file PATH`: credential_process JSON plus the profile and role it belongs to,
//! so a cache written for another identity is a miss, never a wrong identity.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::credentials::{Credentials, Secret};
use crate::files;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ExportEntry {
    version: u8,
    access_key_id: String,
    secret_access_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session_token: Option<String>,
    expiration: String,
    profile: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account_id: Option<String>,
}

/// `export --cache-file PATH` for one identity: the profile name and the role it assumes last.
pub struct ExportCache<'a> {
    pub path: &'a Path,
    pub profile: &'a str,
    pub role_arn: Option<&'a str>,
}

impl ExportCache<'_> {
    /// The cached credentials when they are for this identity and valid for `buffer` more; `Err`
    /// says why a present file is unusable.
    pub fn read(&self, now: DateTime<Utc>, buffer: chrono::Duration) -> Result<Option<Credentials>> {
        let Some(text) = files::read_cache(self.path)? else { return Ok(None) };
        let entry: ExportEntry = serde_json::from_str(&text)
            .map_err(|_| anyhow::anyhow!("{} is not an awsume export cache", files::display(self.path)))?;
        if entry.profile != self.profile || entry.role_arn.as_deref() != self.role_arn {
            anyhow::bail!("{} holds credentials of profile \"{}\"", files::display(self.path), entry.profile);
        }
        let expiration = DateTime::parse_from_rfc3339(&entry.expiration)
            .with_context(|| format!("{}: bad Expiration", files::display(self.path)))?
            .with_timezone(&Utc);
        let creds = Credentials {
            access_key_id: entry.access_key_id,
            secret_access_key: Secret::new(entry.secret_access_key),
            session_token: entry.session_token.map(Secret::new),
            expiration: Some(expiration),
            account_id: entry.account_id,
        };
        Ok(creds.valid_for(now, buffer).then_some(creds))
    }

    /// Stores temporary credentials; long-term keys are never cached.
    pub fn write(&self, creds: &Credentials) -> Result<()> {
        let Some(expiration) = creds.expiration_rfc3339() else {
            return Ok(());
        };
        let entry = ExportEntry {
            version: 1,
            access_key_id: creds.access_key_id.clone(),
            secret_access_key: creds.secret_access_key.expose().to_string(),
            session_token: creds.session_token.as_ref().map(|t| t.expose().to_string()),
            expiration,
            profile: self.profile.to_string(),
            role_arn: self.role_arn.map(str::to_string),
            account_id: creds.account_id.clone(),
        };
        let json = serde_json::to_string_pretty(&entry).context("cannot encode the cache")?;
        files::write_cache(self.path, json.as_bytes())
    }
}
