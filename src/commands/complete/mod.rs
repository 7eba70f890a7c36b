//! `awsume --complete -- WORD…`: candidates for the last word, one per line, for every shell's
//! completer. Fast path: reads the two files, builds no runtime and no SDK client.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::Cli;
use crate::config::{Config, Files};
use crate::deliver::completion;
use crate::deliver::shell::Shell;
use crate::encoding::base64_decode;
use crate::settings::Settings;
use clap::ValueEnum;

mod regions;

use regions::REGIONS;

const PROFILE_FLAGS: &[&str] =
    &["--profile", "--source-profile", "-o", "--output-profile", "-c", "--credentials-file-profile"];

/// `awsume --complete [--for=SHELL] (--line LINE | --line-base64 B64 | -- WORD…)`: the shell says
/// who it is, and hands over its words (the last one the word under the cursor, maybe empty) or
/// the line up to the cursor, which is split here by that shell's quoting. Candidates come back a
/// line each, quoted for the shell that inserts them as they are (bash, nu, PowerShell).
pub fn run(args: &[String]) -> Result<ExitCode> {
    let mut shell = None;
    let mut line = None;
    let mut rest = args;
    loop {
        match rest {
            [flag, tail @ ..] if flag.starts_with("--for=") => {
                shell = Shell::from_str(&flag["--for=".len()..], true).ok();
                rest = tail;
            }
            [flag, text, tail @ ..] if flag == "--line" => {
                line = Some(text.clone());
                rest = tail;
            }
            [flag, text, tail @ ..] if flag == "--line-base64" => {
                line = Some(String::from_utf8_lossy(&base64_decode(text)).into_owned());
                rest = tail;
            }
            [flag, tail @ ..] if flag == "--" => {
                rest = tail;
                break;
            }
            _ => break,
        }
    }
    let words: Vec<String> = match line {
        // The command's own name first.
        Some(text) => completion::split(&text, shell).into_iter().skip(1).collect(),
        None => rest.iter().map(|word| completion::split(word, shell).concat()).collect(),
    };
    let mut out = String::new();
    for candidate in candidates(&words) {
        out.push_str(&completion::quote(&candidate, shell));
        out.push('\n');
    }
    crate::deliver::stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// Every candidate for the last word of `words` (the words after the command name): the words
/// before it walk down the subcommands (`keys rotate`), then the flags, the values and the
/// positional arguments of the command reached are offered.
fn candidates(words: &[String]) -> Vec<String> {
    let (current, before) = match words.split_last() {
        Some((last, before)) => (last.as_str(), before),
        None => ("", &[][..]),
    };
    let root = Cli::command();
    let (command, depth) = reached(&root, before);
    // The console plugin's spellings read as their long flags (subcommands have none).
    let before = if depth == 0 { super::console::plugin_spellings(before.to_vec()) } else { before.to_vec() };
    let previous = before.last().map(String::as_str);
    let positionals =
        before[depth..].iter().filter(|w| !w.starts_with('-') && !is_flag_value(command, &before, w));
    let all: Vec<String> = match previous {
        Some(flag) if PROFILE_FLAGS.contains(&flag) => profile_names(words),
        Some("--region") => REGIONS.iter().map(|r| r.to_string()).collect(),
        Some("--shell" | "--emit") => shells(),
        Some("--console-service" | "--console-service-link" | "--console-link-service") if depth == 0 => {
            console_services()
        }
        Some(flag) if takes_value(command, flag) => Vec::new(),
        _ if current.starts_with('-') => flags(command),
        _ => match positionals.count() {
            // awsume itself takes a profile or a subcommand; a command with subcommands, one of them.
            0 if depth == 0 => profile_names(words).into_iter().chain(subcommands(command)).collect(),
            0 if command.has_subcommands() => subcommands(command),
            taken => positional(command, taken, words),
        },
    };
    let mut matching: Vec<String> = all.into_iter().filter(|c| c.starts_with(current)).collect();
    matching.sort();
    matching.dedup();
    matching
}

/// The (sub)command the words before the cursor reach, and how many of them named it.
fn reached<'a>(root: &'a clap::Command, before: &[String]) -> (&'a clap::Command, usize) {
    let mut command = root;
    let mut depth = 0;
    for (i, word) in before.iter().enumerate() {
        // A subcommand is named right after its parent's name (or the start), never as a value.
        if i != depth {
            break;
        }
        match command.find_subcommand(word).filter(|s| !s.is_hide_set()) {
            Some(sub) => {
                command = sub;
                depth += 1;
            }
            None => break,
        }
    }
    (command, depth)
}

fn subcommands(command: &clap::Command) -> Vec<String> {
    command.get_subcommands().filter(|s| !s.is_hide_set()).map(|s| s.get_name().to_string()).collect()
}

