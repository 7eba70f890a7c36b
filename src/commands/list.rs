//! `awsume -l [more]`: every profile with its type, role, source, MFA and region; `more` adds the
//! account and when a cached session ends. Reads files and caches only: no network.

use std::process::ExitCode;

use anyhow::Result;

use super::Out;
use crate::cache::{SessionCache, format_local};
use crate::cli::AwsumeArgs;
use crate::config::{Config, Files};
use crate::deliver::text;
use crate::files::home_dir;
use crate::plan::{self, Plan, Source};
use crate::resolve;

pub fn run(args: &AwsumeArgs, more: bool, out: &Out) -> Result<ExitCode> {
    let config = Config::load(Files::locate(args.config_file.as_deref(), args.credentials_file.as_deref()))?;
    let mut header = vec!["PROFILE", "TYPE", "ROLE ARN", "SOURCE", "MFA", "REGION"];
    if more {
        header.extend(["ACCOUNT", "SESSION EXPIRES"]);
    }
    let mut rows: Vec<Vec<String>> = vec![header.into_iter().map(String::from).collect()];
    let cache = SessionCache::new(&home_dir());
    for name in config.profiles.keys() {
        let mut row = match plan::plan(&config, name, &plan::Options::default()) {
            Ok(p) => {
                let mut row = planned(name, &p);
                if more {
                    row.push(account_of(&p).unwrap_or_else(|| "-".into()));
                    row.push(
                        resolve::cached_expiry(&p, &cache).map(format_local).unwrap_or_else(|| "-".into()),
                    );
                }
                row
            }
            // What the profile says, so the user sees what to fix (`awsume NAME` says why).
            Err(_) => {
                let profile = &config.profiles[name];
                let field =
                    |keys: &[&str]| keys.iter().find_map(|k| profile.get(k)).unwrap_or("-").to_string();
                vec![
                    name.clone(),
                    "invalid".into(),
                    field(&["role_arn"]),
                    field(&["source_profile", "credential_source"]),
                    field(&["mfa_serial"]),
                    field(&["region"]),
                ]
            }
        };
        row.resize(rows[0].len(), "-".into());
        rows.push(row);
    }
    out.text(&text::table(&rows))
}

/// The six columns of a profile that plans.
fn planned(name: &str, p: &Plan) -> Vec<String> {
    let kind = match &p.source {
        _ if !p.hops.is_empty() => "role".to_string(),
        Source::Sso(sso) if resolve::sso_signed_in(sso) => "SSO (signed in)".to_string(),
        Source::Sso(_) => "SSO (sign-in needed)".to_string(),
        source => source.kind().to_string(),
    };
    let role = match (&p.source, p.hops.last()) {
        (_, Some(hop)) => hop.role_arn.clone(),
        (Source::Sso(sso), None) => format!("{} in {}", sso.role_name, sso.account_id),
        _ => "-".into(),
    };
    vec![
        name.to_string(),
        kind,
        role,
        if p.source_profile == name { "-".into() } else { p.source_profile.clone() },
        p.mfa_session
            .clone()
            .or_else(|| p.hops.iter().find_map(|h| h.mfa_serial.clone()))
            .unwrap_or_else(|| "-".into()),
        p.region.clone().unwrap_or_else(|| "-".into()),
    ]
}

/// The account a profile's credentials belong to, as far as the files tell (no network).
fn account_of(plan: &Plan) -> Option<String> {
    let from_arn = |arn: &str| arn.split(':').nth(4).filter(|a| !a.is_empty()).map(str::to_string);
    match (&plan.source, plan.hops.last()) {
        (_, Some(hop)) => from_arn(&hop.role_arn),
        (Source::Sso(sso), None) => Some(sso.account_id.clone()),
        (Source::WebIdentity { role_arn, .. }, None) => from_arn(role_arn),
        _ => plan.mfa_session.as_deref().and_then(from_arn),
    }
}
