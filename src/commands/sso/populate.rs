//! What `sso populate` writes, as pure functions: profile names from a template (clean, never
//! empty, unique, never a name a person's section holds) and the config text with the generated
//! sections set and, with `--prune`, the gone ones removed, in one pass.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};
use sha1::Digest;

use crate::config::edit;
use crate::signin::sso::AccountRole;

/// The key that marks a section `sso populate` wrote, its value the session.
pub(super) const MARKER: &str = "awsume_generated";

/// A generated profile: its name and what it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Generated {
    pub(super) name: String,
    pub(super) account_id: String,
    pub(super) role_name: String,
}

/// Names from the template, unique and stable from run to run: sorted by account and role; a name
/// that two roles share, or that is `taken`, gets the account id, then a digest of the role name.
pub(super) fn profiles(
    roles: &[AccountRole],
    template: &str,
    prefix: &str,
    session: &str,
    taken: &BTreeSet<String>,
) -> Result<Vec<Generated>> {
    let mut sorted = roles.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut by_name: BTreeMap<String, Vec<&AccountRole>> = BTreeMap::new();
    for role in &sorted {
        by_name.entry(format!("{prefix}{}", name_of(role, template, session))).or_default().push(role);
    }
    let mut out = Vec::new();
    for (name, owners) in &by_name {
        let clash = owners.len() > 1 || taken.contains(name);
        for role in owners {
            let mut unique = name.clone();
            if clash {
                unique = format!("{name}-{}", role.account_id);
                let same_account = owners.iter().filter(|o| o.account_id == role.account_id).count() > 1;
                if same_account || taken.contains(&unique) {
                    let digest = hex::encode(sha1::Sha1::digest(role.role_name.as_bytes()));
                    unique = format!("{unique}-{}", &digest[..6]);
                }
            }
            out.push(Generated {
                name: unique,
                account_id: role.account_id.clone(),
                role_name: role.role_name.clone(),
            });
        }
    }
    let names: BTreeSet<&str> = out.iter().map(|p| p.name.as_str()).collect();
    if names.len() != out.len() || out.iter().any(|p| taken.contains(&p.name)) {
        bail!(
            "the template {template:?} gives two roles one profile name; add {{account_id}} or {{role_name}}"
        );
    }
    Ok(out)
}

/// The template filled in, each value cleaned on its own; an account name that cleans to nothing
/// (`本番`) is the account id, so no name is ever empty.
fn name_of(role: &AccountRole, template: &str, session: &str) -> String {
    let account_name = Some(clean(&role.account_name)).filter(|n| !n.is_empty());
    let role_name = Some(clean(&role.role_name)).filter(|n| !n.is_empty());
    let name = clean(
        &template
            .replace("{account_name}", account_name.as_deref().unwrap_or(&role.account_id))
            .replace("{account_id}", &role.account_id)
            .replace("{role_name}", role_name.as_deref().unwrap_or("role"))
            .replace("{session}", &clean(session)),
    );
    if name.is_empty() { role.account_id.clone() } else { name }
}

/// Lower case; anything but ASCII letters, digits, `.`, `_` and `-` becomes `-`, runs of it one;
/// no `-` or `.` at either end.
fn clean(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.to_lowercase().chars() {
        let c = if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '-' };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out.trim_matches(['-', '.']).to_string()
}

#[derive(Default)]
pub(super) struct Report {
    pub(super) added: usize,
    pub(super) pruned: usize,
}

/// The config text with `wanted` written and, with `prune`, this session's other generated sections
/// removed, in one pass over the text. Pure: the same input gives the same output, and a second
/// pass changes nothing.
pub(super) fn populate(
    text: &str,
    wanted: &[Generated],
    session: &str,
    region: &str,
    prune: bool,
) -> Result<(String, Report)> {
    let existing: BTreeSet<String> = edit::headers(text).into_iter().collect();
    let mut report = Report::default();
    let mut edits = Vec::new();
    let mut names = BTreeSet::new();
    for profile in wanted {
        let header = edit::profile_header(&profile.name)?;
        report.added += usize::from(!existing.contains(&header));
        let pairs = vec![
            ("sso_session", session),
            ("sso_account_id", profile.account_id.as_str()),
            ("sso_role_name", profile.role_name.as_str()),
            ("region", region),
            (MARKER, session),
        ];
        names.insert(header.clone());
        edits.push((header, edit::SectionEdit::Set(pairs)));
    }
    if prune {
        for header in &existing {
            if !names.contains(header) && edit::get(text, header, MARKER).as_deref() == Some(session) {
                edits.push((header.clone(), edit::SectionEdit::Remove));
                report.pruned += 1;
            }
        }
    }
    Ok((edit::apply(text, &edits)?, report))
}

#[cfg(test)]
mod tests {
    use super::super::usable;
    use super::*;

    fn role(id: &str, name: &str, role: &str) -> AccountRole {
        AccountRole { account_id: id.into(), account_name: name.into(), role_name: role.into() }
    }

