//! `awsume init SHELL`: renders the shell function and completion from `templates/`. The templates
//! hold no logic beyond names; everything they apply comes from the binary's `--emit` output.

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
            cmd: &'a str,
        }
    };
}

shell_template!(Bash, "bash.txt");
shell_template!(Zsh, "zsh.txt");
shell_template!(Fish, "fish.txt");
shell_template!(Nu, "nu.txt");
shell_template!(Powershell, "powershell.txt");

pub fn run(args: &InitArgs) -> Result<ExitCode> {
    deliver::stdout(&render(args.shell, &args.cmd))?;
    Ok(ExitCode::SUCCESS)
}

/// The whole script, rendered once; `cmd` is validated by the CLI.
fn render(shell: Shell, cmd: &str) -> String {
    let rendered = match shell {
        Shell::Bash => Bash { cmd }.render(),
        Shell::Zsh => Zsh { cmd }.render(),
        Shell::Fish => Fish { cmd }.render(),
        Shell::Nu => Nu { cmd }.render(),
        Shell::Powershell => Powershell { cmd }.render(),
    };
    let mut text = rendered.expect("templates only interpolate a string");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// One line telling a person how to load the integration in `shell`.
pub fn load_hint(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "add `eval \"$(awsume init bash)\"` to ~/.bashrc",
        Shell::Zsh => "add `eval \"$(awsume init zsh)\"` to ~/.zshrc",
        Shell::Fish => "add `awsume init fish | source` to ~/.config/fish/config.fish",
        Shell::Nu => "run `awsume init nu | save -f ~/.awsume.nu` and add `source ~/.awsume.nu` to config.nu",
        Shell::Powershell => "add `Invoke-Expression (& awsume init powershell | Out-String)` to $PROFILE",
    }
}
