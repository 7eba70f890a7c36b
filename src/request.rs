//! The request every command resolves: which profile, which files, what the flags add to the plan;
//! `prepare` turns it into a plan and the options to resolve it with.

use std::path::Path;

use anyhow::Result;

use crate::cache::{ProcessCache, RoleCache, SessionCache};
use crate::cli::{AwsumeArgs, CommonArgs};
use crate::config::{Config, Files};
use crate::environment;
use crate::files::{display, expand_tilde, home_dir};
use crate::messages::{self, info};
use crate::plan::{self, Plan};
use crate::resolve;
use crate::settings::Settings;

/// What every command needs to resolve one profile; built once from the shared flags.
pub struct Request<'a> {
    pub profile: Option<&'a str>,
    pub common: &'a CommonArgs,
    pub config_file: Option<&'a Path>,
    pub credentials_file: Option<&'a Path>,
    pub plan: plan::Options,
    pub ensure_temporary: bool,
    /// The `-a` prompt hook's renewal: asks nobody, reuses no role session.
    pub renewal: bool,
    /// With no profile named anywhere, botocore's default chain (`export`); else profile `default`.
    pub default_chain: bool,
}

impl<'a> Request<'a> {
    pub fn new(profile: Option<&'a str>, common: &'a CommonArgs) -> Self {
        Self {
            profile,
            common,
            config_file: None,
            credentials_file: None,
            plan: plan::Options { region: common.region.clone(), ..Default::default() },
            ensure_temporary: false,
            renewal: false,
            default_chain: false,
        }
    }

    /// The request `awsume PROFILE` (and the `-a` renewal) makes: the shared flags, the files named on
    /// the command line, and what the flags add to the profile's own settings.
    pub fn awsume(args: &'a AwsumeArgs, settings: Settings) -> Result<Self> {
        let plan = plan::Options {
            region: args.common.region.clone(),
            session_name: args.session_name.clone(),
            role_duration: args.role_duration,
            external_id: args.external_id.clone(),
            settings,
            role_arn: args.role_arn.clone(),
            source_profile: args.source_profile.clone(),
            session: plan::SessionOptions {
                tags: args.tags.clone().map(|t| t.0).unwrap_or_default(),
                policy: args.session_policy.as_deref().map(session_policy).transpose()?,
                policy_arns: args.session_policy_arns.clone(),
                source_identity: args.source_identity.clone(),
            },
            agent: args.agent.clone(),
            ..Default::default()
        };
        Ok(Request {
            config_file: args.config_file.as_deref(),
            credentials_file: args.credentials_file.as_deref(),
            plan,
            ..Request::new(args.profile.as_deref().or(args.profile_flag.as_deref()), &args.common)
        })
    }
}

/// A request planned and ready to resolve.
pub struct Prepared {
    pub plan: Plan,
    pub options: resolve::Options,
    pub files: Files,
}

pub fn prepare(req: Request<'_>) -> Result<Prepared> {
    let from_env = environment::profile();
    let files = Files::locate(req.config_file, req.credentials_file);
    let mut plan_opts = req.plan;
    // The profile named: awsume's order (the flag, AWS_PROFILE, AWS_DEFAULT_PROFILE, then its own
    // default: AWSUME_DEFAULT_PROFILE, setting default-profile), then `default`; botocore's chain
    // for `export` looks around AWS_PROFILE (else `default`) only.
    let target = match req.profile {
        None if req.default_chain => from_env.clone().unwrap_or_else(|| "default".to_string()),
        named => named
            .map(str::to_string)
            .or_else(|| from_env.clone())
            .or_else(|| environment::var("AWSUME_DEFAULT_PROFILE"))
            .or_else(|| plan_opts.settings.default_profile.clone())
            .unwrap_or_else(|| "default".to_string()),
    };
    // Only the sections these reach are parsed: the target's chain, the previous awsume's profile
    // (whose region the environment may still hold) and `--source-profile`'s.
    let previous = environment::var("AWSUME_PROFILE");
    let also: Vec<&str> =
        previous.iter().chain(plan_opts.source_profile.iter()).map(String::as_str).collect();
    let config = Config::load_reaching(files.clone(), &target, &also)?;
    crate::signin::callback::set_ports(req.common.redirect_port, plan_opts.settings.redirect_port);
    plan_opts.env_region = environment::region().filter(|region| !set_by_previous_awsume(&config, region));
    let mut plan = match req.profile {
        None if req.default_chain => {
            let plan = plan::default_chain(&config, &target, from_env.is_some(), &plan_opts, &chain_env())?;
            if let Some(link) = plan.link {
                info!("no --profile: the default chain answered with {} ({})", link.describe(), plan.profile);
            }
            plan
        }
        _ => {
            let mut target = target;
            // A target in neither file: `config` holds every profile (`load_reaching`).
            if plan_opts.settings.fuzzy_match
                && plan_opts.role_arn.is_none()
                && !config.profiles.contains_key(&target)
            {
                let names: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
                if let Some(closest) = crate::config::fuzzy(&names, &target) {
                    messages::note(&format!("using profile \"{closest}\" (fuzzy-match)"));
                    target = closest.to_string();
                }
            }
            plan::plan(&config, &target, &plan_opts)?
        }
    };
    if let Some(name) = &plan_opts.agent {
        let target = plan.profile.clone();
        plan::agent::scope(&mut plan, &config, &target, name, &plan_opts.settings.agent)?;
        agent_policy(&mut plan)?;
    }
    if plan_opts.role_arn.is_some()
        && plan_opts.source_profile.is_none()
        && resolve::environment_credentials().is_err()
    {
        anyhow::bail!(
            "--role-arn {}: this shell has no credentials to assume it with (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); name a profile with --source-profile",
            plan.profile
        );
    }
    info!(
        "profile \"{}\": {} from \"{}\", {} role hop(s), MFA session: {}, region: {}",
        plan.profile,
        plan.source.kind(),
        plan.source_profile,
        plan.hops.len(),
        plan.mfa_session_serial.as_deref().unwrap_or("none"),
        plan.region.as_deref().unwrap_or("none")
    );
    let options = resolve::Options {
        ensure_temporary: req.ensure_temporary,
        ..resolve_options(req.common, &plan_opts.settings, req.renewal)
    };
    Ok(Prepared { plan, options, files })
}

