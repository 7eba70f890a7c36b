//! The commands: `awsume [PROFILE]`, `awsume export`, `awsume -l`. Each reads its flags, plans,
//! resolves and hands the result to one delivery; none of them formats output itself.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use crate::cache::{ExportCache, SessionCache};
use crate::cli::{AwsumeArgs, Cli, ExportArgs};
use crate::config::{Config, Files, home_dir};
use crate::credentials::{Credentials, Secret};
use crate::deliver::{self, shell::Shell, shell::State};
use crate::plan::{self, Plan};
use crate::resolve;
use crate::settings::{self, Settings};

/// What every command needs to resolve one profile.
struct Request<'a> {
    profile: Option<&'a str>,
    config_file: Option<&'a Path>,
    credentials_file: Option<&'a Path>,
    plan: plan::Options,
    refresh: bool,
    mfa_token: Option<&'a Secret>,
    debug: bool,
    info: bool,
    ensure_temporary: bool,
    timeout: u64,
    sso_login: bool,
    no_browser: bool,
    no_prompt: bool,
}

/// A request planned and ready to resolve.
struct Prepared {
    plan: Plan,
    resolve: resolve::Options,
    files: Files,
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn prepare(req: Request<'_>) -> Result<Prepared> {
    let target = req
        .profile
        .map(str::to_string)
        .or_else(|| env_var("AWS_PROFILE"))
        .or_else(|| env_var("AWS_DEFAULT_PROFILE"))
        .unwrap_or_else(|| "default".to_string());
    let files = Files::locate(req.config_file, req.credentials_file);
    let config = Config::load(files.clone())?;
    let mut plan_opts = req.plan;
    plan_opts.env_region = env_var("AWS_REGION")
        .or_else(|| env_var("AWS_DEFAULT_REGION"))
        .filter(|region| !set_by_previous_awsume(&config, region));
    let mut target = target;
    if plan_opts.settings.fuzzy_match
        && plan_opts.role_arn.is_none()
        && !config.profiles.contains_key(&target)
    {
        let names: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
        if let Some(closest) = crate::settings::fuzzy(&names, &target) {
            eprintln!("awsume: using profile \"{closest}\" (fuzzy-match)");
            target = closest.to_string();
        }
    }
    let plan = plan::plan(&config, &target, &plan_opts)?;
    if plan_opts.role_arn.is_some()
        && plan_opts.source_profile.is_none()
        && resolve::environment_credentials().is_err()
    {
        anyhow::bail!(
            "--role-arn {}: this shell has no credentials to assume it with (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); name a profile with --source-profile",
            plan.profile
        );
    }
    if req.debug || req.info {
        eprintln!(
            "awsume: {}: profile \"{}\": {} from \"{}\", {} role hop(s), MFA session: {}, region: {}",
            if req.debug { "debug" } else { "info" },
            plan.profile,
            plan.source.kind(),
            plan.source_profile,
            plan.hops.len(),
            plan.mfa_session.as_deref().unwrap_or("none"),
            plan.region.as_deref().unwrap_or("none")
        );
    }
    let resolve = resolve::Options {
        refresh: req.refresh,
        mfa_token: req.mfa_token.cloned(),
        debug: req.debug,
        info: req.info,
        cache: SessionCache::new(&home_dir()),
        ensure_temporary: req.ensure_temporary,
        timeout: std::time::Duration::from_secs(req.timeout.max(1)),
        sso_login: req.sso_login,
        open_browser: !req.no_browser,
        no_prompt: req.no_prompt,
    };
    Ok(Prepared { plan, resolve, files })
}

/// Whether `region` is the one awsume set for the profile the shell has now (`AWSUME_PROFILE`): such
/// a region is that profile's, not the user's default, and must not follow them to the next profile.
fn set_by_previous_awsume(config: &Config, region: &str) -> bool {
    env_var("AWSUME_PROFILE")
        .and_then(|previous| plan::plan(config, &previous, &plan::Options::default()).ok())
        .is_some_and(|p| p.region.as_deref() == Some(region))
}

pub fn awsume(args: AwsumeArgs) -> Result<ExitCode> {
    // Text for the user: through the shell function it is printed, never evaluated.
    let show = |text: &str| -> Result<()> {
        match args.emit {
            Some(shell) => deliver::stdout(&deliver::shell::print(shell, text)),
            None => deliver::stdout(text),
        }
    };
    let files = || Files::locate(args.config_file.as_deref(), args.credentials_file.as_deref());
    if let Some(mode) = &args.list_profiles {
        return list_profiles(&args, mode == "more", show);
    }
    if let Some(operation) = &args.config {
        show(&settings::command(&settings::path(&home_dir()), operation)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.clean {
        let path = files().credentials;
        let removed = deliver::credfile::clean(&path)?;
        eprintln!(
            "awsume: removed {removed} expired awsume-managed profile(s) from {}",
            crate::files::display(&path)
        );
        show("")?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.who {
        show(&who(args.common.timeout)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let write = |state: State| -> Result<()> {
        let text = match (args.emit, args.show_commands) {
            // -s through the function: statements for --shell, else for the function's shell, printed.
            (Some(shell), true) => {
                deliver::shell::print(shell, &state.statements(args.shell.unwrap_or(shell))?)
            }
            (Some(shell), false) => state.protocol(shell)?,
            (None, _) => state.statements(args.shell.unwrap_or_else(Shell::from_env))?,
        };
        deliver::stdout(&text)
    };
    if args.emit.is_none() && !args.show_commands {
        let shell = args.shell.unwrap_or_else(Shell::from_env);
        eprintln!(
            "awsume: this command cannot change the shell it runs in: {} (or add -s to print the commands)",
            crate::init::load_hint(shell)
        );
        return Ok(ExitCode::FAILURE);
    }
    if args.unset {
        write(State::unset())?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.kill_refresher {
        // Auto-refresh is the shell's prompt hook, not a process: nothing to signal, only to stop.
        write(State::stop_refresh())?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.refresh_hook {
        return refresh_hook(&args, write);
    }
    let settings = Settings::load(&settings::path(&home_dir()))?;
    let margin = settings.auto_refresh_margin;
    if args.auto_refresh
        && let Some(section) = &args.output_profile
        && let Some(flag) = replayed_flags(&args).first()
    {
        anyhow::bail!(
            "-a -o {section}: the profile it writes renews with `awsume export --profile PROFILE`, which cannot repeat --{}; use -o without -a, or put the setting in the profile",
            flag.0
        );
    }
    let Prepared { plan, resolve, files } = prepare(Request {
        profile: args.profile.as_deref().or(args.profile_flag.as_deref()),
        config_file: args.config_file.as_deref(),
        credentials_file: args.credentials_file.as_deref(),
        plan: plan_options(&args, settings)?,
        refresh: args.refresh,
        mfa_token: args.mfa_token.as_ref(),
        debug: args.common.debug,
        info: args.info,
        ensure_temporary: false,
        timeout: args.common.timeout,
        sso_login: args.common.sso_login,
        no_browser: args.common.no_browser,
        no_prompt: false,
    })?;
    if let Some(section) = &args.output_profile {
        check_output_profile(&files, section)?;
    }
    let creds = resolve::resolve(&plan, &resolve)?;
    if let Some(section) = &args.output_profile {
        let body = if args.auto_refresh {
            refreshing_profile(&plan.profile, plan.region.as_deref())?
        } else {
            deliver::credfile::section_body(&creds, plan.region.as_deref())
        };
        let overwrite = deliver::credfile::Overwrite::ManagedOnly;
        deliver::credfile::write(&files.credentials, section, &body, overwrite)?;
    }
    let auto = match (args.auto_refresh, creds.expiration) {
        (false, _) => None,
        (true, None) => {
            eprintln!("awsume: profile \"{}\" has long-term keys: nothing to refresh", plan.profile);
            None
        }
        (true, Some(expiration)) => Some((replay(&args, &plan.profile), (expiration.timestamp() - margin))),
    };
    let auto = auto.as_ref().map(|(replay, at)| (replay.as_str(), *at));
    write(State::new(&plan.profile, &creds, plan.region.as_deref(), plan.exports_profile, auto))?;
    Ok(ExitCode::SUCCESS)
}

/// What the command line adds to the profile's own settings for its plan.
fn plan_options(args: &AwsumeArgs, settings: Settings) -> Result<plan::Options> {
    Ok(plan::Options {
        region: args.region.clone(),
        session_name: args.session_name.clone(),
        role_duration: args.role_duration,
        external_id: args.external_id.clone(),
        env_region: None,
        settings,
        role_arn: args.role_arn.as_deref().map(plan::role_arn).transpose()?,
        source_profile: args.source_profile.clone(),
        session: plan::SessionOptions {
            tags: args.tags.as_deref().map(plan::tags).transpose()?.unwrap_or_default(),
            policy: args.session_policy.as_deref().map(session_policy).transpose()?,
            policy_arns: args.session_policy_arns.clone(),
            source_identity: args.source_identity.clone(),
        },
    })
}

/// The flags `-a` repeats at each renewal, as given: whatever shapes the plan besides the profile
/// (`--role-arn` cannot go with `-a`; the region is the shell's).
fn replayed_flags(args: &AwsumeArgs) -> Vec<(&'static str, String)> {
    // Paths as absolute: the prompt that renews may be in another directory.
    let absolute = |p: &Path| {
        let p = crate::config::expand_tilde(p);
        std::path::absolute(&p).unwrap_or(p).to_string_lossy().into_owned()
    };
    let path = |p: &Option<std::path::PathBuf>| p.as_deref().map(absolute);
    let policy = args.session_policy.as_deref().map(|v| match v.strip_prefix("file://") {
        Some(file) => format!("file://{}", absolute(Path::new(file))),
        None => v.to_string(),
    });
    [
        ("session-name", args.session_name.clone()),
        ("role-duration", args.role_duration.map(|d| d.to_string())),
        ("external-id", args.external_id.clone()),
        ("tags", args.tags.clone()),
        ("session-policy", policy),
        ("session-policy-arns", Some(args.session_policy_arns.join(",")).filter(|a| !a.is_empty())),
        ("source-identity", args.source_identity.clone()),
        ("config-file", path(&args.config_file)),
        ("credentials-file", path(&args.credentials_file)),
    ]
    .into_iter()
    .filter_map(|(flag, value)| value.map(|v| (flag, v)))
    .collect()
}

/// `$AWSUME_AUTO_REFRESH`: the command line the prompt hook renews with, so a renewal keeps the
/// session name, duration, tags… the user chose (CloudTrail sees the same session).
fn replay(args: &AwsumeArgs, profile: &str) -> String {
    // A name clap would read as a flag or a subcommand goes in `--profile=`.
    let misread = profile.starts_with('-') || ["init", "export"].contains(&profile);
    let profile = if misread { format!("--profile={profile}") } else { profile.to_string() };
    let flags = replayed_flags(args).into_iter().map(|(flag, value)| format!("--{flag}={value}"));
    shell_words::join(std::iter::once(profile).chain(flags))
}

/// The prompt hook's call (`-a`): renews the profile in `$AWSUME_AUTO_REFRESH` from the caches,
/// never asking. When a renewal needs a person (MFA session or SSO sign-in ended) or fails, says
/// so once and stops auto-refresh; the credentials stay until they expire.
fn refresh_hook(args: &AwsumeArgs, write: impl Fn(State) -> Result<()>) -> Result<ExitCode> {
    let Some(replay) = env_var("AWSUME_AUTO_REFRESH") else {
        write(State::stop_refresh())?;
        return Ok(ExitCode::SUCCESS);
    };
    let again = shell_words::split(&replay)
        .ok()
        .and_then(|words| Cli::try_parse_from(std::iter::once("awsume".to_string()).chain(words)).ok())
        .map(|cli| cli.args);
    let profile = again.as_ref().and_then(|a| a.profile.clone().or(a.profile_flag.clone()));
    let profile = profile.unwrap_or_else(|| replay.clone());
    let renewed = (|| -> Result<State> {
        let again = again.context("$AWSUME_AUTO_REFRESH is not an awsume command line")?;
        let settings = Settings::load(&settings::path(&home_dir()))?;
        let margin = settings.auto_refresh_margin;
        // The shell's region stays what it is, whichever flag or profile set it.
        let plan = plan::Options { region: env_var("AWS_REGION"), ..plan_options(&again, settings)? };
        let Prepared { plan, resolve, .. } = prepare(Request {
            profile: Some(&profile),
            config_file: again.config_file.as_deref(),
            credentials_file: again.credentials_file.as_deref(),
            plan,
            refresh: false,
            mfa_token: None,
            debug: args.common.debug,
            info: args.info,
            ensure_temporary: false,
            timeout: args.common.timeout,
            sso_login: false,
            no_browser: true,
            no_prompt: true,
        })?;
        let creds = resolve::resolve(&plan, &resolve)?;
        let expiration = creds.expiration.map_or(i64::MAX, |t| t.timestamp());
        let mut at = expiration - margin;
        // Credentials that came from a cache unchanged cannot renew sooner: try again at their end.
        if at <= chrono::Utc::now().timestamp()
            && Some(&creds.access_key_id) == env_var("AWS_ACCESS_KEY_ID").as_ref()
        {
            at = expiration;
        }
        Ok(State::new(
            &plan.profile,
            &creds,
            plan.region.as_deref(),
            plan.exports_profile,
            Some((&replay, at)),
        ))
    })();
    match renewed {
        Ok(state) => write(state)?,
        Err(e) => {
            let text = format!("{e:#}").replace(['\n', '\r'], " ");
            eprintln!(
                "awsume: auto-refresh of \"{profile}\" stopped: {text}; run `awsume {replay}` to go on"
            );
            write(State::stop_refresh())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `-a -o NAME`: a profile whose `credential_process` is this binary's `export` of `profile`, for
/// programs that outlive the shell's credentials: SDKs run it again when what it gave expires, and
/// it renews from awsume's caches (an MFA code only when the MFA session has ended).
fn refreshing_profile(profile: &str, region: Option<&str>) -> Result<Vec<(&'static str, String)>> {
    let exe = std::env::current_exe().context("cannot find this program's path")?;
    let exe = exe.to_str().context("this program's path is not UTF-8")?;
    let quote = deliver::shell::posix_quote;
    let mut body =
        vec![("credential_process", format!("{} export --profile {}", quote(exe), quote(profile)))];
    if let Some(region) = region {
        body.push(("region", region.to_string()));
    }
    body.push(("manager", "awsume".to_string()));
    Ok(body)
}

/// `--session-policy`: the JSON itself, or `file://PATH` as the AWS CLI reads it.
fn session_policy(value: &str) -> Result<String> {
    match value.strip_prefix("file://") {
        Some(path) => std::fs::read_to_string(crate::config::expand_tilde(Path::new(path)))
            .with_context(|| format!("--session-policy: cannot read {path}")),
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
            crate::files::display(&profile.file)
        );
    }
    Ok(())
}

/// `--who`: the profile awsume set in this shell and who its credentials are (GetCallerIdentity).
fn who(timeout: u64) -> Result<String> {
    let profile = env_var("AWSUME_PROFILE").unwrap_or_else(|| "none set by awsume".into());
    let creds = resolve::environment_credentials().map_err(|_| {
        anyhow::anyhow!(
            "no credentials in this shell: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set (run `awsume PROFILE`)"
        )
    })?;
    let region =
        env_var("AWS_REGION").or_else(|| env_var("AWS_DEFAULT_REGION")).unwrap_or_else(|| "us-east-1".into());
    let (account, arn, user_id) =
        resolve::caller_identity(&creds, &region, std::time::Duration::from_secs(timeout.max(1)))?;
    let expires = env_var("AWSUME_EXPIRATION").or_else(|| env_var("AWS_CREDENTIAL_EXPIRATION"));
    let mut out = format!(
        "Profile:  {profile}\nAccount:  {account}\nARN:      {arn}\nUserId:   {user_id}\nKey:      {}\n",
        creds.access_key_id
    );
    if let Some(expires) = expires {
        out.push_str(&format!("Expires:  {expires}\n"));
    }
    Ok(out)
}

pub fn export(args: ExportArgs, exec: Vec<String>) -> Result<ExitCode> {
    let Prepared { plan, resolve, files } = prepare(Request {
        profile: args.profile.as_deref(),
        config_file: None,
        credentials_file: None,
        // aws-export-credentials' behaviour: awsume's settings file does not apply.
        plan: plan::Options { region: args.region.clone(), ..Default::default() },
        refresh: args.refresh,
        mfa_token: args.mfa_token.as_ref(),
        debug: args.common.debug,
        info: false,
        ensure_temporary: args.ensure_temporary,
        timeout: args.common.timeout,
        sso_login: args.common.sso_login,
        no_browser: args.common.no_browser,
        no_prompt: false,
    })?;
    let cache = args.cache_file.as_deref().map(|path| ExportCache {
        path,
        profile: &plan.profile,
        role_arn: plan.hops.last().map(|h| h.role_arn.as_str()),
    });
    let creds = cached_or_resolved(cache.as_ref(), &args, &plan, &resolve)?;
    let region = plan.region.as_deref();
    if let Some((kind, at)) = match (&args.imds, &args.container) {
        (Some(at), _) => Some((deliver::server::Kind::Imds, at)),
        (None, Some(at)) => Some((deliver::server::Kind::Container, at)),
        (None, None) => None,
    } {
        let refresh = || {
            let fresh = resolve::resolve(&plan, &resolve)?;
            cache.as_ref().map(|c| c.write(&fresh)).transpose()?;
            Ok(fresh)
        };
        return serve(kind, at, creds, refresh);
    }
    if args.exec {
        return deliver::exec::exec(&exec, &creds, region);
    }
    if let Some(section) = &args.credentials_file_profile {
        let body = deliver::credfile::section_body(&creds, region);
        let overwrite = deliver::credfile::Overwrite::UnlessUserKeys { force: args.force };
        deliver::credfile::write(&files.credentials, section, &body, overwrite)?;
        return Ok(ExitCode::SUCCESS);
    }
    let text = if args.env || args.env_export {
        deliver::env::render(&creds, region, args.env_export)
    } else {
        deliver::json::render(&creds, args.pretty || !args.json)
    };
    deliver::stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `--imds` / `--container`: tells the user how to point SDKs at the server, then serves.
fn serve(
    kind: deliver::server::Kind,
    at: &str,
    creds: Credentials,
    refresh: impl FnMut() -> Result<Credentials>,
) -> Result<ExitCode> {
    use deliver::server::{Kind, address, container_token};
    let listener =
        std::net::TcpListener::bind(address(at)?).with_context(|| format!("cannot listen on {at}"))?;
    let bound = listener.local_addr()?;
    let token = match kind {
        Kind::Container => Some(container_token()?),
        Kind::Imds => None,
    };
    match (kind, &token) {
        (Kind::Imds, _) => eprintln!(
            "awsume: serving IMDSv2 on http://{bound}: set AWS_EC2_METADATA_SERVICE_ENDPOINT=http://{bound}/ (Ctrl-C to stop)"
        ),
        (Kind::Container, Some(token)) if std::env::var_os("AWS_CONTAINER_AUTHORIZATION_TOKEN").is_none() => {
            eprintln!(
                "awsume: serving container credentials on http://{bound}/: set AWS_CONTAINER_CREDENTIALS_FULL_URI=http://{bound}/ AWS_CONTAINER_AUTHORIZATION_TOKEN={} (Ctrl-C to stop)",
                token.expose()
            )
        }
        (Kind::Container, _) => eprintln!(
            "awsume: serving container credentials on http://{bound}/: set AWS_CONTAINER_CREDENTIALS_FULL_URI=http://{bound}/ (Ctrl-C to stop)"
        ),
    }
    deliver::server::serve(kind, listener, token.as_ref(), creds, refresh)?;
    Ok(ExitCode::SUCCESS)
}

/// `--cache-file`: a valid entry for this identity, else resolve and store the result.
fn cached_or_resolved(
    cache: Option<&ExportCache>,
    args: &ExportArgs,
    plan: &Plan,
    opts: &resolve::Options,
) -> Result<Credentials> {
    if let Some(cache) = cache.filter(|_| !args.refresh) {
        let buffer = chrono::Duration::minutes(args.cache_expiration_buffer);
        match cache.read(chrono::Utc::now(), buffer) {
            Ok(Some(creds)) => {
                if args.common.debug {
                    eprintln!("awsume: debug: credentials from {}", crate::files::display(cache.path));
                }
                return Ok(creds);
            }
            Ok(None) => {}
            Err(e) if args.common.debug => eprintln!("awsume: debug: not using the cache: {e:#}"),
            Err(_) => {}
        }
    }
    let creds = resolve::resolve(plan, opts)?;
    if let Some(cache) = cache {
        cache.write(&creds)?;
    }
    Ok(creds)
}

fn list_profiles(args: &AwsumeArgs, more: bool, show: impl Fn(&str) -> Result<()>) -> Result<ExitCode> {
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
                let mut row = vec![
                    name.clone(),
                    match &p.source {
                        _ if !p.hops.is_empty() => "role".to_string(),
                        plan::Source::Sso(sso) if resolve::sso_signed_in(sso) => {
                            "SSO (signed in)".to_string()
                        }
                        plan::Source::Sso(_) => "SSO (sign-in needed)".to_string(),
                        source => source.kind().to_string(),
                    },
                    match (&p.source, p.hops.last()) {
                        (_, Some(hop)) => hop.role_arn.clone(),
                        (plan::Source::Sso(sso), None) => format!("{} in {}", sso.role_name, sso.account_id),
                        _ => "-".into(),
                    },
                    if p.source_profile == *name { "-".into() } else { p.source_profile.clone() },
                    p.mfa_session
                        .clone()
                        .or_else(|| p.hops.iter().find_map(|h| h.mfa_serial.clone()))
                        .unwrap_or_else(|| "-".into()),
                    p.region.clone().unwrap_or_else(|| "-".into()),
                ];
                if more {
                    row.push(account_of(&p).unwrap_or_else(|| "-".into()));
                    row.push(
                        resolve::cached_expiry(&p, &cache)
                            .map(crate::cache::format_local)
                            .unwrap_or_else(|| "-".into()),
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
    let widths: Vec<usize> =
        (0..rows[0].len()).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in &rows {
        let line: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    show(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// The account a profile's credentials belong to, as far as the files tell (no network).
fn account_of(plan: &Plan) -> Option<String> {
    let from_arn = |arn: &str| arn.split(':').nth(4).filter(|a| !a.is_empty()).map(str::to_string);
    match (&plan.source, plan.hops.last()) {
        (_, Some(hop)) => from_arn(&hop.role_arn),
        (plan::Source::Sso(sso), None) => Some(sso.account_id.clone()),
        (plan::Source::WebIdentity { role_arn, .. }, None) => from_arn(role_arn),
        _ => plan.mfa_session.as_deref().and_then(from_arn),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::replay;
    use crate::cli::Cli;

    fn replay_of(argv: &[&str], profile: &str) -> String {
        let cli = Cli::try_parse_from([&["awsume"], argv].concat()).unwrap();
        replay(&cli.args, profile)
    }

    #[test]
    fn replay_repeats_what_shapes_the_plan_and_parses_back() {
        assert_eq!(replay_of(&["prod", "-a", "--region", "eu-west-1", "-r"], "prod"), "prod");
        let line = replay_of(
            &["my prof", "-a", "--session-name", "it's me", "--role-duration", "900", "-t", "a=b,c=d"],
            "my prof",
        );
        assert_eq!(line, "'my prof' '--session-name=it'\\''s me' '--role-duration=900' '--tags=a=b,c=d'");
        let again = Cli::try_parse_from(
            std::iter::once("awsume".to_string()).chain(shell_words::split(&line).unwrap()),
        )
        .unwrap()
        .args;
        assert_eq!(again.profile.as_deref(), Some("my prof"));
        assert_eq!(again.session_name.as_deref(), Some("it's me"));
        assert_eq!((again.role_duration, again.tags.as_deref()), (Some(900), Some("a=b,c=d")));
        let cwd = std::env::current_dir().unwrap();
        let files = replay_of(
            &["p", "--config-file", "c", "--credentials-file", "/abs/k", "--session-policy", "file://x.json"],
            "p",
        );
        let expected = [
            "p".to_string(),
            format!("--session-policy=file://{}", cwd.join("x.json").display()),
            format!("--config-file={}", cwd.join("c").display()),
            "--credentials-file=/abs/k".to_string(),
        ];
        assert_eq!(shell_words::split(&files).unwrap(), expected, "relative paths made absolute");
        for name in ["-n", "export", "init"] {
            let line = replay_of(&[&format!("--profile={name}"), "-a"], name);
            assert_eq!(shell_words::split(&line).unwrap(), [format!("--profile={name}")]);
            let again = Cli::try_parse_from(["awsume", &format!("--profile={name}")]).unwrap();
            assert_eq!(again.args.profile_flag.as_deref(), Some(name));
        }
    }
}
