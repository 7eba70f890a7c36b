//! `awsume --config get|set|reset|clear|list`: awsume's settings file, as Python awsume edits it.

use std::process::ExitCode;

use anyhow::Result;

use crate::deliver::Out;
use crate::files::home_dir;
use crate::settings;

pub fn run(operation: &[String], out: &Out) -> Result<ExitCode> {
    out.text(&settings::command(&settings::path(&home_dir()), operation)?)
}
