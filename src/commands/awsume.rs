//! `awsume PROFILE` (or `--role-arn`): resolve, optionally write `-o NAME`, and set the shell.

use std::process::ExitCode;

use anyhow::Result;

use super::refresh::{refreshing_profile, replay, replayed_flags};
use super::{Out, Prepared, Request, prepare};
use crate::cli::AwsumeArgs;
use crate::config::{Config, Files};
use crate::deliver::credfile;
use crate::deliver::shell::{AutoRefresh, State};
use crate::files::{display, home_dir};
use crate::messages;
use crate::resolve;
use crate::settings::{self, Settings};

pub fn run(args: &AwsumeArgs, out: &Out) -> Result<ExitCode> {
    let settings = Settings::load(&settings::path(&home_dir()))?;
    let margin = settings.auto_refresh_margin;
    if args.auto_refresh
        && let Some(section) = &args.output_profile
        && let Some(flag) = replayed_flags(args).first()
    {
        anyhow::bail!(
            "-a -o {section}: the profile it writes renews with `awsume export --profile PROFILE`, which cannot repeat --{}; use -o without -a, or put the setting in the profile",
            flag.0
        );
    }
    let Prepared { plan, resolve, files } = prepare(Request::awsume(args, settings)?)?;
    if let Some(section) = &args.output_profile {
        check_output_profile(&files, section)?;
    }
    let creds = resolve::resolve(&plan, &resolve)?;
    if let Some(section) = &args.output_profile {
        let body = if args.auto_refresh {
            refreshing_profile(&plan.profile, plan.region.as_deref())?
        } else {
            credfile::section_body(&creds, plan.region.as_deref())
        };
        credfile::write(&files.credentials, section, &body, credfile::Overwrite::ManagedOnly)?;
    }
    let replayed = args.auto_refresh.then(|| replay(args, &plan.profile));
    let auto = match (replayed.as_deref(), creds.expiration) {
        (None, _) => None,
        (Some(_), None) => {
            messages::note(&format!("profile \"{}\" has long-term keys: nothing to refresh", plan.profile));
            None
        }
        (Some(replay), Some(expiration)) => Some(AutoRefresh { replay, at: expiration.timestamp() - margin }),
    };
    out.state(args, &State::new(&plan.profile, &creds, plan.region.as_deref(), plan.exports_profile, auto))
}

/// `-o NAME`: the credentials also go to section NAME of the credentials file, which must be
/// awsume's: neither a section the user wrote there nor a profile of the config file. Checked
/// before any STS call or MFA prompt; the writer checks again under its lock.
fn check_output_profile(files: &Files, section: &str) -> Result<()> {
    let config = Config::load(files.clone())?;
    if let Ok(profile) = config.profile(section)
        && profile.get("manager") != Some("awsume")
    {
        anyhow::bail!(
            "-o {section}: profile \"{section}\" in {} is not awsume-managed; not overwriting it",
            display(&profile.file)
        );
    }
    Ok(())
}
