//! What other tools' commands printed, kept so that one run serves every caller until it is due:
//! credential commands (`awsume process -- CMD`, and profiles with `credential_process_cache =
//! true`) and web identity token commands (`web_identity_token_process`). An entry is the printed
//! text and when it ends, `process-<digest>.json` in awsume's cache directory (0600, 0700, under
//! the trust rule), the digest of the command's words and the caller's key: no secret in a name.
//! It serves while more than the margin is left of it (the role cache's, at least a minute); a
//! lock beside it lets one run refresh it while the others wait and read what it wrote.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::credentials::Secret;
use crate::files;
use crate::messages::debug;

pub struct ProcessCache {
    dir: PathBuf,
    margin: chrono::Duration,
}

/// One kept result: what the command printed and when that ends (Unix seconds).
#[derive(Serialize, Deserialize)]
struct Entry {
    output: String,
    expires: i64,
}

impl Entry {
    fn left(&self, now: DateTime<Utc>) -> chrono::Duration {
        chrono::Duration::seconds(self.expires.saturating_sub(now.timestamp()))
    }
}

/// A command's printed text and when it ends (`None`: it does not say, and is never kept).
pub struct Printed {
    pub output: Secret,
    pub expires: Option<DateTime<Utc>>,
}

impl ProcessCache {
    /// `margin_seconds`: the role cache's margin (`role-cache-margin`); at least a minute.
    pub fn new(margin_seconds: i64) -> Self {
        Self { dir: files::cache_home(), margin: chrono::Duration::seconds(margin_seconds.max(60)) }
    }

    /// The entry of `words` run for `key` (a profile's name, `--profile-key`, or none).
    pub fn path(&self, kind: &str, words: &[String], key: Option<&str>) -> PathBuf {
        let mut digest = Sha256::new();
        for part in std::iter::once(kind).chain(words.iter().map(String::as_str)).chain(key) {
            // Lengths first: ["a b"] and ["a", "b"] are two commands.
            digest.update((part.len() as u64).to_le_bytes());
            digest.update(part.as_bytes());
        }
        self.dir.join(format!("process-{}.json", &hex::encode(digest.finalize())[..40]))
    }

    /// What `words` printed, from the cache while fresh; else `run` once for every caller at once
    /// (the others wait on the lock and read what it kept). `refresh`: the cache is not read (`-r`),
    /// what is run is kept again.
    pub fn once(&self, path: &Path, refresh: bool, run: impl FnOnce() -> Result<Printed>) -> Result<Secret> {
        if !refresh && let Some(kept) = self.fresh(path) {
            return Ok(kept);
        }
        let what = "running the command another run is running";
        let _running =
            if refresh { None } else { files::lock_cache_entry(path, crate::waits::OTHER_RUN, what)? };
        if !refresh && let Some(kept) = self.fresh(path) {
            debug!("the command's output from {}, kept by another run", files::display(path));
            return Ok(kept);
        }
        let printed = run()?;
        match printed.expires {
            Some(expires) => {
                let entry =
                    Entry { output: printed.output.expose().to_string(), expires: expires.timestamp() };
                let text = Secret::new(serde_json::to_string(&entry).unwrap_or_default());
                if let Err(e) = files::write_cache(path, text.expose().as_bytes()) {
                    debug!("not keeping the command's output: {e:#}");
                }
            }
            None => debug!("the command's output says not when it ends: not kept"),
        }
        Ok(printed.output)
    }

    /// The kept output while more than the margin of it is left.
    fn fresh(&self, path: &Path) -> Option<Secret> {
        let text = Secret::new(files::read_cache(path).ok()??);
        let entry: Entry = serde_json::from_str(text.expose()).ok()?;
        let left = entry.left(Utc::now());
        let output = Secret::new(entry.output);
        (left > self.margin).then_some(output)
    }

    /// `--clean`: entries that have ended are removed; how many.
    pub fn clean(&self) -> usize {
        let Ok(dir) = std::fs::read_dir(&self.dir) else { return 0 };
        let now = Utc::now();
        let mut removed = 0;
        for path in dir.flatten().map(|e| e.path()) {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if !(name.starts_with("process-") && name.ends_with(".json")) {
                continue;
            }
            let ended = files::read_cache(&path)
                .ok()
                .flatten()
                .and_then(|text| serde_json::from_str::<Entry>(&text).ok())
                .is_none_or(|entry| entry.left(now) <= chrono::Duration::zero());
            if ended && std::fs::remove_file(&path).is_ok() {
                removed += 1;
            }
        }
        removed
    }
}
