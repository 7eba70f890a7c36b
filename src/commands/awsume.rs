//! `awsume PROFILE` (or `--role-arn`): resolve, optionally write `-o NAME`, and set the shell.

use std::process::ExitCode;

use anyhow::Result;

use super::refresh::{refreshing_profile, replay, replayed_flags};
use super::{Out, Prepared, Request, prepare};
use crate::cli::AwsumeArgs;
use crate::config::{Config, Files};
use crate::deliver::credfile;
use crate::deliver::shell::{AutoRefresh, State};
use crate::files::{display, expand_tilde, home_dir};
use crate::messages;
use crate::plan;
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
    let Prepared { plan, resolve, files } = prepare(request(args, settings)?)?;
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

/// The request `awsume PROFILE` (and the `-a` renewal) makes: the shared flags, the files named on
/// the command line, and what the flags add to the profile's own settings.
pub fn request<'a>(args: &'a AwsumeArgs, settings: Settings) -> Result<Request<'a>> {
    let plan = plan::Options {
        region: args.common.region.clone(),
        session_name: args.session_name.clone(),
        role_duration: args.role_duration,
        external_id: args.external_id.clone(),
        settings,
        role_arn: args.role_arn.clone(),
        source_profile: args.source_profile.clone(),
        session: plan::SessionOptions {
            tags: args.tags.clone().unwrap_or_default(),
            policy: args.session_policy.as_deref().map(session_policy).transpose()?,
            policy_arns: args.session_policy_arns.clone(),
            source_identity: args.source_identity.clone(),
        },
        ..Default::default()
    };
    Ok(Request {
        config_file: args.config_file.as_deref(),
        credentials_file: args.credentials_file.as_deref(),
        plan,
        ..Request::new(args.profile.as_deref().or(args.profile_flag.as_deref()), &args.common)
    })
}

/// `--session-policy`: the JSON itself, or `file://PATH` as the AWS CLI reads it.
fn session_policy(value: &str) -> Result<String> {
    match value.strip_prefix("file://") {
        Some(path) => crate::files::read_optional(&expand_tilde(path.as_ref()))?
            .ok_or_else(|| anyhow::anyhow!("--session-policy: {path} does not exist")),
        None => Ok(value.to_string()),
    }
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
