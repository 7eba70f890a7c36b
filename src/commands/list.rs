//! `awsume -l [more]`: every profile with its type, account, source, MFA, region and role; `more`
//! adds when a cached session ends. Reads files and caches only: no network. Fits the terminal:
//! ARNs shrink to their names (the account has its own column), then whole columns go.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;

use crate::cache::{RoleCache, SessionCache, format_local};
use crate::cli::AwsumeArgs;
use crate::config::{Config, Profile};
use crate::credentials::account_in;
use crate::deliver::Out;
use crate::deliver::text;
use crate::files::home_dir;
use crate::plan::{self, Plan, Source};
use crate::resolve;
use crate::settings::Settings;

/// A column of the list, in the order `-l` shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Profile,
    Type,
    Account,
    Source,
    Mfa,
    Region,
    Role,
    Expires,
}

impl Column {
    /// What `-l` shows: every column but the cached sessions' end, which `more` adds.
    pub const LIST: [Column; 7] = [
        Column::Profile,
        Column::Type,
        Column::Account,
        Column::Source,
        Column::Mfa,
        Column::Region,
        Column::Role,
    ];

    pub fn header(self) -> &'static str {
        match self {
            Column::Profile => "PROFILE",
            Column::Type => "TYPE",
            Column::Account => "ACCOUNT",
            Column::Source => "SOURCE",
            Column::Mfa => "MFA",
            Column::Region => "REGION",
            Column::Role => "ROLE",
            Column::Expires => "SESSION EXPIRES",
        }
    }
}

/// One profile as the list tells it: what it is and what it stands on (`-` for nothing).
pub struct Row {
    pub name: String,
    kind: String,
    account: String,
    source: String,
    mfa: String,
    region: String,
    role: String,
    /// When its cached session ends (`more` only).
    expires: String,
}

impl Row {
    fn cell(&self, column: Column) -> &str {
        match column {
            Column::Profile => &self.name,
            Column::Type => &self.kind,
            Column::Account => &self.account,
            Column::Source => &self.source,
            Column::Mfa => &self.mfa,
            Column::Region => &self.region,
            Column::Role => &self.role,
            Column::Expires => &self.expires,
        }
    }
}

/// The table of `rows` in `columns`: a header line of cells, then a line of cells per row.
pub fn table(rows: &[Row], columns: &[Column]) -> Vec<Vec<String>> {
    let header = columns.iter().map(|c| c.header().to_string()).collect();
    let cells = rows.iter().map(|row| columns.iter().map(|&c| row.cell(c).to_string()).collect());
    std::iter::once(header).chain(cells).collect()
}

pub fn run(args: &AwsumeArgs, more: bool, out: &Out) -> Result<ExitCode> {
    let config = Config::load(crate::request::files(args))?;
    let mut columns = Column::LIST.to_vec();
    if more {
        columns.push(Column::Expires);
    }
    let mut table = table(&rows(&config, more), &columns);
    if let Some(width) = terminal_columns(out.through_function()) {
        fit(&mut table, width);
    }
    out.text(&text::table(&table))
}

/// A row per profile, as the files and caches tell (`more`: with cached sessions' ends).
pub fn rows(config: &Config, more: bool) -> Vec<Row> {
    let sessions = SessionCache::new(&home_dir());
    let roles = RoleCache::new(&home_dir(), 0);
    // Which profiles get their MFA code from a command needs the setting too; a settings file that
    // does not read is for `awsume PROFILE` to report.
    let mfa_process = Settings::user().ok().and_then(|s| s.mfa_process);
    let mut rows = Vec::new();
    for (name, profile) in &config.profiles {
        let plan = plan::plan(config, name, &plan::Options::default()).ok();
        let mut row = match &plan {
            Some(p) => planned(profile, p, mfa_process.as_deref()),
            // What the profile says, so the user sees what to fix (`awsume NAME` says why); a
            // config-only profile (a region for `[default]`) is not broken, it only lacks credentials.
            None if !profile.names_credentials() => written(profile, "no credentials"),
            None => written(profile, "invalid"),
        };
        if more {
            let expiry = plan.and_then(|p| resolve::cached_expiry(&p, &sessions, &roles));
            row.expires = expiry.map(format_local).unwrap_or_else(|| "-".into());
        }
        rows.push(row);
    }
    rows
}

/// A profile that plans: what it is and what it stands on.
fn planned(profile: &Profile, p: &Plan, mfa_process: Option<&str>) -> Row {
    let kind = match &p.source {
        _ if !p.hops.is_empty() => "role".to_string(),
        Source::Sso(sso) if resolve::sso_signed_in(sso) => "SSO (signed in)".to_string(),
        Source::Sso(_) => "SSO (sign-in needed)".to_string(),
        source => source.kind().to_string(),
    };
    let mut row = written(profile, &kind);
    row.account = account_of(p).unwrap_or_else(|| "-".into());
    let serial = p.mfa_session_serial.clone().or_else(|| p.hops.iter().find_map(|h| h.mfa_serial.clone()));
    let by_command = p.mfa_process.is_some() || mfa_process.is_some();
    row.mfa = match serial {
        Some(serial) if by_command => format!("{serial} (command)"),
        Some(serial) => serial,
        None => "-".into(),
    };
    row.region = p.region.clone().unwrap_or_else(|| "-".into());
    if let (Source::Sso(sso), None) = (&p.source, p.hops.last()) {
        row.role = sso.role_name.clone();
    }
    row
}

