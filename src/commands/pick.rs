//! `awsume --pick` (and plain `awsume` on a terminal with no profile named and no default): the
//! profiles in a list fitted to the terminal, filtered fuzzily as the person types (the letters in
//! order, best matches first), the ones picked most and most recently first. It draws on the
//! terminal through stderr and reads keys from it (never stdout, which the shell function
//! evaluates), and leaves it as it found it. Enter goes on as `awsume NAME` with every other flag;
//! Esc or Ctrl-C changes nothing. Picks are remembered in awsume's state directory.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};

use super::list::{self, Column};
use crate::cli::AwsumeArgs;
use crate::config::Config;
use crate::deliver::Out;
use crate::deliver::text;
use crate::files;

/// What plain `awsume` does when nothing names a profile.
pub enum Plain {
    /// A profile is named (flags, environment, settings), or `default` has credentials: use it.
    Named,
    /// A person at a terminal: offer the picker.
    Pick,
    /// No terminal to pick on: why `default` will not do, for a line that says what to type.
    Unusable(String),
}

/// What plain `awsume` (no profile from flags, environment or settings) does when the `default`
/// profile is missing or names no credentials (a region-only `[default]` is common): the picker on
/// a terminal, else a line naming `awsume NAME` and `--pick`.
pub fn plain(args: &AwsumeArgs, default_profile_set: bool) -> Plain {
    let named = args.profile.is_some()
        || args.profile_flag.is_some()
        || args.role_arn.is_some()
        || args.json.is_some()
        || crate::environment::profile().is_some()
        || crate::environment::var("AWSUME_DEFAULT_PROFILE").is_some()
        || default_profile_set;
    let Ok(config) = Config::load(crate::request::files(args))
        .map_err(|_| ())
        .and_then(|c| (!named).then_some(c).ok_or(()))
    else {
        return Plain::Named;
    };
    let why = match config.profiles.get("default") {
        Some(default) if default.names_credentials() => return Plain::Named,
        Some(default) => format!("{} has no credentials", default.at()),
        None => format!("there is no default profile in {}", files::display(&config.files.config)),
    };
    if terminal() { Plain::Pick } else { Plain::Unusable(why) }
}

fn terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

pub fn run(args: &AwsumeArgs, out: &Out) -> Result<ExitCode> {
    if !terminal() {
        bail!("--pick needs a terminal to draw on; name the profile instead: awsume PROFILE");
    }
    let config = Config::load(crate::request::files(args))?;
    if config.profiles.is_empty() {
        bail!("no profiles to pick from in {}", files::display(&config.files.config));
    }
    // The columns that say what a profile is: type, account, role; fitted to the terminal.
    let columns = [Column::Profile, Column::Type, Column::Account, Column::Role];
    let mut rows = list::table(list::rows(&config, false), &columns);
    if let Some(columns) = list::terminal_columns(true) {
        list::fit(&mut rows, columns.saturating_sub(4));
    }
    let table = text::table(&rows);
    let mut lines: Vec<(String, String)> = table
        .lines()
        .skip(1)
        .zip(rows.iter().skip(1))
        .map(|(line, row)| (row[0].clone(), line.to_string()))
        .collect();
    let picks = Picks::load();
    let now = chrono::Utc::now().timestamp();
    lines.sort_by(|a, b| picks.score(&b.0, now).total_cmp(&picks.score(&a.0, now)));
    let labels: Vec<Label> = lines.into_iter().map(|(name, line)| Label { name, line }).collect();
    let header = table.lines().next().unwrap_or("").to_string();
    let message = format!("profile  ({header})");
    let answer = inquire::Select::new(&message, labels)
        .with_page_size(page_size())
        .with_help_message("type to filter, ↑↓ or Ctrl-N/Ctrl-P to move, Enter to switch, Esc to leave")
        .with_formatter(&|option| option.value.name.clone())
        .prompt_skippable();
    let picked = match answer {
        Ok(Some(label)) => {
            erase_answer(&format!("> {message} {}", label.name));
            label.name
        }
        Ok(None) | Err(inquire::InquireError::OperationInterrupted) => {
            bail!("nothing picked: nothing changed")
        }
        Err(e) => bail!("the picker failed: {e}"),
    };
    Picks::load().record(&picked, now);
    let args = AwsumeArgs { profile: Some(picked), pick: false, ..args.clone() };
    super::awsume::run(&args, out)
}

/// inquire leaves its answer on the screen (`> profile (…) NAME`): the rows it took are cleared, so
/// nothing of the picker stays, as if `awsume NAME` had been typed.
fn erase_answer(line: &str) {
    use std::io::Write;
    let columns = crate::environment::terminal_size(2).map(|(c, _)| c).filter(|&c| c > 0).unwrap_or(80);
    let rows = unicode_width::UnicodeWidthStr::width(line).div_ceil(columns).max(1);
    let mut stderr = std::io::stderr();
    let _ = write!(stderr, "\x1b[{rows}A\r\x1b[J").and_then(|()| stderr.flush());
}

