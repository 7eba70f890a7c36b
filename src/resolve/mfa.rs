//! The MFA code asked of a person: on stderr (or the terminal itself when stderr is captured), read
//! from stdin, 6 digits, three tries on a terminal.

use std::io::IsTerminal;

use anyhow::{Context, Result, anyhow, bail};

use crate::credentials::Secret;
use crate::messages;

/// The MFA code: from `--mfa-token`, else asked for on stderr and read from stdin (stdout may be
/// captured by the shell function, stdin is still the terminal). Where stdin is a terminal but
/// stderr is not (an SDK running `awsume export` as credential_process captures stderr), the
/// question goes to the terminal itself, as the AWS CLI's own MFA prompt does, rather than nowhere.
pub fn ask(serial: &str, given: Option<&Secret>) -> Result<Secret> {
    if let Some(code) = given {
        return valid_code(code.expose()).ok_or_else(|| anyhow!("--mfa-token must be 6 digits"));
    }
    let interactive = std::io::stdin().is_terminal();
    let mut question = format!("Enter MFA code for {serial}: ");
    for _ in 0..3 {
        let Some(line) = messages::answer(&question, 1024).context("cannot read the MFA code")? else {
            bail!("no MFA code for {serial}: standard input is closed (use --mfa-token)");
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

pub fn valid_code(text: &str) -> Option<Secret> {
    let code = text.trim();
    (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())).then(|| Secret::new(code))
}
