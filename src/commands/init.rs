//! `awsume init SHELL`: renders the shell function and completion from `templates/`. The templates
//! hold no logic beyond names and this binary's path; everything they apply comes from the binary's
//! `--emit` output.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use askama::Template;

use crate::cli::InitArgs;
use crate::deliver::{self, shell::Shell};

macro_rules! shell_template {
    ($name:ident, $path:literal) => {
        #[derive(Template)]
        #[template(path = $path, escape = "none")]
        struct $name<'a> {
            /// The function's name (validated by the CLI).
            cmd: &'a str,
            /// This binary's path, quoted for the shell.
            exe: &'a str,
        }
    };
}

shell_template!(Bash, "bash.txt");
shell_template!(Zsh, "zsh.txt");
shell_template!(Fish, "fish.txt");
shell_template!(Nu, "nu.txt");
shell_template!(Powershell, "powershell.txt");

pub fn run(args: &InitArgs) -> Result<ExitCode> {
    deliver::stdout(&render(args.shell, &args.cmd, &crate::environment::this_program()))?;
    Ok(ExitCode::SUCCESS)
}

/// The whole script, rendered once; `cmd` is validated by the CLI.
fn render(shell: Shell, cmd: &str, exe: &Path) -> String {
    use crate::deliver::quote::{fish_quote, nu_raw_string, posix_quote, powershell_quote};
    let exe = exe.to_string_lossy();
    let rendered = match shell {
        Shell::Bash => Bash { cmd, exe: &posix_quote(&exe) }.render(),
        Shell::Zsh => Zsh { cmd, exe: &posix_quote(&exe) }.render(),
        Shell::Fish => Fish { cmd, exe: &fish_quote(&exe) }.render(),
        Shell::Nu => Nu { cmd, exe: &nu_raw_string(&exe) }.render(),
        Shell::Powershell => Powershell { cmd, exe: &powershell_quote(&exe) }.render(),
    };
    let mut text = rendered.expect("templates only interpolate a string");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// One line telling a person how to load the integration in `shell`: the README's rc lines, word for
/// word (a test holds them together).
pub fn load_hint(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "add `eval \"$(command awsume init bash)\"` to ~/.bashrc",
        Shell::Zsh => "add `eval \"$(command awsume init zsh)\"` to ~/.zshrc",
        Shell::Fish => "add `command awsume init fish | source` to ~/.config/fish/config.fish",
        Shell::Nu => {
            "run `^awsume init nu | save -f ~/.awsume.nu` and add `source ~/.awsume.nu` to config.nu"
        }
        Shell::Powershell => {
            "add `Invoke-Expression (& (Get-Command -CommandType Application awsume)[0] init powershell | Out-String)` to $PROFILE"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each hint's command is the rc line the README gives for that shell, so that a person who
    /// follows either gets the same line (PowerShell's `[0]` matters when Python awsume is on PATH).
    #[test]
    fn every_hint_is_the_readmes_rc_line() {
        let readme = include_str!("../../README.md");
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Nu, Shell::Powershell] {
            let hint = load_hint(shell);
            for quoted in hint.split('`').skip(1).step_by(2) {
                let in_table = quoted.replace('|', "\\|");
                assert!(
                    readme.contains(&format!("`{in_table}`")),
                    "{shell:?}: `{quoted}` is not the README's rc line"
                );
            }
        }
    }

    /// macOS's /bin/bash is 3.2: nothing newer may reach the bash script without a fallback.
    #[test]
    fn the_bash_script_uses_nothing_newer_than_bash_3_2() {
        let script = render(Shell::Bash, "awsume", Path::new("/opt/awsume"));
        let code: Vec<&str> = script.lines().filter(|l| !l.trim_start().starts_with('#')).collect();
        let code = code.join("\n");
        let newer = [
            ("mapfile", "bash 4"),
            ("readarray", "bash 4"),
            (",,}", "bash 4 case change"),
            ("^^}", "bash 4 case change"),
            ("declare -A", "bash 4 associative arrays"),
            ("local -A", "bash 4 associative arrays"),
            ("typeset -A", "bash 4 associative arrays"),
            ("declare -n", "bash 4.3 namerefs"),
            ("local -n", "bash 4.3 namerefs"),
            ("&>>", "bash 4"),
            ("|&", "bash 4"),
            ("coproc", "bash 4"),
            (";;&", "bash 4"),
            ("@Q}", "bash 4.4"),
            ("globstar", "bash 4"),
            ("printf '%(", "bash 4.2"),
            ("wait -n", "bash 4.3"),
            ("[-1]", "bash 4.3 negative subscripts"),
            ("BASH_ARGV0", "bash 5"),
            ("EPOCHREALTIME", "bash 5"),
            ("SRANDOM", "bash 5.1"),
        ];
        for (construct, since) in newer {
            assert!(!code.contains(construct), "{construct:?} needs {since}");
        }
        for (at, _) in code.match_indices("EPOCHSECONDS") {
            let before = &code[..at];
            assert!(
                before.ends_with("${")
                    && (code[at..].starts_with("EPOCHSECONDS-}") || code[at..].starts_with("EPOCHSECONDS:-")),
                "$EPOCHSECONDS (bash 5) without a fallback at {:?}",
                &code[at.saturating_sub(20)..at + 20]
            );
        }
    }

    #[test]
    fn the_binary_path_is_quoted_for_each_shell() {
        let exe = Path::new("/opt/it's here/awsume");
        assert!(
            render(Shell::Bash, "awsume", exe).contains("\\command '/opt/it'\\''s here/awsume' --emit bash")
        );
        assert!(render(Shell::Fish, "awsume", exe).contains("command '/opt/it\\'s here/awsume' --emit fish"));
        assert!(render(Shell::Nu, "awsume", exe).contains("^r#'/opt/it's here/awsume'# --emit nu"));
        assert!(render(Shell::Powershell, "awsume", exe).contains("'/opt/it''s here/awsume'"));
    }
}