/// Rows the list may show: the terminal's height, less the prompt and help lines.
fn page_size() -> usize {
    // stderr: where the picker draws.
    let rows = crate::environment::terminal_size(2).map(|(_, rows)| rows).filter(|&r| r > 0).unwrap_or(24);
    rows.saturating_sub(4).clamp(3, 30)
}

/// One line of the list: what is shown, and the profile it stands for.
struct Label {
    name: String,
    line: String,
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line)
    }
}

/// How many picks are remembered (the most recent).
const KEPT: usize = 1000;
/// How much of the picks file is read (1,000 lines of long names fit many times over).
const MAX_READ: u64 = 1 << 20;

/// What was picked, how often and when last: `NAME<TAB>COUNT<TAB>EPOCH` lines.
struct Picks {
    path: PathBuf,
    entries: Vec<(String, u64, i64)>,
}

impl Picks {
    /// `$XDG_STATE_HOME/awsume/picks`, else `~/.awsume/state/picks`.
    fn path() -> PathBuf {
        match crate::environment::var("XDG_STATE_HOME") {
            Some(dir) => PathBuf::from(dir).join("awsume").join("picks"),
            None => files::home_dir().join(".awsume").join("state").join("picks"),
        }
    }

    /// The picks on record: a file that is not to be trusted (another user's, or others may write
    /// it) is none, as every cache; only its first `MAX_READ` bytes are read.
    fn load() -> Self {
        let path = Self::path();
        let trusted = files::untrusted_entry(&path).is_none();
        let mut text = String::new();
        if trusted && let Ok(file) = std::fs::File::open(&path) {
            let _ = std::io::Read::read_to_string(&mut std::io::Read::take(file, MAX_READ), &mut text);
        }
        let entries = text
            .lines()
            .filter_map(|line| {
                let mut parts = line.split('\t');
                Some((parts.next()?.to_string(), parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
            })
            .collect();
        Self { path, entries }
    }

    /// Frecency, as zoxide weighs it: the count, worth more the more recent the last pick.
    fn score(&self, name: &str, now: i64) -> f64 {
        let Some((_, count, last)) = self.entries.iter().find(|(n, _, _)| n == name) else { return 0.0 };
        let age = now - last;
        let weight = match age {
            a if a < 3600 => 4.0,
            a if a < 86_400 => 2.0,
            a if a < 604_800 => 0.5,
            _ => 0.25,
        };
        *count as f64 * weight
    }

    /// One more pick of `name` at `now`; a store that cannot be written costs only the ordering.
    fn record(mut self, name: &str, now: i64) {
        match self.entries.iter_mut().find(|(n, _, _)| n == name) {
            Some(entry) => {
                entry.1 = entry.1.saturating_add(1);
                entry.2 = now;
            }
            None => self.entries.push((name.to_string(), 1, now)),
        }
        // The newest `KEPT` only: the file stays small, the picker quick to open.
        self.entries.sort_by_key(|entry| std::cmp::Reverse(entry.2));
        self.entries.truncate(KEPT);
        // Names with a tab or line break cannot be stored: they are not remembered.
        let text: String = self
            .entries
            .iter()
            .filter(|(n, _, _)| !n.contains(['\t', '\n', '\r']))
            .map(|(n, c, t)| format!("{n}\t{c}\t{t}\n"))
            .collect();
        let written = self
            .path
            .parent()
            .map_or(Ok(()), files::private_dir)
            .and_then(|()| files::write_atomic(&self.path, text.as_bytes(), 0o600));
        if let Err(e) = written {
            crate::messages::debug!("not remembering the pick: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frecency_counts_picks_and_favours_recent_ones() {
        let picks = Picks {
            path: PathBuf::new(),
            entries: vec![("old".into(), 10, 0), ("fresh".into(), 3, 1_000_000), ("never".into(), 0, 0)],
        };
        let now = 1_000_100;
        assert!(picks.score("fresh", now) > picks.score("old", now), "3 picks now beat 10 long ago");
        assert_eq!(picks.score("unknown", now), 0.0);
    }

    #[test]
    fn picks_are_kept_newest_first_and_counts_saturate() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("picks");
        let entries = (0..1500).map(|i| (format!("p{i}"), u64::MAX, i64::from(i))).collect();
        Picks { path: path.clone(), entries }.record("p1499", 2000);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), KEPT);
        assert!(text.starts_with(&format!("p1499\t{}\t2000\n", u64::MAX)), "saturated, newest first");
        assert!(!text.contains("p499\t"), "the oldest went");
    }
}
