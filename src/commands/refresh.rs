//! Auto-refresh (`-a`): what the shell's prompt hook replays, the hook's own call
//! (`--refresh-hook`), and the self-renewing profile `-a -o NAME` writes for long-running programs.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use crate::cli::{AwsumeArgs, Cli, CommonArgs};
use crate::deliver::Out;
use crate::deliver::shell::{AutoRefresh, State, posix_quote};
use crate::environment;
use crate::files::expand_tilde;
use crate::messages;
use crate::request::{Prepared, Request, prepare};
use crate::resolve;
use crate::settings::Settings;

/// The flags `-a` repeats at each renewal, as given: whatever shapes the plan besides the profile
/// (`--role-arn` cannot go with `-a`; the region is the shell's).
pub fn replayed_flags(args: &AwsumeArgs) -> Vec<(&'static str, String)> {
    // Paths as absolute: the prompt that renews may be in another directory.
    let absolute = |p: &Path| {
        let p = expand_tilde(p);
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
        ("tags", args.tags.as_ref().map(ToString::to_string)),
        ("session-policy", policy),
        ("session-policy-arns", Some(args.session_policy_arns.join(",")).filter(|a| !a.is_empty())),
        ("source-identity", args.source_identity.clone()),
        ("agent", args.agent.clone()),
        ("config-file", path(&args.config_file)),
        ("credentials-file", path(&args.credentials_file)),
    ]
    .into_iter()
    .filter_map(|(flag, value)| value.map(|v| (flag, v)))
    .collect()
}

/// `$AWSUME_AUTO_REFRESH`: the command line the prompt hook renews with, so a renewal keeps the
/// session name, duration, tags… the user chose (CloudTrail sees the same session).
pub fn replay(args: &AwsumeArgs, profile: &str) -> String {
    // A name clap would read as a flag or a subcommand goes in `--profile=`.
    let misread = profile.starts_with('-') || ["init", "export"].contains(&profile);
    let profile = if misread { format!("--profile={profile}") } else { profile.to_string() };
    let flags = replayed_flags(args).into_iter().map(|(flag, value)| format!("--{flag}={value}"));
    shell_words::join(std::iter::once(profile).chain(flags))
}

/// The prompt hook's call (`-a`): renews the profile in `$AWSUME_AUTO_REFRESH` from the caches,
/// never asking. When a renewal needs a person (MFA session or SSO sign-in ended) or fails, says
/// so once and stops auto-refresh; the credentials stay until they expire.
pub fn hook(args: &AwsumeArgs, out: &Out) -> Result<ExitCode> {
    let Some(replay) = environment::var("AWSUME_AUTO_REFRESH") else {
        return out.state(&State::stop_refresh());
    };
    let again = shell_words::split(&replay)
        .ok()
        .and_then(|words| Cli::try_parse_from(std::iter::once("awsume".to_string()).chain(words)).ok())
        .map(|cli| cli.args);
    let profile = again.as_ref().and_then(|a| a.profile.clone().or(a.profile_flag.clone()));
    let profile = profile.unwrap_or_else(|| replay.clone());
    let renewed = (|| -> Result<State> {
        let mut again = again.context("$AWSUME_AUTO_REFRESH is not an awsume command line")?;
        // A renewal asks nobody and keeps the shell's region, whichever flag or profile set it;
        // the hook's own call says how long it may take and how much to tell.
        again.common = CommonArgs {
            region: environment::var("AWS_REGION"),
            mfa_token: None,
            refresh: false,
            sso_login: false,
            no_browser: true,
            ..args.common.clone()
        };
        let settings = Settings::user()?;
        let margin = settings.auto_refresh_margin;
        let request = Request::awsume(&again, settings)?;
        let Prepared { plan, options, .. } = prepare(Request { renewal: true, ..request })?;
        let creds = resolve::resolve(&plan, &options)?;
        let expiration = creds.expiration.map_or(i64::MAX, |t| t.timestamp());
        let mut at = expiration - margin;
        // Credentials that came from a cache unchanged cannot renew sooner: try again at their end.
        if at <= chrono::Utc::now().timestamp()
            && Some(&creds.access_key_id) == environment::var("AWS_ACCESS_KEY_ID").as_ref()
        {
            at = expiration;
        }
        let auto = AutoRefresh { replay: &replay, at };
        Ok(State::new(&plan.profile, &creds, plan.region.as_deref(), plan.exports_profile, Some(auto)))
    })();
    match renewed {
        Ok(state) => out.state(&state),
        Err(e) => {
            messages::note(&format!(
                "auto-refresh of \"{profile}\" stopped: {}; run `awsume {replay}` to go on",
                messages::one_line(&e)
            ));
            out.state(&State::stop_refresh())
        }
    }
}

/// `-a -o NAME`: a profile whose `credential_process` is this binary's `export` of `profile`, for
/// programs that outlive the shell's credentials: SDKs run it again when what it gave expires, and
/// it renews from awsume's caches (an MFA code only when the MFA session has ended).
pub fn refreshing_profile(profile: &str, region: Option<&str>) -> Result<Vec<(&'static str, String)>> {
    let exe = crate::environment::this_program();
    let exe = exe.to_str().context("this program's path is not UTF-8")?;
    let mut body = vec![(
        "credential_process",
        format!("{} export --profile {}", posix_quote(exe), posix_quote(profile)),
    )];
    if let Some(region) = region {
        body.push(("region", region.to_string()));
    }
    body.push(("manager", "awsume".to_string()));
    Ok(body)
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
        assert_eq!(
            (again.role_duration, again.tags.map(|t| t.to_string()).as_deref()),
            (Some(900), Some("a=b,c=d"))
        );
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
