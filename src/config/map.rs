//! A map of each AWS file's sections, kept from the last time awsume read that file whole and found
//! it sound: which section (a profile, an `[sso-session]`, a `[services]` block) lies where. With it
//! a run that needs a few sections of a large file reads just those (a binary search in the map, a
//! read of their bytes), so a call costs the same with 10 profiles or 10,000. A map holds names and
//! byte offsets, never a value, and serves only the very version of the file it was made from:
//! device, inode, size, and modification and change times to the nanosecond, as `stat` gives them
//! for the open file that is read. A file changed within the last 2 seconds gets no map: its times
//! may not yet tell a later write from it (git's "racily clean" files). Maps are 0600 in awsume's
//! cache directory under the trust rule; a missing, stale, foreign or unreadable one costs one
//! whole read. Systems without inodes (Windows) always read whole.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use crate::files;
use crate::messages::debug;

/// One AWS file, open: what is read of it comes from this one version.
pub struct Opened {
    file: std::fs::File,
    /// `None`: changed just now, or no inodes here.
    pub version: Option<String>,
    path: PathBuf,
}

/// The file at `path`, open; `None` when it does not exist.
pub fn open(path: &Path) -> Result<Option<Opened>> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if files::is_missing(&e) => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", files::display(path))),
    };
    let version = file.metadata().ok().and_then(|meta| version(&meta));
    Ok(Some(Opened { file, version, path: path.to_path_buf() }))
}

impl Opened {
    /// The whole file.
    pub fn read_all(&mut self) -> Result<String> {
        let mut bytes = Vec::new();
        self.file.read_to_end(&mut bytes).with_context(|| format!("cannot read {}", self.shown()))?;
        files::text_of(bytes, &self.path)
    }

    /// Bytes `start..end` of the file, which are text.
    pub fn read_range(&mut self, start: usize, end: usize) -> Result<String> {
        let mut bytes = vec![0; end.saturating_sub(start)];
        self.file
            .seek(SeekFrom::Start(start as u64))
            .with_context(|| format!("cannot read {}", self.shown()))?;
        self.file.read_exact(&mut bytes).with_context(|| format!("cannot read {}", self.shown()))?;
        files::text_of(bytes, &self.path)
    }

    pub fn shown(&self) -> String {
        files::display(&self.path)
    }
}

#[cfg(unix)]
fn version(meta: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    let changed = u64::try_from(meta.ctime().max(meta.mtime())).ok()?;
    (now > changed + 1).then(|| {
        format!(
            "{}:{}:{}:{}.{}:{}.{}",
            meta.dev(),
            meta.ino(),
            meta.size(),
            meta.mtime(),
            meta.mtime_nsec(),
            meta.ctime(),
            meta.ctime_nsec()
        )
    })
}

#[cfg(not(unix))]
fn version(_meta: &std::fs::Metadata) -> Option<String> {
    None
}

/// Where the map of the file at `path`, read as `role` (`config` or `credentials`), is kept.
fn map_path(role: &str, path: &Path) -> PathBuf {
    let digest = hex::encode(Sha256::digest(path.to_string_lossy().as_bytes()));
    files::cache_home().join("maps").join(format!("{role}-{}", &digest[..32]))
}

/// One section in a map: its key (a kind letter and its name), its place among the file's
/// sections, and its bytes.
#[derive(Clone)]
pub struct Entry {
    pub key: String,
    pub order: usize,
    pub start: usize,
    pub end: usize,
}

/// A file's map: a first line naming the version it was made from, then one line per section,
/// `KEY \t ORDER \t START \t END`, sorted by key (then order), so that a key is a binary search.
pub struct Map {
    text: String,
    /// Where the entries begin.
    body: usize,
}

impl Map {
    /// The map of `opened` (of `role`), when there is one for its very version.
    pub fn read(role: &str, opened: &Opened) -> Option<Self> {
        let version = opened.version.as_deref()?;
        let path = map_path(role, &opened.path);
        if let Some(why) = files::untrusted_entry(&path) {
            debug!("not using {}: {why}", files::display(&path));
            return None;
        }
        Self::parse(files::read_optional(&path).ok()??, version)
    }

    /// A map's text, when it was made for `version`.
    fn parse(text: String, version: &str) -> Option<Self> {
        let body = text.find('\n')? + 1;
        (text[..body - 1] == *version).then_some(Self { text, body })
    }

