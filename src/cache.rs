//! The two credential caches, both written 0600 (directories 0700) by the one atomic writer:
//! - awsume's MFA session cache: `~/.awsume/cache/aws-credentials-<long-term AccessKeyId>`, JSON with
//!   `AccessKeyId, SecretAccessKey, SessionToken, Region, Expiration` (`%Y-%m-%d %H:%M:%S`, local
//!   time), byte-compatible with Python awsume so users keep their sessions;
//! - `export --cache-file`: credential_process JSON plus the profile and role it belongs to, so a
//!   cache written for another identity is a miss, never a wrong identity.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::credentials::{Credentials, Secret};
use crate::files;

const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Entry {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    expiration: String,
}

pub struct SessionCache {
    dir: PathBuf,
}

impl SessionCache {
    /// Where Python awsume keeps it: `$XDG_CACHE_HOME/awsume`, else `~/.awsume/cache`.
    pub fn new(home: &Path) -> Self {
        let dir = match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
            Some(xdg) => PathBuf::from(xdg).join("awsume"),
            None => home.join(".awsume").join("cache"),
        };
        Self { dir }
    }

    pub fn path(&self, long_term_key_id: &str) -> PathBuf {
        // Key ids are [A-Z0-9]; anything else must not steer the path.
        let safe: String = long_term_key_id.chars().filter(char::is_ascii_alphanumeric).collect();
        self.dir.join(format!("aws-credentials-{safe}"))
    }

    /// The cached session, if the file exists and parses; `Err` says why a present file is unusable.
    pub fn read(&self, long_term_key_id: &str) -> Result<Option<Credentials>> {
        let path = self.path(long_term_key_id);
        let Some(text) = files::read_optional(&path)? else { return Ok(None) };
        let entry: Entry = serde_json::from_str(&text)
            .map_err(|_| anyhow::anyhow!("{} is not an awsume session cache", files::display(&path)))?;
        let expiration = parse_local(&entry.expiration)
            .with_context(|| format!("{}: bad Expiration", files::display(&path)))?;
        Ok(Some(Credentials::new(
            entry.access_key_id,
            entry.secret_access_key,
            Some(entry.session_token),
            Some(expiration),
        )))
    }

    /// The cache directory must be a real directory only its owner can write: a symlink or a
    /// group- or world-writable directory could hand sessions to someone else.
    pub fn check_dir(&self) -> Result<()> {
        let meta = match std::fs::symlink_metadata(&self.dir) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e).with_context(|| format!("cannot inspect {}", files::display(&self.dir))),
        };
        let shown = files::display(&self.dir);
        if meta.file_type().is_symlink() {
            anyhow::bail!("refusing to use {shown}: it is a symlink; make it a directory of your own");
        }
        let mode = std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777;
        if mode & 0o022 != 0 {
            anyhow::bail!(
                "refusing to use {shown}: others can write to it (mode {mode:o}); run chmod 700 {shown}"
            );
        }
        Ok(())
    }

    pub fn write(&self, long_term_key_id: &str, session: &Credentials, region: Option<&str>) -> Result<()> {
        self.check_dir()?;
        let path = self.path(long_term_key_id);
        let entry = Entry {
            access_key_id: session.access_key_id.clone(),
            secret_access_key: session.secret_access_key.expose().to_string(),
            session_token: session.session_token.as_ref().map(|t| t.expose().to_string()).unwrap_or_default(),
            region: region.map(str::to_string),
            expiration: session.expiration.map(format_local).unwrap_or_default(),
        };
        let json = serde_json::to_string(&entry).context("cannot encode the session cache")?;
        files::private_dir(&self.dir)
            .with_context(|| format!("cannot create {}", files::display(&self.dir)))?;
        files::write_atomic(&path, json.as_bytes(), 0o600)
            .with_context(|| format!("cannot write {}", files::display(&path)))
    }
}

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
        let Some(text) = files::read_optional(self.path)? else { return Ok(None) };
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
        };
        let json = serde_json::to_string_pretty(&entry).context("cannot encode the cache")?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            files::private_dir(dir).with_context(|| format!("cannot create {}", files::display(dir)))?;
        }
        files::write_atomic(self.path, json.as_bytes(), 0o600)
            .with_context(|| format!("cannot write {}", files::display(self.path)))
    }
}

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

    #[test]
    fn round_trips_in_awsume_format() {
        let home = tempfile::tempdir().unwrap();
        let cache = SessionCache::new(home.path());
        let when = DateTime::<Utc>::from_timestamp(1_900_000_000, 0).unwrap();
        let session = Credentials::new("ASIA1", "s", Some("t".into()), Some(when));
        cache.write("AKIA../X", &session, Some("eu-west-1")).unwrap();
        let path = home.path().join(".awsume/cache/aws-credentials-AKIAX");
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(json["Expiration"], format_local(when));
        assert_eq!(json["Region"], "eu-west-1");
        assert_eq!(files::existing_mode(&path), Some(0o600));
        assert_eq!(files::existing_mode(path.parent().unwrap()), Some(0o700));
        let back = cache.read("AKIAX").unwrap().unwrap();
        assert_eq!(back.expiration, Some(when));
        assert_eq!(back.session_token.unwrap().expose(), "t");
    }
}
