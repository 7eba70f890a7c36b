//! Private files on disk: the one atomic writer (temp file in the same directory, fsync, rename), the
//! one way to make a private directory, the one way to read a file that may be missing, the cache
//! reader and writer under the one trust rule (`untrusted_entry`), the locks beside a file, and how
//! a path is shown to people (`display`: `~` for the home directory). It knows nothing of what the
//! bytes mean.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Creates `dir` (and missing parents) with mode 0700; an existing directory is left as it is.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        // The umask may have narrowed nothing but widened nothing either; make 0700 exact.
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
    }
    // Windows: a new directory under the user's profile inherits its owner-only ACL.
    #[cfg(not(unix))]
    fs::create_dir_all(dir)
}

/// Opens (creating it 0600 when missing) a file only its owner may read: a lock, a cache. A symlink
/// there is not followed (a link planted in a shared directory must not make a file elsewhere).
pub fn open_private(path: &Path) -> io::Result<fs::File> {
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    // FILE_FLAG_OPEN_REPARSE_POINT: the link itself, never where it leads.
    #[cfg(windows)]
    std::os::windows::fs::OpenOptionsExt::custom_flags(&mut options, 0x0020_0000);
    options.open(path)
}

/// The text of `path`, or `None` when there is no such file (or a file stands where a directory
/// should: such a path cannot exist either, as botocore treats it). Errors name the file.
pub fn read_optional(path: &Path) -> anyhow::Result<Option<String>> {
    use anyhow::Context;
    match fs::read(path) {
        Ok(bytes) => text_of(bytes, path).map(Some),
        Err(e) if is_missing(&e) => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", display(path))),
    }
}

/// Whether an error opening a file means there is no such file (a file standing where a directory
/// should is that too).
pub fn is_missing(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory)
}

/// The bytes of the file at `path` as text; an error names the file.
pub fn text_of(bytes: Vec<u8>, path: &Path) -> anyhow::Result<String> {
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{}: not valid UTF-8 text", display(path)))
}

/// The user this process runs as (its effective uid).
#[cfg(unix)]
#[allow(unsafe_code)]
pub fn my_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Why a cache file or directory may not be trusted, as OpenSSH judges its files: a file must be
/// the user's and writable by nobody else; a directory the user's (or root's) and writable by
/// nobody else unless sticky (`/tmp`: others cannot replace what is yours there). Symlinks are
/// followed (dotfile managers link cache directories): what they lead to is judged, by this one
/// rule for every cache. `None`: trusted, or not there.
#[cfg(not(unix))]
pub fn untrusted(_path: &Path) -> Option<String> {
    // Windows: files under the user's profile carry its owner-only ACL; no uid or mode to judge.
    None
}

#[cfg(unix)]
pub fn untrusted(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(path).ok()?;
    let me = my_uid();
    let shown = display(path);
    let (owner_ok, writable_ok) = if meta.is_dir() {
        (meta.uid() == me || meta.uid() == 0, meta.mode() & 0o022 == 0 || meta.mode() & 0o1000 != 0)
    } else {
        (meta.uid() == me, meta.mode() & 0o022 == 0)
    };
    if !owner_ok {
        return Some(format!("{shown} belongs to uid {}, not to you (uid {me})", meta.uid()));
    }
    let mode = meta.mode() & 0o777;
    (!writable_ok).then(|| format!("others can write to {shown} (mode {mode:o}; chmod go-w it)"))
}

/// The directory `path` is in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Why a file of awsume's state is not to be trusted, judging its directory first, then the file
/// (`untrusted`); `None` when both are.
pub fn untrusted_entry(path: &Path) -> Option<String> {
    untrusted(parent_dir(path)).or_else(|| untrusted(path))
}

/// A cache file's text: `None` when it is missing, or when it or its directory is not to be
/// trusted (`untrusted`), which is said once as a note: a planted file is a miss, never an identity.
pub fn read_cache(path: &Path) -> anyhow::Result<Option<String>> {
    if let Some(why) = untrusted_entry(path) {
        // Once a run: a cache read twice (a fresh check, then the refresh) is one finding.
        static SAID: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
        let mut said = SAID.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !said.iter().any(|p| p == path) {
            said.push(path.to_path_buf());
            crate::messages::note(&format!("not using a cached session: {why}"));
        }
        return Ok(None);
    }
    read_optional(path)
}

