//! awsume: one binary that gets AWS credentials for any profile and delivers them to a shell, a
//! command, a file or a credential_process consumer. `main` dispatches and prints errors, once.

mod cache;
mod cli;
mod commands;
mod complete;
mod config;
mod credentials;
mod deliver;
mod files;
#[cfg(test)]
mod fuzz_tests;
mod init;
mod plan;
mod resolve;
mod settings;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, ExportCli};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            // One line for people: `awsume: outer: inner`, never a type name or a backtrace.
            let text = format!("{err:#}").replace(['\n', '\r'], " ");
            eprintln!("awsume: {text}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let args: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    let program = args.first().map(|a| a.rsplit('/').next().unwrap_or(a)).unwrap_or("awsume");
    if args.get(1).is_some_and(|a| a == "--complete") {
        complete::run(&args[2..])?;
        return Ok(ExitCode::SUCCESS);
    }
    if program == "aws-export-credentials" {
        let (args, exec) = split_exec(args);
        return commands::export(ExportCli::parse_from(args).args, exec);
    }
    if args.get(1).is_some_and(|a| a == "export") {
        let (args, exec) = split_exec(args);
        if let Some(Command::Export(export)) = Cli::parse_from(args).command {
            return commands::export(export, exec);
        }
        unreachable!("`export` always parses as the export subcommand");
    }
    let emit = emit_shell(&args);
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version are text for the user; through the shell function they must
            // be printed, never evaluated.
            let text = e.render().to_string();
            deliver::stdout(&emit.map_or_else(|| text.clone(), |shell| deliver::shell::print(shell, &text)))?;
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => e.exit(),
    };
    if emit.is_some() && cli.command.is_some() {
        // Their output is not state for the function to apply (JSON, a script, a child's output).
        anyhow::bail!(
            "export and init must come first to pass through the shell function (`awsume export …`), or run the binary itself: `command awsume …`"
        );
    }
    match cli.command {
        Some(Command::Init(init)) => {
            deliver::stdout(&init::render(init.shell, &init.cmd))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Export(export)) => commands::export(export, Vec::new()),
        None => commands::awsume(cli.args),
    }
}

/// The shell named by `--emit SHELL` (the shell function's call), read before clap runs.
fn emit_shell(args: &[String]) -> Option<deliver::shell::Shell> {
    use clap::ValueEnum;
    let value = args.iter().enumerate().find_map(|(i, a)| match a.strip_prefix("--emit") {
        Some("") => args.get(i + 1).map(String::as_str),
        Some(rest) => rest.strip_prefix('='),
        None => None,
    })?;
    deliver::shell::Shell::from_str(value, true).ok()
}

/// Everything after `--exec` is the command to run, never our flags.
fn split_exec(mut args: Vec<String>) -> (Vec<String>, Vec<String>) {
    match args.iter().position(|a| a == "--exec") {
        Some(i) => {
            let command = args.split_off(i + 1);
            (args, command)
        }
        None => (args, Vec::new()),
    }
}
