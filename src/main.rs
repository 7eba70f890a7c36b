//! awsume: one binary that gets AWS credentials for any profile and delivers them to a shell, a
//! command, a file or a credential_process consumer. `main` runs a command and prints its error, once.

mod aws;
mod browser;
mod cache;
mod child;
mod cli;
mod commands;
mod config;
mod credentials;
mod deliver;
mod encoding;
mod environment;
mod files;
mod keychain;
mod kubeconfig;
mod messages;
mod plan;
mod request;
mod resolve;
mod runtime;
mod settings;
mod signin;
mod waits;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    commands::run(args).unwrap_or_else(|err| {
        messages::error(&err);
        ExitCode::FAILURE
    })
}
