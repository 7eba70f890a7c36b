//! The AWS console, built in with awsume console plugin's spellings: `-c` opens it signed in as the
//! profile (without one, as this shell's credentials), `-cl` prints the sign-in link, `-cs SVC` and
//! `-csl SVC` land on a service. The link is a credential for 15 minutes: printed only when asked.

use std::process::ExitCode;

use anyhow::Result;

use anyhow::bail;

use crate::browser::Place;
use crate::cli::AwsumeArgs;
use crate::config::{Config, Profile};
use crate::credentials::Credentials;
use crate::deliver::Out;
use crate::deliver::shell::State;
use crate::environment;
use crate::plan::{self, Plan};
use crate::resolve;
use crate::settings::Settings;
use crate::signin::console::Console;

/// The console plugin's service aliases (name → console path), before `console.services` from
/// config.yaml; any other name is a console path as it is, and a whole URL is taken as the place.
pub const SERVICES: &[(&str, &str)] = &[
    ("api", "apigateway"),
    ("cfn", "cloudformation"),
    ("cfnt", "cloudfront"),
    ("code", "codesuite"),
    ("codebuild", "codesuite/codebuild"),
    ("codecommit", "codesuite/codecommit"),
    ("codedeploy", "codesuite/codedeploy"),
    ("codepipeline", "codesuite/codepipeline"),
    ("cw", "cloudwatch"),
    ("ddb", "dynamodb"),
    ("eb", "elasticbeanstalk"),
    ("ec2", "ec2"),
    ("ecr", "ecr"),
    ("ecs", "ecs"),
    ("eks", "eks"),
    ("iam", "iam"),
    ("kms", "kms"),
    ("lambda", "lambda"),
    ("lightsail", "ls"),
    ("logs", "cloudwatch"),
    ("org", "organizations"),
    ("r53", "route53"),
    ("rds", "rds"),
    ("route", "route53"),
    ("s3", "s3"),
    ("sar", "serverlessrepo"),
    ("secrets", "secretsmanager"),
    ("sfn", "states"),
    ("sgw", "storagegateway"),
    ("sns", "sns"),
    ("sqs", "sqs"),
    ("ssm", "systems-manager"),
    ("sso", "singlesignon"),
    ("stepfunctions", "states"),
    ("vpc", "vpc"),
    ("waf", "wafv2"),
    ("wat", "wellarchitected"),
];

pub fn asked(args: &AwsumeArgs) -> bool {
    args.console || args.console_link || args.console_service.is_some() || args.console_service_link.is_some()
}

/// The plugin's flags clap cannot read as typed (`-cl` would be `-c -l`), in their long form.
pub fn plugin_spellings(args: Vec<String>) -> Vec<String> {
    let mut rest = false;
    args.into_iter()
        .map(|arg| {
            rest |= arg == "--";
            let long = match arg.as_str() {
                _ if rest => None,
                "-cl" => Some("--console-link"),
                "-cs" => Some("--console-service"),
                "-csl" | "-cls" => Some("--console-service-link"),
                _ => None,
            };
            long.map_or(arg, String::from)
        })
        .collect()
}

/// What the flags ask for: the link or a browser, and where the console should open.
fn request(args: &AwsumeArgs, settings: &Settings, name: &str) -> Console {
    let service =
        args.console_service_link.as_deref().or(args.console_service.as_deref()).unwrap_or("console");
    let path = settings
        .console
        .services
        .iter()
        .find(|(alias, _)| alias == service)
        .map(|(_, path)| path.as_str())
        .or_else(|| SERVICES.iter().find(|(alias, _)| *alias == service).map(|(_, path)| *path))
        .unwrap_or(service);
    Console { destination: path.to_string(), name: name.to_string(), duration: args.role_duration }
}

/// The sign-in link in the user's browser (in the profile's browser profile and container), kept
/// out of every argv.
fn open(settings: &Settings, url: &str, profile: &str, place: &Place) -> Result<()> {
    settings
        .browser()
        .open_in(url, profile, place)
        .map(crate::browser::Opened::handed_over)
        .map_err(|e| anyhow::anyhow!("{e:#}; print the link instead with -cl"))
}

