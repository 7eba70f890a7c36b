//! The MFA code asked of a person: on the terminal (stderr, or the terminal itself when stderr is
//! captured), read from stdin, 6 digits, three tries; or, with no terminal (an IDE's
//! credential_process), in the desktop's own dialog: zenity or kdialog where a display is, osascript
//! on macOS, PowerShell's input box on Windows. The code comes back on the dialog's stdout, never in
//! an argv; `mfa_prompt` (`AWSUME_MFA_PROMPT`, the profile's key, the setting) chooses.

use std::io::{IsTerminal, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use crate::credentials::Secret;
use crate::messages;

/// How a person is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prompt {
    Terminal,
    Zenity,
    Kdialog,
    Osascript,
    Powershell,
}

impl Prompt {
    /// `mfa_prompt`'s choice; `auto` (or none): the terminal when stdin is one, else the desktop's
    /// dialog where there is a desktop, else the terminal (which then says stdin is closed).
    fn chosen(setting: Option<&str>) -> Result<Self> {
        Ok(match setting.unwrap_or("auto") {
            "terminal" => Self::Terminal,
            "zenity" => Self::Zenity,
            "kdialog" => Self::Kdialog,
            "osascript" => Self::Osascript,
            "powershell" => Self::Powershell,
            "auto" if std::io::stdin().is_terminal() => Self::Terminal,
            "auto" => Self::desktop().unwrap_or(Self::Terminal),
            other => bail!(
                "mfa_prompt is {other:?}: choose auto, terminal, zenity, kdialog, osascript or powershell"
            ),
        })
    }

    /// The desktop's own dialog, where there is a desktop.
    fn desktop() -> Option<Self> {
        use crate::environment::{is_set, on_path};
        if cfg!(target_os = "macos") {
            return Some(Self::Osascript);
        }
        if cfg!(windows) {
            return Some(Self::Powershell);
        }
        if !is_set("DISPLAY") && !is_set("WAYLAND_DISPLAY") {
            return None;
        }
        [(Self::Zenity, "zenity"), (Self::Kdialog, "kdialog")]
            .into_iter()
            .find(|(_, program)| on_path(program.as_ref()).is_some())
            .map(|(prompt, _)| prompt)
    }

    /// The dialog's command line: the question only, never a code.
    fn argv(self, question: &str) -> Vec<String> {
        // The question is the serial (an ARN): kept to characters no quoting can trip on.
        let plain: String = question.chars().filter(|c| !matches!(c, '"' | '\'' | '\\' | '`')).collect();
        let words: Vec<String> = match self {
            Self::Terminal => Vec::new(),
            Self::Zenity => {
                ["zenity", "--entry", "--hide-text", "--title=awsume", &format!("--text={plain}")]
                    .map(String::from)
                    .to_vec()
            }
            Self::Kdialog => {
                ["kdialog", "--title", "awsume", "--password", &plain].map(String::from).to_vec()
            }
            Self::Osascript => vec![
                "osascript".into(),
                "-e".into(),
                format!(
                    "text returned of (display dialog \"{plain}\" default answer \"\" with hidden answer with title \"awsume\")"
                ),
            ],
            Self::Powershell => vec![
                "powershell".into(),
                "-NoProfile".into(),
                "-Command".into(),
                format!(
                    "Add-Type -AssemblyName Microsoft.VisualBasic; [Microsoft.VisualBasic.Interaction]::InputBox('{plain}', 'awsume')"
                ),
            ],
        };
        words
    }
}

/// The MFA code: from `--mfa-token`, else asked: on the terminal (stdout may be captured by the
/// shell function, stdin is still the terminal; where stderr is captured too, the question goes to
/// the terminal itself, as the AWS CLI's own MFA prompt does), or in a dialog (`prompt`).
pub fn ask(serial: &str, given: Option<&Secret>, prompt: Option<&str>) -> Result<Secret> {
    if let Some(code) = given {
        return valid_code(code.expose()).ok_or_else(|| anyhow!("--mfa-token must be 6 digits"));
    }
    match Prompt::chosen(prompt)? {
        Prompt::Terminal => on_terminal(serial),
        dialog => in_dialog(dialog, serial),
    }
}

fn on_terminal(serial: &str) -> Result<Secret> {
    let interactive = std::io::stdin().is_terminal();
    let mut question = format!("Enter MFA code for {serial}: ");
    for _ in 0..3 {
        let Some(line) = messages::answer(&question, 1024).context("cannot read the MFA code")? else {
            bail!(
                "no MFA code for {serial}: standard input is closed (use --mfa-token, mfa_process, or mfa_prompt for a dialog)"
            );
        };
        if let Some(code) = valid_code(line.expose()) {
            return Ok(code);
        }
        if !interactive {
            break;
        }
        question = format!("awsume: an MFA code is 6 digits\nEnter MFA code for {serial}: ");
    }
    bail!("no valid MFA code for {serial}: an MFA code is 6 digits")
}

/// The code typed into the desktop's dialog, read from its stdout; a dialog nobody answers ends
/// after `waits::PERSON`, one dismissed ends the run.
fn in_dialog(dialog: Prompt, serial: &str) -> Result<Secret> {
    let argv = dialog.argv(&format!("MFA code for {serial}"));
    let (program, args) = argv.split_first().expect("a dialog has a program");
    messages::debug!("asking for the MFA code in a dialog ({program})");
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot ask for the MFA code with {program}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > crate::waits::PERSON {
            let _ = child.kill();
            let _ = child.wait();
            bail!("nobody answered the MFA dialog for {serial} within {} s", crate::waits::PERSON.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut out = String::new();
    if let Some(stdout) = child.stdout.take() {
        stdout.take(1024).read_to_string(&mut out)?;
    }
    let out = Secret::new(out);
    if !status.success() {
        bail!("the MFA dialog for {serial} was closed without a code");
    }
    valid_code(out.expose()).ok_or_else(|| anyhow!("no valid MFA code for {serial}: an MFA code is 6 digits"))
}

pub fn valid_code(text: &str) -> Option<Secret> {
    let code = text.trim();
    (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())).then(|| Secret::new(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialogs_carry_the_question_never_a_code() {
        let argv = Prompt::Zenity.argv("MFA code for arn:aws:iam::1:mfa/a\"b");
        assert_eq!(argv[..3], ["zenity", "--entry", "--hide-text"]);
        assert_eq!(argv.last().unwrap(), "--text=MFA code for arn:aws:iam::1:mfa/ab");
        assert!(Prompt::Osascript.argv("x'\"").iter().all(|w| !w.contains("x'")));
        assert!(Prompt::chosen(Some("carrier-pigeon")).is_err());
        assert_eq!(Prompt::chosen(Some("kdialog")).unwrap(), Prompt::Kdialog);
    }
}