/// Prepares `dir` for a cache write: made 0700 when missing; refused (with why) when not to be
/// trusted, so that nothing is written where someone else could read or replace it.
pub fn cache_dir(dir: &Path) -> anyhow::Result<()> {
    if let Some(why) = untrusted(dir) {
        anyhow::bail!("not caching: {why}");
    }
    private_dir(dir).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", display(dir)))
}

/// Writes a cache entry: its directory made 0700 (or refused, `cache_dir`), the file replaced
/// atomically with mode 0600. The one way every cache is written.
pub fn write_cache(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    cache_dir(parent_dir(path))?;
    write_atomic(path, contents, 0o600).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", display(path)))
}

/// Replaces `path` with `contents` atomically: readers see the old file or the new one, never a mix.
/// The new file gets `mode` exactly, whatever the umask.
pub fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    let dir = parent_dir(path);
    let temp = temp_path(path);
    let result = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(0o600);
        let mut file = options.open(&temp)?;
        file.write_all(contents)?;
        #[cfg(unix)]
        file.set_permissions(fs::Permissions::from_mode(mode))?;
        #[cfg(not(unix))]
        let _ = mode;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        // Persist the rename itself; failure here is not worth failing the write for.
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        remove_orphans(path);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// A lock held on `<path>.lock` (a file beside the one it guards, 0600): released when dropped, and
/// by the kernel when the holder dies, so a killed run never blocks the next one.
pub struct Lock {
    _file: fs::File,
}

/// How long a waiter is silent before it says what it waits for.
const LOCK_QUIET: std::time::Duration = std::time::Duration::from_secs(3);

/// Takes the lock beside `path`, waiting at most `wait` for another run that holds it; after a
/// few seconds of waiting it says so once (`what`: what the other run is doing, "refreshing the
/// SSO token"). A lock file, not the directory or the file itself: Windows opens no directories,
/// and a file replaced by rename would leave a waiter holding the old one.
pub fn lock_beside(path: &Path, wait: std::time::Duration, what: &str) -> anyhow::Result<Lock> {
    let lock_path = lock_path(path);
    let file = open_lock(&lock_path).map_err(|why| anyhow::anyhow!("{why}"))?;
    hold(file, &lock_path, wait, what)
}

/// Takes the lock on the open lock file, waiting as `lock_beside` says.
fn hold(file: fs::File, lock_path: &Path, wait: std::time::Duration, what: &str) -> anyhow::Result<Lock> {
    let started = std::time::Instant::now();
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Lock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => {}
            Err(fs::TryLockError::Error(e)) => {
                anyhow::bail!("cannot lock {}: {e}", display(lock_path))
            }
        }
        let waited = started.elapsed();
        if waited >= wait {
            anyhow::bail!(
                "another awsume has been {what} for {} s; try again when it is done",
                wait.as_secs()
            );
        }
        if !said && waited >= LOCK_QUIET {
            crate::messages::note(&format!("waiting for another awsume that is {what}"));
            said = true;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
}

/// The lock of a cache entry, held around "read it; still stale? refresh it; write it" so that one
/// run refreshes and the others read what it wrote. `None` where the cache's directory is not to be
/// trusted: nothing is cached there, so there is nothing to share and nothing to wait for; and
/// where the lock file cannot be opened or is not to be trusted (another user's, left by `sudo`; a
/// symlink), as a foreign cache entry is only a miss: the work is done without sharing, said once.
pub fn lock_cache_entry(path: &Path, wait: std::time::Duration, what: &str) -> anyhow::Result<Option<Lock>> {
    let dir = parent_dir(path);
    if untrusted(dir).is_some() {
        return Ok(None);
    }
    cache_dir(dir)?;
    let lock_path = lock_path(path);
    match open_lock(&lock_path) {
        Ok(file) => hold(file, &lock_path, wait, what).map(Some),
        Err(why) => {
            crate::messages::note(&format!("not sharing this with other runs: {why}"));
            Ok(None)
        }
    }
}

