//! `awsume -l [more]`: every profile with its type, account, source, MFA, region and role; `more`
//! adds when a cached session ends. Reads files and caches only: no network. Fits the terminal:
//! ARNs shrink to their names (the account has its own column), then whole columns go
//! (`columns.rs`: the columns, a row, the fitting; the picker shows the same).

mod columns;

pub use columns::{Column, Row, fit, table, terminal_columns};

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

pub fn run(args: &AwsumeArgs, more: bool, out: &Out) -> Result<ExitCode> {
    let config = Config::load(crate::request::files(args))?;
    let mut columns = Column::LIST.to_vec();
    if more {
        columns.push(Column::Expires);
    }
    let mut table = table(rows(&config, more), &columns);
    if let Some(width) = terminal_columns(out.through_function()) {
        fit(&mut table, width);
    }
    let printed = out.text(&text::table(&table));
    // The process ends next: freeing a thousand profiles and cells one by one would cost more
    // than everything else `-l` does after reading them (the allocator hands it all back at exit).
    std::mem::forget(table);
    std::mem::forget(config);
    printed
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
        Source::Sso(sso) if crate::signin::sso::signed_in(sso) => "SSO (signed in)".to_string(),
        Source::Sso(_) => "SSO (sign-in needed)".to_string(),
        source => source.kind().to_string(),
    };
    let serial =
        p.mfa_session_serial.as_deref().or_else(|| p.hops.iter().find_map(|h| h.mfa_serial.as_deref()));
    let by_command = p.mfa_process.is_some() || mfa_process.is_some();
    let mut row = Row {
        name: profile.name.clone(),
        kind,
        account: account_of(p).unwrap_or_else(|| "-".into()),
        source: source_of(profile),
        mfa: match serial {
            Some(serial) if by_command => format!("{serial} (command)"),
            Some(serial) => serial.to_string(),
            None => "-".into(),
        },
        region: p.region.clone().unwrap_or_else(|| "-".into()),
        role: profile.get("role_arn").unwrap_or("-").to_string(),
        expires: "-".into(),
    };
    if let (Source::Sso(sso), None) = (&p.source, p.hops.last()) {
        row.role = sso.role_name.clone();
    }
    row
}

/// The columns as the profile writes them.
fn written(profile: &Profile, kind: &str) -> Row {
    let field = |keys: &[&str]| keys.iter().find_map(|k| profile.get(k)).unwrap_or("-").to_string();
    let account = || {
        ["role_arn", "mfa_serial", "login_session"].iter().find_map(|k| profile.get(k).and_then(account_in))
    };
    Row {
        name: profile.name.clone(),
        kind: kind.to_string(),
        account: ["sso_account_id", "aws_account_id"]
            .iter()
            .find_map(|k| profile.get(k).map(str::to_string))
            .or_else(account)
            .unwrap_or_else(|| "-".into()),
        source: source_of(profile),
        mfa: field(&["mfa_serial"]),
        region: field(&["region"]),
        role: field(&["role_arn"]),
        expires: "-".into(),
    }
}

/// What the profile stands on, as it writes it.
fn source_of(profile: &Profile) -> String {
    profile.get("source_profile").or_else(|| profile.get("credential_source")).unwrap_or("-").to_string()
}

/// The account a profile's credentials belong to, as far as the files tell (no network).
fn account_of(plan: &Plan) -> Option<String> {
    match (&plan.source, plan.hops.last()) {
        (_, Some(hop)) => account_in(&hop.role_arn),
        (Source::Sso(sso), None) => Some(sso.account_id.clone()),
        (Source::WebIdentity { role_arn, .. }, None) => account_in(role_arn),
        (Source::Login { session_arn, .. }, None) => account_in(session_arn),
        (Source::Saml(saml), None) => saml.role_arn.as_deref().and_then(account_in),
        (Source::Static { account_id: Some(account), .. }, None) => Some(account.clone()),
        _ => plan.mfa_session_serial.as_deref().and_then(account_in),
    }
}