    /// The map of `entries`, for `version` (its text, sorted by key); `None` for names a line cannot
    /// carry.
    fn render(version: &str, mut entries: Vec<Entry>) -> Option<String> {
        if entries.iter().any(|e| e.key.contains(['\t', '\n'])) {
            return None;
        }
        entries.sort_by(|a, b| (a.key.as_str(), a.order).cmp(&(b.key.as_str(), b.order)));
        let mut text = format!("{version}\n");
        for e in &entries {
            text.push_str(&format!("{}\t{}\t{}\t{}\n", e.key, e.order, e.start, e.end));
        }
        Some(text)
    }

    /// The map `write` would keep, held in memory (tests); `None` where it would keep none.
    #[cfg(test)]
    pub fn of(entries: Vec<Entry>) -> Option<Self> {
        Self::parse(Self::render("v", entries)?, "v")
    }

    /// Every section of `key`, as (order, start, end): a binary search over the sorted lines.
    pub fn find(&self, key: &str) -> Vec<(usize, usize, usize)> {
        let body = &self.text.as_bytes()[self.body..];
        let line_at = |at: usize| {
            let start = body[..at].iter().rposition(|&b| b == b'\n').map_or(0, |newline| newline + 1);
            let end = body[start..].iter().position(|&b| b == b'\n').map_or(body.len(), |n| start + n + 1);
            (start, end)
        };
        let key_of =
            |start: usize, end: usize| body[start..end].split(|&b| b == b'\t').next().unwrap_or_default();
        let (mut low, mut high) = (0, body.len());
        while low < high {
            let (start, end) = line_at((low + high) / 2);
            if key_of(start, end) < key.as_bytes() {
                low = end;
            } else {
                high = start;
            }
        }
        let rest = self.text.get(self.body + low..).unwrap_or_default();
        rest.lines().map_while(|line| entry(line).filter(|e| e.0 == key)).map(|e| (e.1, e.2, e.3)).collect()
    }

    /// The names of every section of kind `kind`.
    pub fn names(&self, kind: char) -> impl Iterator<Item = &str> {
        self.text[self.body..].lines().filter_map(move |line| line.split('\t').next()?.strip_prefix(kind))
    }

    /// Keeps `entries` as the map of `opened`'s version (of `role`); one that cannot be kept costs
    /// the next run a whole read.
    pub fn write(role: &str, opened: &Opened, entries: Vec<Entry>) {
        let Some(text) = opened.version.as_deref().and_then(|version| Self::render(version, entries)) else {
            return;
        };
        let path = map_path(role, &opened.path);
        if let Err(e) = files::write_cache(&path, text.as_bytes()) {
            debug!("not keeping a map of {}: {e:#}", opened.shown());
        }
    }
}

/// A map line's (key, order, start, end).
fn entry(line: &str) -> Option<(&str, usize, usize, usize)> {
    let mut fields = line.split('\t');
    let key = fields.next()?;
    let mut number = || fields.next()?.parse().ok();
    Some((key, number()?, number()?, number()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key is found with all its places, in order, whatever its neighbours; an absent key
    /// finds nothing; names sort as bytes (prefixes, spaces, characters beyond ASCII).
    #[test]
    fn a_key_finds_exactly_its_sections() {
        let keys = ["pa", "pab", "pa b", "pb", "pü", "pz", "sa", "va", "pa", "p", "pdefault"];
        let entries: Vec<Entry> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| Entry { key: k.to_string(), order: i, start: i * 10, end: i * 10 + 9 })
            .collect();
        let map = Map::of(entries).unwrap();
        for key in keys {
            let expected: Vec<(usize, usize, usize)> = keys
                .iter()
                .enumerate()
                .filter(|(_, k)| **k == key)
                .map(|(i, _)| (i, i * 10, i * 10 + 9))
                .collect();
            assert_eq!(map.find(key), expected, "{key}");
        }
        for absent in ["", "pa ", "pc", "q", "p\u{fc}x", "pzz"] {
            assert!(map.find(absent).is_empty(), "{absent}");
        }
        let mut names: Vec<&str> = map.names('p').collect();
        names.dedup();
        assert_eq!(names, ["", "a", "a b", "ab", "b", "default", "z", "ü"]);
    }

    /// A map made for another version of the file is none.
    #[test]
    fn a_map_serves_only_its_version() {
        let text = Map::render("1:2:3", vec![]).unwrap();
        assert!(Map::parse(text.clone(), "1:2:3").is_some());
        assert!(Map::parse(text, "1:2:4").is_none());
        let tab = Entry { key: "pa\tb".into(), order: 0, start: 0, end: 1 };
        assert!(Map::render("v", vec![tab]).is_none(), "a name a line cannot carry: no map");
    }
}
