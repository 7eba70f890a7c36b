//! `awsume sso populate SESSION`: one profile per account and role the session's person can use,
//! written into `~/.aws/config` with every other byte kept. Generated sections carry a marker
//! (`awsume_generated = SESSION`): a second run changes nothing, `--prune` removes only generated
//! profiles whose access is gone, and a section a person wrote is never touched.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{PopulateArgs, SsoArgs, SsoCommand};
use crate::config::{Config, Files, edit};
use crate::deliver;
use crate::files::display;
use crate::messages;
use crate::plan;
use crate::resolve;
use crate::settings::Settings;

/// The key that marks a section `sso populate` wrote, its value the session.
const MARKER: &str = "awsume_generated";

pub fn run(args: SsoArgs) -> Result<ExitCode> {
    match args.command {
        SsoCommand::Populate(populate) => run_populate(&populate),
    }
}

fn run_populate(args: &PopulateArgs) -> Result<ExitCode> {
    messages::set_level(args.common.info, args.common.debug);
    let files = Files::locate(args.config_file.as_deref(), None);
    let config = Config::load(files.clone())?;
    let sso = plan::sso_session(&config, &args.session)?;
    let settings = Settings::user()?;
    let options = crate::request::resolve_options(&args.common, &settings, false);
    let roles = resolve::sso_account_roles(&sso, &options)?;
    let region = args.common.region.clone().unwrap_or_else(|| sso.region.clone());
    let wanted = profiles(&roles, &args.template, &args.prefix, &args.session);
    let text = crate::files::read_optional(&files.config)?.unwrap_or_default();
    let (updated, report) = populate(&text, &wanted, &args.session, &region, args.prune);
    if args.dry_run {
        deliver::stdout(&updated)?;
    } else {
        edit::update(&files.config, edit::Holds::Settings, |current| {
            Ok(populate(current, &wanted, &args.session, &region, args.prune).0)
        })?;
    }
    messages::note(&format!(
        "{} profiles for [sso-session {}] in {}: {} new, {} pruned, {} left as you wrote them{}",
        wanted.len(),
        args.session,
        display(&files.config),
        report.added,
        report.pruned,
        report.kept_by_person,
        if args.dry_run { " (dry run: nothing written)" } else { "" }
    ));
    Ok(ExitCode::SUCCESS)
}

/// A generated profile: its name and what it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Generated {
    name: String,
    account_id: String,
    role_name: String,
}

/// Names from the template, unique and stable from run to run: sorted by account and role, a
/// clash settled by the account id.
fn profiles(
    roles: &[(String, String, String)],
    template: &str,
    prefix: &str,
    session: &str,
) -> Vec<Generated> {
    let mut sorted = roles.to_vec();
    sorted.sort_by(|a, b| (&a.1, &a.0, &a.2).cmp(&(&b.1, &b.0, &b.2)));
    sorted.dedup();
    let mut by_name: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (id, name, role) in &sorted {
        let raw = template
            .replace("{account_name}", name)
            .replace("{account_id}", id)
            .replace("{role_name}", role)
            .replace("{session}", session);
        by_name.entry(format!("{prefix}{}", clean(&raw))).or_default().push((id.clone(), role.clone()));
    }
    let mut out = Vec::new();
    for (name, owners) in by_name {
        let clash = owners.len() > 1;
        for (account_id, role_name) in owners {
            let name = if clash { format!("{name}-{account_id}") } else { name.clone() };
            out.push(Generated { name, account_id, role_name });
        }
    }
    out
}

/// Lower case; anything but letters, digits, `.`, `_` and `-` becomes `-`, runs of it one.
fn clean(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.to_lowercase().chars() {
        let c = if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '-' };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out.trim_matches('-').to_string()
}

#[derive(Default)]
struct Report {
    added: usize,
    pruned: usize,
    kept_by_person: usize,
}

/// The config text with `wanted` written and, with `prune`, this session's other generated sections
/// removed. Pure: the same input gives the same output, and a second pass changes nothing.
fn populate(text: &str, wanted: &[Generated], session: &str, region: &str, prune: bool) -> (String, Report) {
    let mut text = text.to_string();
    let mut report = Report::default();
    for profile in wanted {
        let header = format!("profile {}", profile.name);
        let exists = edit::headers(&text).contains(&header);
        if exists && edit::get(&text, &header, MARKER).as_deref() != Some(session) {
            report.kept_by_person += 1;
            continue;
        }
        report.added += usize::from(!exists);
        let pairs = [
            ("sso_session", session),
            ("sso_account_id", profile.account_id.as_str()),
            ("sso_role_name", profile.role_name.as_str()),
            ("region", region),
            (MARKER, session),
        ];
        text = edit::set_keys(&text, &header, &pairs).expect("generated names and ids are one-line values");
    }
    if prune {
        let names: Vec<String> = wanted.iter().map(|p| format!("profile {}", p.name)).collect();
        for header in edit::headers(&text) {
            if !names.contains(&header) && edit::get(&text, &header, MARKER).as_deref() == Some(session) {
                text = edit::remove_section(&text, &header);
                report.pruned += 1;
            }
        }
    }
    (text, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles() -> Vec<(String, String, String)> {
        [
            ("111111111111", "Prod Payments", "AdministratorAccess"),
            ("111111111111", "Prod Payments", "ReadOnly"),
            ("222222222222", "Dev / Sandbox", "Developer"),
            ("333333333333", "prod payments", "ReadOnly"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .to_vec()
    }

    #[test]
    fn names_are_clean_unique_and_stable() {
        let names: Vec<String> = profiles(&roles(), "{account_name}.{role_name}", "", "corp")
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(
            names,
            [
                "dev-sandbox.developer",
                "prod-payments.administratoraccess",
                "prod-payments.readonly-111111111111",
                "prod-payments.readonly-333333333333"
            ]
        );
        let mut shuffled = roles();
        shuffled.reverse();
        assert_eq!(
            profiles(&shuffled, "{account_name}.{role_name}", "", "corp"),
            profiles(&roles(), "{account_name}.{role_name}", "", "corp")
        );
        assert_eq!(
            profiles(&roles(), "{account_id}-{role_name}", "sso-", "corp")[0].name,
            "sso-111111111111-administratoraccess"
        );
    }

    #[test]
    fn populate_keeps_every_byte_is_idempotent_and_prunes_only_its_own() {
        let text = "# mine\n[default]\nregion = eu-west-1\n\n[profile prod-payments.administratoraccess]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n";
        let wanted = profiles(&roles(), "{account_name}.{role_name}", "", "corp");
        let (once, report) = populate(text, &wanted, "corp", "eu-west-1", false);
        assert!(once.starts_with(text), "{once}");
        assert_eq!((report.added, report.kept_by_person), (3, 1), "the hand-written section is left alone");
        assert_eq!(
            populate(&once, &wanted, "corp", "eu-west-1", false).0,
            once,
            "a second run changes nothing"
        );
        let fewer: Vec<Generated> =
            wanted.iter().filter(|p| p.account_id != "222222222222").cloned().collect();
        let (pruned, report) = populate(&once, &fewer, "corp", "eu-west-1", true);
        assert_eq!(report.pruned, 1);
        assert!(!pruned.contains("dev-sandbox") && pruned.starts_with(text), "{pruned}");
        let (other_session, report) = populate(&once, &[], "other", "eu-west-1", true);
        assert_eq!((other_session, report.pruned), (once.clone(), 0), "another session's profiles stay");
    }
}
