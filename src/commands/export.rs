//! `awsume export` (and the binary named `aws-export-credentials`): credential_process JSON, env
//! lines, the AWS CLI's `--format`s, `--exec` (with `--serve`: through an endpoint of its own), a
//! credentials-file profile, or a credentials server (`--imds`, `--container`), as
//! aws-export-credentials and `aws configure export-credentials` do.

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};

use crate::cache::ExportCache;
use crate::cli::ExportArgs;
use crate::credentials::Credentials;
use crate::deliver::{self, credfile, server};
use crate::messages::{self, debug};
use crate::plan::{self, Plan};
use crate::request::{Prepared, Request, prepare};
use crate::resolve;

/// Flags that go only with others, checked before anything is resolved.
fn check_flags(args: &ExportArgs) -> Result<()> {
    if args.common.force && args.credentials_file_profile.is_none() && !args.common.sso_login {
        anyhow::bail!("--force goes with -c (overwrite keys you wrote) or --sso-login (sign out first)");
    }
    if args.bind.is_some() && args.imds.is_none() && args.container.is_none() {
        anyhow::bail!("--bind is the address of --imds or --container: give one of them");
    }
    Ok(())
}

pub fn run(args: ExportArgs, exec: Vec<String>) -> Result<ExitCode> {
    messages::set_level(args.common.info, args.common.debug);
    check_flags(&args)?;
    // Run as a profile's own credential_process (directly or through others): stop at once.
    let named = args.profile.clone().or_else(crate::environment::profile);
    let chain = resolve::enter_profile_chain(named.as_deref().unwrap_or("default"))?;
    // aws-export-credentials' behaviour: awsume's settings file does not apply.
    // aws-export-credentials' behaviour: botocore's default chain when no profile is named.
    let mut request = Request {
        ensure_temporary: args.ensure_temporary,
        default_chain: true,
        ..Request::new(args.profile.as_deref(), &args.common)
    };
    if args.agent.is_some() {
        // The one part of awsume's settings `export` reads: the agent's defaults.
        request.plan.agent = args.agent.clone();
        request.plan.settings.agent = crate::settings::Settings::user()?.agent;
    }
    let Prepared { plan, mut options, files } = prepare(request)?;
    options.profile_chain = Some(chain);
    let cache = args.cache_file.as_deref().map(|path| ExportCache {
        path,
        profile: &plan.profile,
        role_arn: plan.hops.last().map(|h| h.role_arn.as_str()),
    });
    let creds = cached_or_resolved(cache.as_ref(), &args, &plan, &options)?;
    let region = plan.region.as_deref();
    let served = match (&args.imds, &args.container) {
        (Some(at), _) => Some((server::Kind::Imds, at)),
        (None, Some(at)) => Some((server::Kind::Container, at)),
        (None, None) => None,
    };
    if let Some((kind, at)) = served {
        let refresh = || {
            let fresh = resolve::resolve(&plan, &options)?;
            cache.as_ref().map(|c| c.write(&fresh)).transpose()?;
            Ok(fresh)
        };
        let listen =
            deliver::endpoint::Listen { at, bind: args.bind, allow_remote: args.allow_remote, tls: args.tls };
        deliver::endpoint::run(kind, &listen, creds, refresh)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.exec {
        // An agent's process gets an endpoint, never keys.
        let serve = args.serve
            || args.agent.is_some()
            || crate::settings::Settings::user().is_ok_and(|s| s.exec_serve);
        if serve && creds.expiration.is_some() {
            let refresh = || resolve::resolve(&plan, &options);
            let settings = child_settings(&files, &plan.profile)?;
            return serve_exec(&exec, creds, region, &settings, refresh);
        }
        if serve {
            messages::note(
                "long-term keys do not end: the command gets them as --exec gives them, no endpoint",
            );
        }
        return deliver::exec::exec(&exec, &creds, region);
    }
    if let Some(section) = &args.credentials_file_profile {
        let body = credfile::section_body(&creds, region);
        let overwrite = credfile::Overwrite::UnlessUserKeys { force: args.common.force };
        credfile::write(&files.credentials, section, &body, overwrite)?;
        return Ok(ExitCode::SUCCESS);
    }
    let text = if let Some(format) = args.format {
        deliver::env::render_format(&creds, format)?
    } else if args.env || args.env_export {
        deliver::env::render(&creds, region, args.env_export)
    } else {
        deliver::json::render(&creds, args.pretty || !args.json)
    };
    deliver::stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// The settings of `[default]` and of `profile` (which wins) that a child of `--serve --exec` keeps
/// in the AWS files of its own (`deliver::exec::ChildFiles`): its region, output, retries, S3 and
/// endpoint settings, never a credential or a pointer to one.
fn child_settings(files: &crate::config::Files, profile: &str) -> Result<Vec<(String, String)>> {
    let config = crate::config::Config::load_reaching(files.clone(), profile, &[])?;
    let mut settings: Vec<(String, String)> = Vec::new();
    for source in [config.profiles.get("default"), config.profiles.get(profile)].into_iter().flatten() {
        for key in deliver::exec::CHILD_SETTINGS {
            if let Some(value) = source.get(key) {
                settings.retain(|(k, _)| k != key);
                settings.push((key.to_string(), value.to_string()));
            }
        }
    }
    Ok(settings)
}

/// `--exec` with `--serve`: the command gets a container credentials endpoint of its own (loopback,
/// a free port, a fresh token) that renews the session inside the AWS CLI's 15-minute window, and
/// no keys; the endpoint closes when the command ends.
fn serve_exec(
    argv: &[String],
    creds: Credentials,
    region: Option<&str>,
    settings: &[(String, String)],
    refresh: impl FnMut() -> Result<Credentials> + Send,
) -> Result<ExitCode> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).context("cannot listen on 127.0.0.1")?;
    let bound = listener.local_addr()?;
    let token = crate::credentials::Secret::new(crate::encoding::random_hex(24)?);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let server = scope.spawn(|| {
            server::serve(server::Kind::Container, listener, Some(&token), None, creds, refresh, &stop)
        });
        let endpoint = deliver::exec::Endpoint { url: format!("http://{bound}/"), token: &token };
        let status = deliver::exec::run_served(argv, &endpoint, region, settings);
        server::wake(bound, &stop);
        if let Ok(Err(e)) = server.join() {
            debug!("the endpoint ended with: {e:#}");
        }
        status
    })
}

/// `--cache-file`: a valid entry for this identity, else resolve and store the result.
fn cached_or_resolved(
    cache: Option<&ExportCache>,
    args: &ExportArgs,
    plan: &Plan,
    opts: &resolve::Options,
) -> Result<Credentials> {
    if let Some(cache) = cache.filter(|_| !args.common.refresh) {
        let buffer = chrono::Duration::minutes(args.cache_expiration_buffer);
        match cache.read(chrono::Utc::now(), buffer) {
            Ok(Some(creds)) => {
                debug!("credentials from {}", crate::files::display(cache.path));
                return Ok(creds);
            }
            Ok(None) => {}
            Err(e) => debug!("not using the cache: {e:#}"),
        }
    }
    let creds = resolve::resolve(plan, opts).map_err(|e| match plan.link {
        // The last link of the default chain: say what came before it, too.
        Some(plan::Link::InstanceMetadata) => {
            let profile = crate::environment::profile();
            e.context(format!(
                "no credentials found: {}",
                plan::chain_tried(profile.as_deref().unwrap_or("default"))
            ))
        }
        _ => e,
    })?;
    if let Some(cache) = cache {
        cache.write(&creds)?;
    }
    Ok(creds)
}
