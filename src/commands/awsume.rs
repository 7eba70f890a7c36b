//! `awsume PROFILE` (or `--role-arn`): resolve, optionally write `-o NAME`, and set the shell.

use std::process::ExitCode;

use anyhow::{Context, Result};

use super::refresh::{refreshing_profile, replay, replayed_flags};
use crate::cache;
use crate::cli::AwsumeArgs;
use crate::config::{Config, Files};
use crate::deliver::Out;
use crate::deliver::credfile;
use crate::deliver::shell::{AutoRefresh, State};
use crate::files::display;
use crate::messages;
use crate::request::{Prepared, Request, prepare};
use crate::resolve;
use crate::settings::Settings;

pub fn run(args: &AwsumeArgs, out: &Out) -> Result<ExitCode> {
    let settings = Settings::user()?;
    messages::set_colors(settings.colors);
    messages::set_confirm(settings.confirmations);
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
    if let Some(json) = args.json.as_deref().filter(|j| !j.is_empty()) {
        return given(args, json, settings.region.as_deref(), out);
    }
    let Prepared { plan, options, files } = prepare(Request::awsume(args, settings.clone())?)?;
    if let Some(section) = &args.output_profile {
        check_output_profile(&files, section)?;
    }
    let creds = resolve::resolve(&plan, &options)?;
    if let Some(section) = &args.output_profile {
        let body = if args.auto_refresh {
            refreshing_profile(&plan.profile, plan.region.as_deref())?
        } else {
            credfile::section_body(&creds, plan.region.as_deref())
        };
        credfile::write(&files.credentials, section, &body, credfile::Overwrite::ManagedOnly)?;
    }
    if args.json.is_some() {
        return out.text(&cache::to_awsume_json(&creds, plan.region.as_deref()));
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
    let state = State::new(&plan.profile, &creds, plan.region.as_deref(), plan.exports_profile, auto);
    let done = if super::console::asked(args) {
        super::console::with_state(args, &settings, &plan, &options, &creds, &state, out)?
    } else {
        out.state(&state)?
    };
    messages::confirmed();
    Ok(done)
}

/// `awsume --json JSON` (or `-` for stdin): these credentials, set as profile `json`, as awsume does.
fn given(args: &AwsumeArgs, json: &str, settings_region: Option<&str>, out: &Out) -> Result<ExitCode> {
    let text = if json == "-" {
        std::io::read_to_string(std::io::stdin()).context("--json -: cannot read standard input")?
    } else {
        json.to_string()
    };
    let (creds, region) = cache::from_json(&text)
        .context("--json takes credentials as JSON (to print a profile's instead: awsume PROFILE --json)")?;
    if let Some((field, what)) = creds.uncarriable() {
        anyhow::bail!("--json: its {field} holds {what}, which no environment can carry safely");
    }
    let region = args.common.region.as_deref().or(region.as_deref()).or(settings_region);
    if let Some(section) = &args.output_profile {
        let files = crate::request::files(args);
        check_output_profile(&files, section)?;
        let body = credfile::section_body(&creds, region);
        credfile::write(&files.credentials, section, &body, credfile::Overwrite::ManagedOnly)?;
    }
    out.state(&State::new("json", &creds, region, false, None))
}

/// `-o NAME`: the credentials also go to section NAME of the credentials file, which must be
/// awsume's: neither a section the user wrote there nor a profile of the config file. Checked
/// before any STS call or MFA prompt; the writer checks again under its lock.
fn check_output_profile(files: &Files, section: &str) -> Result<()> {
    let config = Config::load(files.clone())?;
    if let Ok(profile) = config.profile(section)
        && profile.get("manager") != Some("awsume")
    {
        // Name the file whose section would be lost: the one -o writes, where it has one.
        let file = if profile.in_credentials { &files.credentials } else { &*profile.file };
        anyhow::bail!(
            "-o {section}: profile \"{section}\" in {} is not awsume-managed; not overwriting it",
            display(file)
        );
    }
    Ok(())
}
