//! `awsume --clean`: removes expired awsume-managed profiles from the credentials file, and the kept
//! outputs of other tools' commands that have ended.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::AwsumeArgs;
use crate::deliver::Out;
use crate::deliver::credfile;
use crate::files::display;
use crate::messages;

pub fn run(args: &AwsumeArgs, out: &Out) -> Result<ExitCode> {
    let path = crate::request::files(args).credentials;
    let removed = credfile::clean(&path)?;
    messages::note(&format!("removed {removed} expired awsume-managed profile(s) from {}", display(&path)));
    let settings = crate::settings::Settings::user()?;
    let ended = crate::cache::ProcessCache::new(settings.role_cache_margin).clean();
    messages::note(&format!(
        "removed {ended} ended command output(s) from {}",
        display(&crate::files::cache_home())
    ));
    out.text("")
}