/// The columns as the profile writes them.
fn written(profile: &Profile, kind: &str) -> Row {
    let field = |keys: &[&str]| keys.iter().find_map(|k| profile.get(k)).unwrap_or("-").to_string();
    let account =
        ["role_arn", "mfa_serial", "login_session"].iter().find_map(|k| profile.get(k).and_then(account_in));
    Row {
        name: profile.name.clone(),
        kind: kind.to_string(),
        account: ["sso_account_id", "aws_account_id"]
            .iter()
            .find_map(|k| profile.get(k).map(str::to_string))
            .or(account)
            .unwrap_or_else(|| "-".into()),
        source: field(&["source_profile", "credential_source"]),
        mfa: field(&["mfa_serial"]),
        region: field(&["region"]),
        role: field(&["role_arn"]),
        expires: "-".into(),
    }
}

/// The account a profile's credentials belong to, as far as the files tell (no network).
fn account_of(plan: &Plan) -> Option<String> {
    match (&plan.source, plan.hops.last()) {
        (_, Some(hop)) => account_in(&hop.role_arn),
        (Source::Sso(sso), None) => Some(sso.account_id.clone()),
        (Source::WebIdentity { role_arn, .. }, None) => account_in(role_arn),
        (Source::Login { session_arn }, None) => account_in(session_arn),
        (Source::Static { account_id: Some(account), .. }, None) => Some(account.clone()),
        _ => plan.mfa_session_serial.as_deref().and_then(account_in),
    }
}

/// The columns `fit` drops, least useful first: the account a profile lands in is the last to go.
const DROP_ORDER: [Column; 7] = [
    Column::Role,
    Column::Source,
    Column::Mfa,
    Column::Region,
    Column::Expires,
    Column::Type,
    Column::Account,
];

/// Narrows the table to `columns`: ARNs to their names (the account is in its own column), then
/// whole columns go, least useful first. No cell is ever cut (a header or a value cut to `ACCOU…`
/// tells nobody anything), and the profile names always stay.
pub fn fit(rows: &mut [Vec<String>], columns: usize) {
    let name = |arn: &str| arn.rsplit_once(":role/").or(arn.rsplit_once(":mfa/")).map(|(_, n)| n.to_string());
    for header in [Column::Role.header(), Column::Mfa.header()] {
        if text::width(rows) <= columns {
            return;
        }
        let Some(column) = rows[0].iter().position(|h| h == header) else { continue };
        for cell in rows.iter_mut().skip(1).filter_map(|row| row.get_mut(column)) {
            if let Some(short) = name(cell) {
                *cell = short;
            }
        }
    }
    for column in DROP_ORDER {
        if text::width(rows) <= columns {
            return;
        }
        if let Some(at) = rows[0].iter().position(|h| h == column.header()) {
            rows.iter_mut().for_each(|row| {
                row.remove(at);
            });
        }
    }
}

/// The terminal's width: stdout's, or stderr's when the shell function captures stdout; `None`
/// when the output goes to no terminal (a file, a pipe): then nothing is narrowed.
pub fn terminal_columns(through_function: bool) -> Option<usize> {
    let fd = if std::io::stdout().is_terminal() {
        1
    } else if through_function && std::io::stderr().is_terminal() {
        2
    } else {
        return None;
    };
    terminal_size(fd).map(|(columns, _)| columns).filter(|&c| c > 0)
}

/// The terminal's (columns, rows) on `fd`, when it answers (0 where it does not know).
#[cfg(unix)]
#[allow(unsafe_code)]
pub fn terminal_size(fd: i32) -> Option<(usize, usize)> {
    // SAFETY: TIOCGWINSZ fills a winsize and reads nothing else; fd is a terminal.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut size) } == 0;
    ok.then_some((usize::from(size.ws_col), usize::from(size.ws_row)))
}

/// Windows: the console's size is not asked; `-l` prints whole rows.
#[cfg(not(unix))]
pub fn terminal_size(_fd: i32) -> Option<(usize, usize)> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrowing_shortens_arns_then_drops_whole_columns() {
        let row = |name: &str| {
            vec![
                name.to_string(),
                "role".into(),
                "111111111111".into(),
                "alice".into(),
                "arn:aws:iam::111111111111:mfa/alice".into(),
                "eu-west-1".into(),
                "arn:aws:iam::111111111111:role/admin".into(),
            ]
        };
        let header: Vec<String> = Column::LIST.iter().map(|c| c.header().to_string()).collect();
        let full = vec![header.clone(), row("admin")];
        let mut wide = full.clone();
        fit(&mut wide, 200);
        assert_eq!(wide, full);
        let mut narrower = full.clone();
        fit(&mut narrower, 80);
        assert_eq!(narrower[1][6], "admin");
        assert!(text::width(&narrower) <= 80);
        // A generated SSO profile's 52-character name at 80 columns: columns go, no cell is cut.
        let long = "acme-production-payments-platform.AdministratorAcces";
        let mut at80 = vec![header.clone(), row(long), row("dev")];
        fit(&mut at80, 80);
        assert!(text::width(&at80) <= 80, "{at80:?}");
        assert_eq!(at80[0], ["PROFILE", "TYPE", "ACCOUNT"], "whole headers, least useful gone first");
        let mut at70 = at80.clone();
        fit(&mut at70, 70);
        assert_eq!(at70[0], ["PROFILE", "ACCOUNT"], "the account outlasts the type");
        assert_eq!(at80[1][0], long, "never the profile's name");
        assert!(at80.iter().flatten().all(|cell| !cell.ends_with('…')));
        let mut tiny = vec![header, row(long)];
        fit(&mut tiny, 20);
        assert_eq!(tiny, [vec!["PROFILE".to_string()], vec![long.to_string()]]);
    }
}