/// The lock file beside `path`.
fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// A lock file, opened (never through a symlink) and judged by the trust rule: one another user
/// owns or may write could be held by them for ever. The error says why and how to mend it.
fn open_lock(lock_path: &Path) -> Result<fs::File, String> {
    let shown = display(lock_path);
    let file = open_private(lock_path).map_err(|e| match e.raw_os_error() {
        #[cfg(unix)]
        Some(libc::ELOOP) => format!("{shown} is a symlink (remove it)"),
        _ => format!("cannot open {shown}: {e} (remove it)"),
    })?;
    match untrusted(lock_path) {
        Some(why) => Err(format!("{why} (remove it)")),
        None => Ok(file),
    }
}

/// The mode an existing file has, so a rewrite can keep it.
pub fn existing_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    return fs::metadata(path).ok().map(|m| m.permissions().mode() & 0o7777);
    // Windows has no mode bits: an existing file is "private" as its ACL keeps it.
    #[cfg(not(unix))]
    fs::metadata(path).ok().map(|_| 0o600)
}

fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    path.with_file_name(format!(
        ".{name}.{}.{}.{nanos}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Temp files of `path` whose writer is gone (killed between write and rename): they may hold
/// secrets, so the next successful write removes them. A live writer's temp file is left alone.
fn remove_orphans(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else { return };
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let Some(rest) = file.strip_prefix(&prefix).and_then(|r| r.strip_suffix(".tmp")) else { continue };
        let Some(pid) = rest.split('.').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// awsume's cache directory, where Python awsume keeps its own: `$XDG_CACHE_HOME/awsume`, else
/// `~/.awsume/cache`.
pub fn cache_home() -> PathBuf {
    cache_home_in(&home_dir())
}

/// `cache_home` for the home directory `home`.
pub fn cache_home_in(home: &Path) -> PathBuf {
    match crate::environment::var("XDG_CACHE_HOME") {
        Some(xdg) => PathBuf::from(xdg).join("awsume"),
        None => home.join(".awsume").join("cache"),
    }
}

/// A directory of awsume's own data: `$XDG_DATA_HOME/awsume/NAME`, else `~/.awsume/NAME`.
pub fn data_dir(name: &str) -> PathBuf {
    match crate::environment::path("XDG_DATA_HOME") {
        Some(dir) => dir.join("awsume").join(name),
        None => home_dir().join(".awsume").join(name),
    }
}

/// The user's home: `$HOME`, else (unset or empty) their passwd entry, as `std::env::home_dir`
/// reads it; `/` only for a user who has neither.
pub fn home_dir() -> PathBuf {
    std::env::home_dir().filter(|h| !h.as_os_str().is_empty()).unwrap_or_else(|| PathBuf::from("/"))
}

/// `~/x` → `$HOME/x`, as the CLI expands file settings.
pub fn expand_tilde(path: &Path) -> PathBuf {
    match path.strip_prefix("~") {
        Ok(rest) => home_dir().join(rest),
        Err(_) => path.to_path_buf(),
    }
}

/// `path` with the home directory shown as `~`, for messages.
pub fn display(path: &Path) -> String {
    if let Ok(rest) = path.strip_prefix(home_dir()) {
        return Path::new("~").join(rest).display().to_string();
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_sets_mode_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        write_atomic(&path, b"one", 0o600).unwrap();
        write_atomic(&path, b"two", 0o640).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(existing_mode(&path), Some(0o640));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn orphaned_temp_files_are_removed_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials");
        // pid 0 is never a writer; pid 1 is alive; another file's temp is not ours.
        for orphan in
            [".credentials.4194304999.0.1.tmp", ".credentials.1.0.1.tmp", ".config.4194304999.0.1.tmp"]
        {
            fs::write(dir.path().join(orphan), "secret").unwrap();
        }
        write_atomic(&path, b"new", 0o600).unwrap();
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".config.4194304999.0.1.tmp", ".credentials.1.0.1.tmp", "credentials"]);
    }

    #[test]
    fn private_dir_is_0700() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        private_dir(&sub).unwrap();
        assert_eq!(existing_mode(&sub), Some(0o700));
    }
}