/// Where `profile`'s console opens: its `console_browser_profile`, else the setting's.
/// `console_container` is refused with the reason: Firefox takes a container extension's link from
/// its command line but not from the page awsume opens (a `file://` page cannot open `ext+` links;
/// tried with Firefox ESR 153), and on the command line the link would show the sign-in URL to
/// every local user.
fn place(settings: &Settings, profile: Option<&Profile>) -> Result<Place> {
    let own = |key: &str| profile.and_then(|p| p.get(key)).map(str::to_string);
    if let (Some(profile), Some(name)) = (profile, own("console_container")) {
        bail!(
            "profile \"{}\": console_container {name:?}: awsume cannot open a Firefox container without putting the sign-in link in a command line every local user can read (Firefox takes an extension's ext+ link only from its command line, not from awsume's private page); give the profile a Firefox profile of its own instead: console_browser_profile, with firefox -P {{browser_profile}} {{url}}",
            profile.name
        );
    }
    let browser_profile = own("console_browser_profile").or_else(|| settings.console.browser_profile.clone());
    Ok(Place { browser_profile })
}

/// The named profile's own settings, when the files define it (read once per run).
fn own_profile(args: &AwsumeArgs, name: Option<&str>) -> Result<Option<Profile>> {
    let Some(name) = name else { return Ok(None) };
    Ok(Config::load_reaching(crate::request::files(args), name, &[])?.profiles.remove(name))
}

/// `--console-opt-in`: the console's multi-session opt-in page, opened as `-c` opens the console.
pub fn opt_in(args: &AwsumeArgs, out: &Out) -> Result<ExitCode> {
    let settings = Settings::user()?;
    let profile = args.profile.as_deref().or(args.profile_flag.as_deref());
    let own = own_profile(args, profile)?;
    let place = place(&settings, own.as_ref())?;
    let own_region = own.as_ref().and_then(|p| p.get("region")).map(str::to_string);
    let region = args
        .common
        .region
        .clone()
        .or(own_region)
        .or_else(environment::region)
        .unwrap_or_else(|| "us-east-1".into());
    let url = crate::signin::console::opt_in_url(&region)?;
    crate::messages::say(&format!(
        "opening the console's multi-session opt-in for {region} (once per browser profile; a page that says 400 means it is on already)"
    ));
    open(&settings, &url, profile.unwrap_or("awsume"), &place)?;
    out.text("")
}

fn link(args: &AwsumeArgs) -> bool {
    args.console_link || args.console_service_link.is_some()
}

/// After `awsume PROFILE` resolved `creds` for the shell: the console for the same profile, with
/// the shell's new state applied alongside.
pub fn with_state(
    args: &AwsumeArgs,
    settings: &Settings,
    plan: &Plan,
    opts: &resolve::Options,
    creds: &Credentials,
    state: &State,
    out: &Out,
) -> Result<ExitCode> {
    // Where it would open is settled before a sign-in link exists.
    let profile = Some(plan.profile.as_str()).filter(|_| args.role_arn.is_none() && !link(args));
    let place = place(settings, own_profile(args, profile)?.as_ref())?;
    let url = resolve::console_url(plan, opts, creds, &request(args, settings, &plan.profile))?;
    if link(args) {
        return out.state_and_text(state, Some(&format!("{url}\n")));
    }
    open(settings, &url, &plan.profile, &place)?;
    out.state(state)
}

/// `awsume -c` (and `-cl`, `-cs`, `-csl`) without a profile: the console as this shell's
/// credentials, as the plugin did; the shell is left as it is.
pub fn here(args: &AwsumeArgs, out: &Out) -> Result<ExitCode> {
    let settings = Settings::user()?;
    let creds = resolve::environment_credentials().map_err(|_| {
        anyhow::anyhow!(
            "no credentials in this shell for the console: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set (name a profile: awsume PROFILE -c)"
        )
    })?;
    let region = args.common.region.clone().or_else(crate::environment::region);
    let plan = plan::environment(region);
    let name = environment::var("AWSUME_PROFILE").unwrap_or_else(|| "awsume".into());
    let opts = crate::request::resolve_options(&args.common, &settings, false);
    let url = resolve::console_url(&plan, &opts, &creds, &request(args, &settings, &name))?;
    if link(args) {
        return out.text(&format!("{url}\n"));
    }
    open(&settings, &url, &name, &place(&settings, None)?)?;
    out.text("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plugins_spellings_become_long_flags() {
        let argv = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            plugin_spellings(argv(&["awsume", "p", "-cl", "-csl", "s3", "-cs", "ec2", "-cls", "x", "-c"])),
            argv(&[
                "awsume",
                "p",
                "--console-link",
                "--console-service-link",
                "s3",
                "--console-service",
                "ec2",
                "--console-service-link",
                "x",
                "-c"
            ])
        );
        assert_eq!(plugin_spellings(argv(&["awsume", "--", "-cl"])), argv(&["awsume", "--", "-cl"]));
    }
}
