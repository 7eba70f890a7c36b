//! awsume's MFA session cache: `~/.awsume/cache/aws-credentials-<long-term AccessKeyId>` (or under
//! `$XDG_CACHE_HOME/awsume`), JSON with `AccessKeyId, SecretAccessKey, SessionToken, Region,
//! Expiration` (`%Y-%m-%d %H:%M:%S`, local time): the files Python awsume reads and writes.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::{format_local, parse_local};
use crate::credentials::Credentials;
use crate::files;

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
        Self { dir: files::cache_home_in(home) }
    }

    /// Another file of awsume's in the same directory (a kept SAML assertion).
    pub fn beside(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub fn path(&self, long_term_key_id: &str) -> PathBuf {
        // Key ids are [A-Z0-9]; anything else must not steer the path.
        let safe: String = long_term_key_id.chars().filter(char::is_ascii_alphanumeric).collect();
        self.dir.join(format!("aws-credentials-{safe}"))
    }

    /// The cached session, if the file exists and parses; `Err` says why a present file is unusable.
    pub fn read(&self, long_term_key_id: &str) -> Result<Option<Credentials>> {
        let path = self.path(long_term_key_id);
        let Some(text) = files::read_cache(&path)? else { return Ok(None) };
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

    /// Waits (at most `wait`) until no other run is making a session for this user, and holds
    /// that place until the lock is dropped: concurrent cold runs ask for one MFA code, and the
    /// others read the session it made. The lock is a file beside the session.
    pub fn lock(&self, long_term_key_id: &str) -> Result<Option<files::Lock>> {
        let what = format!("making the MFA session for {long_term_key_id}");
        files::lock_cache_entry(&self.path(long_term_key_id), crate::waits::OTHER_RUN, &what)
    }

    pub fn write(&self, long_term_key_id: &str, session: &Credentials, region: Option<&str>) -> Result<()> {
        let path = self.path(long_term_key_id);
        let entry = Entry {
            access_key_id: session.access_key_id.clone(),
            secret_access_key: session.secret_access_key.expose().to_string(),
            session_token: session.session_token.as_ref().map(|t| t.expose().to_string()).unwrap_or_default(),
            region: region.map(str::to_string),
            expiration: session.expiration.map(format_local).unwrap_or_default(),
        };
        let json = serde_json::to_string(&entry).context("cannot encode the session cache")?;
        files::write_cache(&path, json.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;

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
