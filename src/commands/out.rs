//! Where `awsume`'s output goes: the terminal, or the shell function (`--emit SHELL`).

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::AwsumeArgs;
use crate::deliver::{self, shell::Shell};

/// Where `awsume`'s output goes: to the terminal, or to the shell function (`--emit SHELL`), which
/// applies state and prints text, never evaluating text.
pub struct Out {
    pub emit: Option<Shell>,
}

impl Out {
    /// Whether the shell function runs us (and captures stdout).
    pub fn through_function(&self) -> bool {
        self.emit.is_some()
    }

    /// Text for the user: printed, never evaluated.
    pub fn text(&self, text: &str) -> Result<ExitCode> {
        match self.emit {
            Some(shell) => deliver::stdout(&deliver::shell::print(shell, text))?,
            None => deliver::stdout(text)?,
        }
        Ok(ExitCode::SUCCESS)
    }

    /// The shell's new state: applied by the function, or printed as statements with `-s`.
    pub fn state(&self, args: &AwsumeArgs, state: &deliver::shell::State) -> Result<ExitCode> {
        self.state_and_text(args, state, None)
    }

    /// The state, and `text` for the user (a console link) printed with it. Run directly, only
    /// what can be printed is: the statements with `-s`, and the text.
    pub fn state_and_text(
        &self,
        args: &AwsumeArgs,
        state: &deliver::shell::State,
        text: Option<&str>,
    ) -> Result<ExitCode> {
        let shown = |shell: Shell| -> Result<String> {
            let statements = if args.show_commands { state.statements(shell)? } else { String::new() };
            Ok(statements + text.unwrap_or(""))
        };
        let output = match self.emit {
            // Through the function: applied, and -s's statements (for --shell, else the function's
            // shell) and the text printed, as awsume does.
            Some(shell) => {
                let printed = shown(args.shell.unwrap_or(shell))?;
                state.protocol(shell, Some(&printed).filter(|p| !p.is_empty()).map(String::as_str))?
            }
            None => shown(args.shell.unwrap_or_else(Shell::from_env))?,
        };
        deliver::stdout(&output)?;
        Ok(ExitCode::SUCCESS)
    }
}
