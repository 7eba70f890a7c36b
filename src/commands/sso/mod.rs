//! `awsume sso populate SESSION`: one profile per account and role the session's person can use,
//! written into `~/.aws/config` with every other byte kept. Generated sections carry a marker
//! (`awsume_generated = SESSION`): a second run changes nothing, `--prune` removes only generated
//! profiles whose access is gone, and a section a person wrote is never touched. The names and the
//! new text are pure functions of the portal's answer and the file (`populate.rs`).

mod populate;

use populate::{MARKER, populate, profiles};

use std::collections::BTreeSet;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{PopulateArgs, SsoArgs, SsoCommand};
use crate::config::{Config, Files, edit};
use crate::deliver;
use crate::files::display;
use crate::messages;
use crate::plan;
use crate::settings::Settings;
use crate::signin::sso::AccountRole;

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
    let roles =
        usable(crate::signin::sso::account_roles(&sso, &options.ask(), options.sso_login, options.timeout)?);
    let region = args.common.region.clone().unwrap_or_else(|| sso.region.clone());
    let session = &args.session;
    // Names a person's sections hold (either file, and `default`) are never a generated one's.
    let taken = |text: &str| -> BTreeSet<String> {
        let credentials = crate::files::read_optional(&files.credentials).ok().flatten().unwrap_or_default();
        let ours = |h: &String| edit::get(text, h, MARKER).as_deref() == Some(session.as_str());
        let config_names = edit::headers(text)
            .into_iter()
            .filter(|h| !ours(h))
            .filter_map(|h| crate::config::profile_named(&h));
        config_names.chain(edit::headers(&credentials)).chain(["default".to_string()]).collect()
    };
    let text = crate::files::read_optional(&files.config)?.unwrap_or_default();
    let wanted = profiles(&roles, &args.template, &args.prefix, session, &taken(&text))?;
    let (updated, report) = populate(&text, &wanted, session, &region, args.prune)?;
    if args.dry_run {
        deliver::stdout(&updated)?;
    } else {
        edit::update(&files.config, edit::Holds::Settings, |current| {
            let wanted = profiles(&roles, &args.template, &args.prefix, session, &taken(current))?;
            Ok(populate(current, &wanted, session, &region, args.prune)?.0)
        })?;
    }
    messages::note(&format!(
        "{} profiles for [sso-session {session}] in {}: {} new, {} pruned{}",
        wanted.len(),
        display(&files.config),
        report.added,
        report.pruned,
        if args.dry_run { " (dry run: nothing written)" } else { "" }
    ));
    Ok(ExitCode::SUCCESS)
}

/// The portal's roles that can be written as they are: an account id of 12 digits, a role name
/// with no control character (IAM allows none); the others are skipped, each with a note.
fn usable(roles: Vec<AccountRole>) -> Vec<AccountRole> {
    roles
        .into_iter()
        .filter(|r| {
            let ok = r.account_id.len() == 12
                && r.account_id.bytes().all(|b| b.is_ascii_digit())
                && !r.role_name.is_empty()
                && !r.role_name.chars().any(char::is_control);
            if !ok {
                messages::note(&format!(
                    "skipped role {:?} of account {:?}: not an IAM role name and account id",
                    r.role_name, r.account_id
                ));
            }
            ok
        })
        .collect()
}
