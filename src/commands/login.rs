//! `awsume NAME --login` (`aws login`, `--remote` from another device's browser: the profile gets `login_session`, then is
//! set as `awsume NAME` would set it) and `awsume NAME --logout` (the session's cache entry goes).

use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::AwsumeArgs;
use crate::config::{Config, edit};
use crate::deliver::Out;
use crate::files::display;
use crate::messages;
use crate::settings::Settings;
use crate::{resolve, signin};

/// The profile named on the command line, else by the environment: sign-in needs a name.
fn profile_name(args: &AwsumeArgs) -> Result<String> {
    match args.profile.clone().or_else(|| args.profile_flag.clone()).or_else(crate::environment::profile) {
        Some(name) => Ok(name),
        None => bail!("--login and --logout need a profile: awsume NAME --login"),
    }
}

pub fn login(args: &AwsumeArgs, out: &Out) -> Result<ExitCode> {
    let name = profile_name(args)?;
    // Checked before a sign-in is started: the name becomes a section header.
    let header = edit::profile_header(&name)?;
    let files = crate::request::files(args);
    let config = Config::load(files.clone())?;
    let settings = Settings::user()?;
    let own_region = config.profiles.get(&name).and_then(|p| p.get("region")).map(str::to_string);
    let region = args
        .common
        .region
        .clone()
        .or_else(|| own_region.clone())
        .or_else(|| settings.region.clone())
        .or_else(crate::environment::region)
        .unwrap_or_else(|| "us-east-1".into());
    let browser = (!args.common.no_browser).then(|| settings.browser());
    let timeout = crate::request::timeout(&args.common);
    let port = match config.profiles.get(&name) {
        Some(profile) => crate::plan::redirect_port(profile, "login_redirect_port")?,
        None => None,
    };
    crate::signin::callback::set_ports(args.common.redirect_port, settings.redirect_port);
    // --force: the console session this profile has is forgotten first, as --logout forgets it.
    if let Some(arn) =
        config.profiles.get(&name).and_then(|p| p.get("login_session")).filter(|_| args.common.force)
        && signin::login::sign_out(arn)?
    {
        messages::note(&format!("signed out of {arn}: signing in anew"));
    }
    let signed =
        signin::login::sign_in_now(&name, &region, args.common.remote, browser.as_ref(), port, timeout)?;
    resolve::confirm_session(&signed.credentials);
    let arn = signed.arn;
    let mut keys = vec![("login_session", arn.as_str())];
    if own_region.is_none() {
        keys.push(("region", region.as_str()));
    }
    edit::update(&files.config, edit::Holds::Settings, |text| edit::set_keys(text, &header, &keys))?;
    messages::note(&format!("profile \"{name}\" in {} signs in as {arn}", display(&files.config)));
    super::awsume::run(args, out)
}

pub fn logout(args: &AwsumeArgs, out: &Out) -> Result<ExitCode> {
    let name = profile_name(args)?;
    let config = Config::load(crate::request::files(args))?;
    let profile = config.profile(&name)?;
    let Some(arn) = profile.get("login_session") else {
        bail!("{}: no login_session to sign out of", profile.at());
    };
    if signin::login::sign_out(arn)? {
        messages::note(&format!("signed out of {arn}: its cached session is gone"));
    } else {
        messages::note(&format!("no cached session for {arn}"));
    }
    out.text("")
}