/// Candidates for the positional argument after `taken` others: by its name (a profile, an SSO
/// session, a shell).
fn positional(command: &clap::Command, taken: usize, words: &[String]) -> Vec<String> {
    let Some(arg) = command.get_positionals().nth(taken) else { return Vec::new() };
    match arg.get_id().as_str() {
        "profile" => profile_names(words),
        "session" => sso_sessions(words),
        "shell" => shells(),
        _ => Vec::new(),
    }
}

fn shells() -> Vec<String> {
    ["bash", "zsh", "fish", "nu", "powershell"].map(String::from).to_vec()
}

fn takes_value(command: &clap::Command, flag: &str) -> bool {
    command.get_arguments().any(|a| {
        let named = flag.strip_prefix("--").is_some_and(|l| a.get_long() == Some(l))
            || flag
                .strip_prefix('-')
                .and_then(|s| s.chars().next())
                .is_some_and(|c| flag.len() == 2 && a.get_short() == Some(c));
        named && a.get_action().takes_values()
    })
}

/// Whether `word` in `before` is the value of the flag just before it.
fn is_flag_value(command: &clap::Command, before: &[String], word: &String) -> bool {
    let index = before.iter().position(|w| std::ptr::eq(w, word)).unwrap_or(0);
    index > 0 && takes_value(command, &before[index - 1])
}

/// The console plugin's service aliases and the user's own (`console.services`).
fn console_services() -> Vec<String> {
    let settings = Settings::user().unwrap_or_default();
    let own = settings.console.services.into_iter().map(|(name, _)| name);
    super::console::SERVICES.iter().map(|(name, _)| name.to_string()).chain(own).collect()
}

fn flags(command: &clap::Command) -> Vec<String> {
    let mut out = vec!["--help".to_string()];
    if command.get_name() == "awsume" {
        out.extend(["-cl", "-cs", "-csl"].map(String::from));
    }
    for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
        out.extend(arg.get_long().map(|l| format!("--{l}")));
        out.extend(arg.get_short().map(|s| format!("-{s}")));
    }
    out
}

/// The AWS files (the ones `--config-file`/`--credentials-file` name, if typed).
fn files(words: &[String]) -> Files {
    let flag = |name: &str| words.windows(2).find(|w| w[0] == name).map(|w| PathBuf::from(&w[1]));
    Files::locate(flag("--config-file").as_deref(), flag("--credentials-file").as_deref())
}

/// Profile names from both files (their settings unread).
fn profile_names(words: &[String]) -> Vec<String> {
    Config::profile_names(&files(words)).unwrap_or_default()
}

/// The config file's `[sso-session NAME]` sections.
fn sso_sessions(words: &[String]) -> Vec<String> {
    Config::load(files(words)).map(|c| c.sso_sessions.into_keys().collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut w: Vec<String> = text.split(' ').map(String::from).collect();
        if text.is_empty() {
            w = vec![String::new()];
        }
        w
    }

    #[test]
    fn completes_flags_values_and_subcommands() {
        assert!(candidates(&words("--reg")).contains(&"--region".to_string()));
        assert_eq!(candidates(&words("--region eu-west-")), ["eu-west-1", "eu-west-2", "eu-west-3"]);
        assert_eq!(candidates(&words("init f")), ["fish"]);
        assert_eq!(candidates(&words("--shell p")), ["powershell"]);
        assert!(candidates(&words("export --e")).contains(&"--env-export".to_string()));
        assert!(!candidates(&words("--")).contains(&"--emit".to_string()), "hidden flags stay hidden");
        assert!(candidates(&words("--session-name ")).is_empty());
        assert!(candidates(&words("prod ")).is_empty(), "one profile only");
        assert_eq!(candidates(&words("prod -cs cf")), ["cfn", "cfnt"], "the plugin's spellings");
        assert_eq!(candidates(&words("--console-service-link sf")), ["sfn"]);
        assert!(candidates(&words("-c")).contains(&"-csl".to_string()));
    }

    #[test]
    fn completes_the_subcommands_and_theirs() {
        assert_eq!(candidates(&words("k")), ["keys"]);
        assert!(candidates(&words("s")).contains(&"sso".to_string()));
        assert_eq!(candidates(&words("keys r")), ["remove", "rotate"]);
        assert!(candidates(&words("keys ")).contains(&"export-plaintext".to_string()));
        assert!(!candidates(&words("keys ")).contains(&"process".to_string()), "hidden");
        assert_eq!(candidates(&words("sso p")), ["populate"]);
        assert!(candidates(&words("sso populate --")).contains(&"--dry-run".to_string()));
        assert!(candidates(&words("keys rotate --r")).contains(&"--region".to_string()));
        assert!(candidates(&words("keys add --")).contains(&"--env".to_string()));
        assert_eq!(candidates(&words("keys add x ")), Vec::<String>::new(), "one profile");
        assert_eq!(candidates(&words("process --p")), ["--profile-key"]);
    }
}
