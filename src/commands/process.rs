//! `awsume process [--profile-key NAME] -- COMMAND [ARGS]...`: another tool's credential command
//! (okta-aws-cli, gimme-aws-creds, a company's broker) run as credential_process runs it, its JSON
//! checked and kept until it is due, so that every SDK and tool whose `credential_process` is this
//! line shares one run: the others wait on the lock and print what it kept.

use std::process::ExitCode;

use anyhow::Result;

use crate::cache::ProcessCache;
use crate::cli::ProcessArgs;
use crate::deliver;
use crate::resolve::run_credential_command;

pub fn run(args: &ProcessArgs) -> Result<ExitCode> {
    let margin = crate::settings::Settings::user().map(|s| s.role_cache_margin).unwrap_or(15 * 60);
    let cache = ProcessCache::new(margin);
    let path = cache.path("credential_process", &args.command, args.profile_key.as_deref());
    let output = cache.once(&path, args.refresh, || run_credential_command(&args.command))?;
    deliver::stdout(output.expose())?;
    Ok(ExitCode::SUCCESS)
}