    fn roles() -> Vec<AccountRole> {
        vec![
            role("111111111111", "Prod Payments", "AdministratorAccess"),
            role("111111111111", "Prod Payments", "ReadOnly"),
            role("222222222222", "Dev / Sandbox", "Developer"),
            role("333333333333", "prod payments", "ReadOnly"),
        ]
    }

    fn names(roles: &[AccountRole], template: &str, taken: &[&str]) -> Vec<String> {
        let taken = taken.iter().map(|t| t.to_string()).collect();
        profiles(roles, template, "", "corp", &taken).unwrap().into_iter().map(|p| p.name).collect()
    }

    #[test]
    fn names_are_clean_unique_and_stable() {
        assert_eq!(
            names(&roles(), "{account_name}.{role_name}", &[]),
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
            names(&shuffled, "{account_name}.{role_name}", &[]),
            names(&roles(), "{account_name}.{role_name}", &[])
        );
        let taken = BTreeSet::new();
        assert_eq!(
            profiles(&roles(), "{account_id}-{role_name}", "sso-", "corp", &taken).unwrap()[0].name,
            "sso-111111111111-administratoraccess"
        );
    }

    #[test]
    fn names_never_empty_never_shared_never_taken() {
        let nameless = [role("444444444444", "本番", "Admin"), role("555555555555", "開発", "Admin")];
        assert_eq!(names(&nameless, "{account_name}", &[]), ["444444444444", "555555555555"]);
        assert_eq!(
            names(&nameless, "{account_name}.{role_name}", &[]),
            ["444444444444.admin", "555555555555.admin"]
        );
        let same = [role("1", "a", "Dev+Ops"), role("1", "a", "Dev=Ops"), role("1", "a", "Dev@Ops")]
            .map(|r| AccountRole { account_id: "111111111111".into(), ..r });
        let got = names(&same, "{account_name}.{role_name}", &[]);
        assert_eq!(got.iter().collect::<BTreeSet<_>>().len(), 3, "{got:?}");
        assert!(got.iter().all(|n| n.starts_with("a.dev-ops-111111111111-")), "{got:?}");
        let default = [role("666666666666", "Default", "Admin")];
        assert_eq!(names(&default, "{account_name}", &["default"]), ["default-666666666666"]);
        assert_eq!(names(&default, "{account_name}", &["x"]), ["default"]);
    }

    #[test]
    fn roles_that_cannot_be_written_are_skipped() {
        let kept = usable(vec![
            role("111111111111", "a", "Admin\n[victim]"),
            role("11111111111\n", "a", "Admin"),
            role("111111111111", "a\u{1b}]52;c;x\u{7}", "Admin"),
        ]);
        assert_eq!(kept.len(), 1);
        assert_eq!(name_of(&kept[0], "{account_name}", "corp"), "a-52-c-x");
    }

    #[test]
    fn populate_keeps_every_byte_is_idempotent_and_prunes_only_its_own() {
        let text = "# mine\n[default]\nregion = eu-west-1\n\n[profile prod-payments.administratoraccess]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n";
        let taken = ["default".to_string(), "prod-payments.administratoraccess".to_string()].into();
        let wanted = profiles(&roles(), "{account_name}.{role_name}", "", "corp", &taken).unwrap();
        let (once, report) = populate(text, &wanted, "corp", "eu-west-1", false).unwrap();
        assert!(once.starts_with(text), "{once}");
        assert_eq!(report.added, 4, "the hand-written section is left alone, its access named apart");
        assert!(once.contains("[profile prod-payments.administratoraccess-111111111111]"), "{once}");
        let (twice, _) = populate(&once, &wanted, "corp", "eu-west-1", false).unwrap();
        assert_eq!(twice, once, "a second run changes nothing");
        let fewer: Vec<Generated> =
            wanted.iter().filter(|p| p.account_id != "222222222222").cloned().collect();
        let (pruned, report) = populate(&once, &fewer, "corp", "eu-west-1", true).unwrap();
        assert_eq!(report.pruned, 1);
        assert!(!pruned.contains("dev-sandbox") && pruned.starts_with(text), "{pruned}");
        let (other_session, report) = populate(&once, &[], "other", "eu-west-1", true).unwrap();
        assert_eq!((other_session, report.pruned), (once.clone(), 0), "another session's profiles stay");
    }

    /// 4,000 profiles go in one pass over the text (quadratic before: 56 s for 4,000).
    #[test]
    fn thousands_of_profiles_in_one_pass() {
        let roles: Vec<AccountRole> = (0..4000)
            .map(|i| role(&format!("{:012}", 100_000_000_000u64 + i), &format!("acct {i}"), "Admin"))
            .collect();
        let wanted = profiles(&roles, "{account_name}.{role_name}", "", "corp", &BTreeSet::new()).unwrap();
        let (text, report) =
            populate("[default]\nregion = x\n", &wanted, "corp", "us-east-1", false).unwrap();
        assert_eq!((report.added, text.matches("[profile ").count()), (4000, 4000));
        assert_eq!(populate(&text, &wanted, "corp", "us-east-1", true).unwrap().0, text);
    }
}
