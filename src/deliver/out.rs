//! Where `awsume`'s output goes: the terminal, or the shell function (`--emit SHELL`), which
//! applies state and prints text, never evaluating text.

use std::process::ExitCode;

use anyhow::Result;

use super::shell::{Shell, State};

/// Where `awsume`'s output goes, and how state is shown there.
pub struct Out {
    /// The shell function's shell (`--emit SHELL`): it captures stdout and applies state.
    pub emit: Option<Shell>,
    /// `-s`: print the statements that set the state, too.
    pub show_commands: bool,
    /// `--shell`: whose statements `-s` prints [default: the function's shell, else `$SHELL`'s].
    pub shell: Option<Shell>,
}

impl Out {
    /// Whether the shell function runs us (and captures stdout).
    pub fn through_function(&self) -> bool {
        self.emit.is_some()
    }

    /// Text for the user: printed, never evaluated.
    pub fn text(&self, text: &str) -> Result<ExitCode> {
        match self.emit {
            Some(shell) => super::stdout(&super::shell::print(shell, text))?,
            None => super::stdout(text)?,
        }
        Ok(ExitCode::SUCCESS)
    }

    /// The shell's new state: applied by the function, or printed as statements with `-s`.
    pub fn state(&self, state: &State) -> Result<ExitCode> {
        self.state_and_text(state, None)
    }

    /// The state, and `text` for the user (a console link) printed with it. Run directly, only
    /// what can be printed is: the statements with `-s`, and the text.
    pub fn state_and_text(&self, state: &State, text: Option<&str>) -> Result<ExitCode> {
        let shown = |shell: Shell| -> Result<String> {
            let statements = if self.show_commands { state.statements(shell)? } else { String::new() };
            Ok(statements + text.unwrap_or(""))
        };
        let output = match self.emit {
            // Through the function: applied, and -s's statements (for --shell, else the function's
            // shell) and the text printed, as awsume does.
            Some(shell) => {
                let printed = shown(self.shell.unwrap_or(shell))?;
                state.protocol(shell, Some(&printed).filter(|p| !p.is_empty()).map(String::as_str))?
            }
            None => shown(self.shell.unwrap_or_else(Shell::from_env))?,
        };
        super::stdout(&output)?;
        Ok(ExitCode::SUCCESS)
    }
}
