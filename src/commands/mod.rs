//! The commands, one file each. `run` reads the command line and picks one; a command reads its
//! flags, plans, resolves and hands the result to one delivery. None formats output itself, and
//! none prints an error: that is `main`'s, once.

mod awsume;
mod clean;
mod complete;
mod console;
mod eks;
mod export;
mod init;
mod keys;
mod list;
mod login;
mod mode;
mod pick;
mod process;
mod refresh;
mod settings;
mod sso;
mod who;

pub use init::load_hint;

use mode::Mode;

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use crate::cli::{AwsumeArgs, Cli, Command, ExportCli};
use crate::deliver::{self, Out, shell::Shell};
use crate::messages;

/// Reads the command line and runs what it asks for.
pub fn run(args: Vec<String>) -> Result<ExitCode> {
    let program = args.first().map(|a| a.rsplit('/').next().unwrap_or(a)).unwrap_or("awsume");
    if args.get(1).is_some_and(|a| a == "--complete") {
        return complete::run(&args[2..]);
    }
    if program == "aws-export-credentials" {
        let (args, exec) = split_exec(args);
        return export::run(ExportCli::parse_from(args).args, exec);
    }
    if args.get(1).is_some_and(|a| a == "export") {
        let (args, exec) = split_exec(args);
        return match Cli::parse_from(args).command {
            Some(Command::Export(export)) => export::run(export, exec),
            _ => unreachable!("`export` always parses as the export subcommand"),
        };
    }
    if args.get(1).is_some_and(|a| a == "process") {
        // The command's words are its own: none of ours is rewritten (`-cl`, `--emit`).
        return match Cli::parse_from(args).command {
            Some(Command::Process(process)) => process::run(&process),
            _ => unreachable!("`process` always parses as the process subcommand"),
        };
    }
    let mut out = Out { emit: emit_shell(&args), show_commands: false, shell: None };
    let args = console::plugin_spellings(args);
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        // --help and --version are text for the user: through the shell function they are printed.
        Err(e) if !e.use_stderr() => return out.text(&e.render().to_string()),
        Err(e) => e.exit(),
    };
    if out.emit.is_some() && cli.command.is_some() {
        // Their output is not state for the function to apply (JSON, a script, a child's output).
        anyhow::bail!(
            "export and init must come first to pass through the shell function (`awsume export …`), or run the binary itself: `command awsume …`"
        );
    }
    match cli.command {
        Some(Command::Init(init)) => init::run(&init),
        Some(Command::Export(export)) => export::run(export, Vec::new()),
        Some(Command::Sso(sso)) => sso::run(sso),
        Some(Command::Keys(keys)) => keys::run(keys),
        Some(Command::Process(process)) => process::run(&process),
        Some(Command::Eks(eks)) => eks::run(eks),
        None => {
            out.show_commands = cli.args.show_commands;
            out.shell = cli.args.shell;
            awsume_mode(cli.args, &out)
        }
    }
}

fn awsume_mode(args: AwsumeArgs, out: &Out) -> Result<ExitCode> {
    messages::set_level(args.common.info, args.common.debug);
    if args.common.force && !args.common.sso_login && !args.login {
        anyhow::bail!("--force goes with --sso-login or --login: it signs out first");
    }
    let mut mode = Mode::of(&args);
    if mode == Mode::Switch && args.profile.is_none() {
        let default_profile_set =
            crate::settings::Settings::user().is_ok_and(|s| s.default_profile.is_some());
        match pick::plain(&args, default_profile_set) {
            pick::Plain::Named => {}
            pick::Plain::Pick => mode = Mode::Pick,
            pick::Plain::Unusable(why) => {
                anyhow::bail!(
                    "no profile named, and {why}: name one (awsume NAME) or pick one on a terminal (awsume --pick)"
                )
            }
        }
    }
    if mode.changes_the_shell(&args) && out.emit.is_none() && !args.show_commands {
        let shell = args.shell.unwrap_or_else(Shell::from_env);
        messages::note(&format!(
            "this command cannot change the shell it runs in: {} (or add -s to print the commands)",
            load_hint(shell)
        ));
        return Ok(ExitCode::FAILURE);
    }
    match mode {
        Mode::RefreshAutocomplete => {
            messages::info!(
                "--refresh-autocomplete: nothing to refresh, completion reads the AWS files each time"
            );
            out.text("")
        }
        Mode::List { more } => list::run(&args, more, out),
        Mode::Settings(operation) => settings::run(&operation, out),
        Mode::Clean => clean::run(&args, out),
        Mode::Who => who::run(&args, out),
        Mode::Unset => out.state(&deliver::shell::State::unset()),
        Mode::StopRefresh => {
            // Auto-refresh is the shell's prompt hook, not a process: nothing to signal, only to stop.
            out.state(&deliver::shell::State::stop_refresh())
        }
        Mode::RefreshHook => refresh::hook(&args, out),
        Mode::ConsoleHere => console::here(&args, out),
        Mode::ConsoleOptIn => console::opt_in(&args, out),
        Mode::Pick => pick::run(&args, out),
        Mode::Login => login::login(&args, out),
        Mode::Logout => login::logout(&args, out),
        Mode::PrintJson | Mode::Switch => awsume::run(&args, out),
    }
}

/// The shell named by `--emit SHELL` (the shell function's call), read before clap runs.
fn emit_shell(args: &[String]) -> Option<Shell> {
    use clap::ValueEnum;
    let value = args.iter().enumerate().find_map(|(i, a)| match a.strip_prefix("--emit") {
        Some("") => args.get(i + 1).map(String::as_str),
        Some(rest) => rest.strip_prefix('='),
        None => None,
    })?;
    Shell::from_str(value, true).ok()
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
