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

/// The variable a scripted dialog reads its question from.
const QUESTION_VAR: &str = "AWSUME_MFA_QUESTION";

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

    /// The dialog's command line: never a code. The question reaches the scripted dialogs
    /// (osascript, PowerShell) as data in `QUESTION_VAR`, never as script text: a serial is the
    /// user's to write, and PowerShell ends a string at any of five quote characters. zenity and
    /// kdialog take it as one argument (no script reads it).
    fn argv(self, question: &str) -> Vec<String> {
        let words: Vec<String> = match self {
            Self::Terminal => Vec::new(),
            Self::Zenity => {
                // zenity reads its text as Pango markup.
                let text = question.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
                ["zenity", "--entry", "--hide-text", "--title=awsume", &format!("--text={text}")]
                    .map(String::from)
                    .to_vec()
            }
            Self::Kdialog => {
                ["kdialog", "--title", "awsume", "--password", question].map(String::from).to_vec()
            }
            Self::Osascript => vec![
                "osascript".into(),
                "-e".into(),
                format!(
                    "text returned of (display dialog (system attribute \"{QUESTION_VAR}\") default answer \"\" with hidden answer with title \"awsume\")"
                ),
            ],
            Self::Powershell => vec![
                "powershell".into(),
                "-NoProfile".into(),
                "-Command".into(),
                format!(
                    "Add-Type -AssemblyName Microsoft.VisualBasic; [Microsoft.VisualBasic.Interaction]::InputBox($env:{QUESTION_VAR}, 'awsume')"
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

/// The code typed into the desktop's dialog, read from its stdout while it runs (a chatty dialog
/// never stalls on a full pipe); a dialog nobody answers ends after `waits::PERSON`, one dismissed
/// ends the run, and the dialog ends with awsume (`child::ends_with_us`).
fn in_dialog(dialog: Prompt, serial: &str) -> Result<Secret> {
    let question = format!("MFA code for {serial}");
    let argv = dialog.argv(&question);
    let (program, args) = argv.split_first().expect("a dialog has a program");
    messages::debug!("asking for the MFA code in a dialog ({program})");
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env(QUESTION_VAR, &question)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    crate::child::ends_with_us(&mut cmd);
    let mut child = cmd.spawn().with_context(|| format!("cannot ask for the MFA code with {program}"))?;
    let reader = child.stdout.take().map(|stdout| {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            let mut stdout = stdout;
            (&mut stdout).take(1024).read_to_end(&mut kept).ok();
            std::io::copy(&mut stdout, &mut std::io::sink()).ok();
            Secret::new(String::from_utf8_lossy(&kept).into_owned())
        })
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > crate::waits::PERSON {
            crate::child::end_group(&mut child);
            bail!("nobody answered the MFA dialog for {serial} within {} s", crate::waits::PERSON.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = reader.and_then(|r| r.join().ok()).unwrap_or_else(|| Secret::new(String::new()));
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
        assert_eq!(argv.last().unwrap(), "--text=MFA code for arn:aws:iam::1:mfa/a\"b");
        assert_eq!(Prompt::Zenity.argv("<b>&").last().unwrap(), "--text=&lt;b&gt;&amp;");
        // The scripted dialogs' scripts are fixed: the question never becomes script text.
        for dialog in [Prompt::Osascript, Prompt::Powershell] {
            assert_eq!(dialog.argv("x'\"’‘‚‛); evil"), dialog.argv("plain"));
        }
        assert!(Prompt::chosen(Some("carrier-pigeon")).is_err());
        assert_eq!(Prompt::chosen(Some("kdialog")).unwrap(), Prompt::Kdialog);
    }
}