/// How to resolve, from the shared flags and the settings.
pub fn resolve_options(common: &CommonArgs, settings: &Settings, renewal: bool) -> resolve::Options {
    resolve::Options {
        refresh: common.refresh,
        mfa_token: common.mfa_token.clone(),
        mfa_sessions: SessionCache::new(&home_dir()),
        role_sessions: RoleCache::new(&home_dir(), settings.role_cache_margin),
        process_outputs: ProcessCache::new(settings.role_cache_margin),
        ensure_temporary: false,
        timeout: timeout(common),
        sso_login: common.sso_login,
        sign_out: common.sso_login && common.force,
        remote: common.remote,
        browser: (!common.no_browser).then(|| settings.browser()),
        renewal,
        mfa_process: settings.mfa_process.clone(),
        mfa_prompt: settings.mfa_prompt.clone(),
        profile_chain: None,
        keychain: settings.keychain.clone(),
        auto_remote: settings.auto_remote,
    }
}

/// `--timeout` (`AWSUME_TIMEOUT`): the most one call may take, retries included; at least a second.
pub fn timeout(common: &CommonArgs) -> std::time::Duration {
    std::time::Duration::from_secs(common.timeout.max(1))
}

/// The AWS files the command line names (`--config-file`, `--credentials-file`), where the
/// environment does not name others.
pub fn files(args: &AwsumeArgs) -> Files {
    Files::locate(args.config_file.as_deref(), args.credentials_file.as_deref())
}

/// What the default chain reads of the environment.
fn chain_env() -> plan::ChainEnv {
    let set = environment::is_set;
    plan::ChainEnv {
        keys: set("AWS_ACCESS_KEY_ID") && set("AWS_SECRET_ACCESS_KEY"),
        key_without_secret: set("AWS_ACCESS_KEY_ID") && !set("AWS_SECRET_ACCESS_KEY"),
        web_identity_token_file: environment::var("AWS_WEB_IDENTITY_TOKEN_FILE"),
        role_arn: environment::var("AWS_ROLE_ARN"),
        role_session_name: environment::var("AWS_ROLE_SESSION_NAME"),
        container: set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") || set("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        imds_disabled: environment::var("AWS_EC2_METADATA_DISABLED")
            .is_some_and(|v| v.eq_ignore_ascii_case("true")),
    }
}

/// Whether `region` is the one awsume set for the profile the shell has now (`AWSUME_PROFILE`): such
/// a region is that profile's, not the user's default, and must not follow them to the next profile.
fn set_by_previous_awsume(config: &Config, region: &str) -> bool {
    environment::var("AWSUME_PROFILE")
        .and_then(|previous| plan::plan(config, &previous, &plan::Options::default()).ok())
        .is_some_and(|p| p.region.as_deref() == Some(region))
}

/// `agent_policy`'s file, read into the agent's AssumeRole.
fn agent_policy(plan: &mut plan::Plan) -> Result<()> {
    let Some(hop) = plan.hops.last_mut() else { return Ok(()) };
    if let Some(path) = hop.policy.as_deref().and_then(|p| p.strip_prefix("file://")) {
        let path = expand_tilde(path.as_ref());
        let text = crate::files::read_optional(&path)?;
        hop.policy =
            Some(text.ok_or_else(|| anyhow::anyhow!("agent_policy: {} does not exist", display(&path)))?);
    }
    Ok(())
}

/// `--session-policy`: the JSON itself, or `file://PATH` as the AWS CLI reads it.
fn session_policy(value: &str) -> Result<String> {
    match value.strip_prefix("file://") {
        Some(path) => crate::files::read_optional(&expand_tilde(path.as_ref()))?
            .ok_or_else(|| anyhow::anyhow!("--session-policy: {path} does not exist")),
        None => Ok(value.to_string()),
    }
}
