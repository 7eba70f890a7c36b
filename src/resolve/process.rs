//! `credential_process`: split with shell-words rules, run without a shell, read `Version: 1` JSON.
//! Its stdout may hold secrets: never quote it in a message; quote stderr instead. Also the other
//! commands a profile names (`mfa_process`, `saml_process`, `web_identity_token_process`) and
//! `awsume process`'s, whose output the process cache keeps.

use std::io::Read;
use std::process::{Command, Stdio};

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::cache::Printed;
use crate::credentials::{Credentials, Secret};
use crate::files::expand_tilde;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    version: i64,
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiration: Option<String>,
    account_id: Option<String>,
}

/// Runs the command a profile setting holds, as the AWS CLI does: split by shell-words rules, `~`
/// expanded, no shell; stdin stays the user's, stdout is captured. Returns the program's name.
fn run_setting(
    setting: &str,
    command: &str,
    stderr: Stdio,
    chain: Option<&str>,
) -> Result<(String, std::process::Output)> {
    run_words(setting, &words_of(setting, command)?, stderr, chain)
}

/// A setting's command, split as the AWS CLI splits it (shell-words rules, no shell).
pub fn words_of(setting: &str, command: &str) -> Result<Vec<String>> {
    shell_words::split(command).map_err(|e| anyhow!("{setting}: cannot split {command:?}: {e}"))
}

/// Runs `words` (`~` expanded, no shell); stdin stays the caller's, stdout is captured.
fn run_words(
    setting: &str,
    words: &[String],
    stderr: Stdio,
    chain: Option<&str>,
) -> Result<(String, std::process::Output)> {
    let Some((program, args)) = words.split_first() else {
        bail!("{setting} is empty");
    };
    let mut cmd = Command::new(expand(program));
    if let Some(chain) = chain {
        cmd.env(CHAIN_VAR, chain);
    }
    let mut child = cmd
        .args(args.iter().map(expand))
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .map_err(|e| anyhow!("{setting}: cannot run {program:?}: {e}"))?;
    // stderr, when captured, is read beside stdout (a full pipe would stall the command), its
    // first 64 KiB kept and the rest drained.
    let errors = child.stderr.take().map(|stderr| std::thread::spawn(move || bounded(stderr, 64 * 1024)));
    let mut stdout = Vec::new();
    if let Some(out) = child.stdout.take() {
        out.take(MAX_OUTPUT as u64 + 1).read_to_end(&mut stdout).ok();
    }
    if stdout.len() > MAX_OUTPUT {
        // Not read to its end: a command that floods stdout is stopped, not waited for.
        let _ = child.kill();
        let _ = child.wait();
        bail!("{setting} {program:?} printed more than {} KiB", MAX_OUTPUT / 1024);
    }
    let status = child.wait().map_err(|e| anyhow!("{setting}: {program:?}: {e}"))?;
    let stderr = errors.and_then(|t| t.join().ok()).unwrap_or_default();
    Ok((program.clone(), std::process::Output { status, stdout, stderr }))
}

/// The most a command's stdout is read: a SAML assertion's base64 (at most 1 MiB of XML) fits, as
/// do credentials and tokens.
const MAX_OUTPUT: usize = 2 << 20;

/// The first `limit` bytes of `reader`, the rest read and dropped.
fn bounded(mut reader: impl Read, limit: u64) -> Vec<u8> {
    let mut kept = Vec::new();
    (&mut reader).take(limit).read_to_end(&mut kept).ok();
    std::io::copy(&mut reader, &mut std::io::sink()).ok();
    kept
}

fn exit_status(output: &std::process::Output) -> String {
    output.status.code().map_or_else(|| "a signal".to_string(), |c| format!("status {c}"))
}

/// The AWS CLI's guard against a credential_process that runs itself (`_AWS_CLI_PROFILE_CHAIN`, the
/// profiles being resolved, as CSV): shared, so loops through either tool stop.
pub const CHAIN_VAR: &str = "_AWS_CLI_PROFILE_CHAIN";
/// As the AWS CLI: one level for an explicit run, one for padding, then refused.
const MAX_CHAIN: usize = 4;

/// Enters `profile` into the chain of profiles being resolved by the processes that run us: an
/// error when it is already in it (a cycle) or the chain is too long; else the chain to hand on.
pub fn enter_chain(profile: &str) -> Result<String> {
    let mut seen = crate::environment::var(CHAIN_VAR).map(|text| csv_split(&text)).unwrap_or_default();
    if seen.len() >= MAX_CHAIN {
        bail!("credential_process chain too deep ({MAX_CHAIN} levels): {}", shown_chain(&seen));
    }
    if seen.iter().any(|p| p == profile) {
        seen.push(profile.to_string());
        bail!("credential_process runs itself: profile cycle {}", seen.join(" -> "));
    }
    seen.push(profile.to_string());
    Ok(seen.iter().map(|p| csv_field(p)).collect::<Vec<_>>().join(","))
}

/// The first few profiles of a chain, for a message (a chain from the environment may be long).
fn shown_chain(chain: &[String]) -> String {
    const SHOWN: usize = 6;
    let first: Vec<String> = chain.iter().take(SHOWN).map(|p| p.chars().take(64).collect()).collect();
    match chain.len().saturating_sub(SHOWN) {
        0 => first.join(" -> "),
        more => format!("{} -> … ({more} more)", first.join(" -> ")),
    }
}

/// A field as Python's `csv.writer` writes it: quoted when it holds `,`, `"`, or a line break.
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// One CSV row, as Python's `csv.reader` reads it.
fn csv_split(row: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, row.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (_, '"') => quoted = !quoted,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (_, c) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// Runs a profile's `credential_process`; `chain` (from `enter_chain`) goes to its environment.
pub fn run(command: &str, chain: Option<&str>) -> Result<Credentials> {
    let (program, output) = run_credential_process(command, chain)?;
    parse(&output.stdout).map_err(|e| anyhow!("credential_process {program:?}: {e}"))
}

/// A profile's `credential_process` run (its stderr captured), and a failure said with the last
/// line of what it wrote there.
fn run_credential_process(command: &str, chain: Option<&str>) -> Result<(String, std::process::Output)> {
    let (program, output) = run_setting("credential_process", command, Stdio::piped(), chain)?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message on stderr");
        bail!("credential_process {program:?} exited with {}: {}", exit_status(&output), last.trim());
    }
    Ok((program, output))
}

/// A credential command of another tool, as `awsume process -- WORDS` runs it (stdin and stderr the
/// caller's, as credential_process runs it): what it printed, checked, and when that ends. A
/// failure names the command, never its output.
pub fn run_credential_command(words: &[String]) -> Result<Printed> {
    let (program, output) = run_words("the command", words, Stdio::inherit(), None)?;
    if !output.status.success() {
        bail!("{program:?} exited with {}", exit_status(&output));
    }
    checked(&program, output.stdout)
}

/// A profile's `credential_process` whose output is kept (`credential_process_cache = true`).
pub fn run_cached_setting(command: &str, chain: Option<&str>) -> Result<Printed> {
    let (program, output) = run_credential_process(command, chain)?;
    checked(&program, output.stdout).map_err(|e| anyhow!("credential_process {e}"))
}

/// What a credential command printed, as a cache keeps it: credential_process JSON whose
/// Expiration (when it has one) is ahead.
fn checked(program: &str, stdout: Vec<u8>) -> Result<Printed> {
    let output = Secret::new(String::from_utf8(stdout).unwrap_or_default());
    let creds = parse(output.expose().as_bytes()).map_err(|e| anyhow!("{program:?} {e}"))?;
    if let Some(ends) = creds.expiration
        && ends <= Utc::now()
    {
        bail!("{program:?} printed credentials that ended at {}", ends.to_rfc3339());
    }
    Ok(Printed { output, expires: creds.expiration })
}

/// `web_identity_token_process` (aws-vault's): run as credential_process is (stdin and stderr the
/// user's); its trimmed stdout is the OIDC token, never shown, kept until its `exp` (read, not
/// verified: STS verifies it).
pub fn run_token_process(command: &str, chain: Option<&str>) -> Result<Printed> {
    let (program, token) = printed_text("web_identity_token_process", command, chain)?;
    let expires = jwt_expiry(token.expose());
    if expires.is_some_and(|ends| ends <= Utc::now()) {
        bail!("web_identity_token_process {program:?} printed a token that has expired");
    }
    Ok(Printed { output: token, expires })
}

/// A JWT's `exp`, read without verifying anything.
fn jwt_expiry(token: &str) -> Option<DateTime<Utc>> {
    let payload = token.split('.').nth(1)?;
    let claims: serde_json::Value = serde_json::from_slice(&crate::encoding::base64_decode(payload)).ok()?;
    DateTime::from_timestamp(claims.get("exp")?.as_i64()?, 0)
}

/// `mfa_process` (aws-vault's): run without a shell, its trimmed stdout is the code. stdin and
/// stderr stay the user's (a YubiKey asks for a touch there); stdout is never shown, as it is the
/// code, and the code reaches no log and no other process.
pub fn run_mfa_process(command: &str) -> Result<Secret> {
    let (_, output) = run_setting(&format!("mfa_process {command:?}"), command, Stdio::inherit(), None)?;
    if !output.status.success() {
        bail!("mfa_process {command:?} exited with {}", exit_status(&output));
    }
    let stdout = Secret::new(String::from_utf8_lossy(&output.stdout).into_owned());
    super::mfa::valid_code(stdout.expose())
        .ok_or_else(|| anyhow!("mfa_process {command:?} printed no 6-digit code"))
}

/// `saml_process`: run as credential_process is (stderr and stdin stay the user's: a broker may ask
/// there); its trimmed stdout is a base64 SAMLResponse, never shown.
pub fn run_saml_process(command: &str, chain: Option<&str>) -> Result<Secret> {
    printed_text("saml_process", command, chain).map(|(_, text)| text)
}

/// A `setting`'s command run as credential_process is (stdin and stderr the user's): its program
/// and its trimmed stdout, which must say something; never shown.
fn printed_text(setting: &str, command: &str, chain: Option<&str>) -> Result<(String, Secret)> {
    let (program, output) = run_setting(setting, command, Stdio::inherit(), chain)?;
    if !output.status.success() {
        bail!("{setting} {program:?} exited with {}", exit_status(&output));
    }
    let text = Secret::new(String::from_utf8_lossy(&output.stdout).trim().to_string());
    if text.expose().is_empty() {
        bail!("{setting} {program:?} printed nothing");
    }
    Ok((program, text))
}

/// `~` and `~/…` words as the user's home, as credential_process reads them.
fn expand(word: &String) -> std::ffi::OsString {
    if word.starts_with("~/") || word == "~" {
        expand_tilde(word.as_ref()).into_os_string()
    } else {
        word.into()
    }
}

/// Parses the process's stdout; errors say what is wrong without repeating the text.
pub fn parse(stdout: &[u8]) -> Result<Credentials> {
    let out: Output = serde_json::from_slice(stdout).map_err(|e| {
        anyhow!(
            "printed no valid credentials JSON ({}; output not shown, it may hold secrets)",
            e.classify_name()
        )
    })?;
    if out.version != 1 {
        bail!("printed Version {}, only Version 1 is understood", out.version);
    }
    let expiration = match out.expiration.as_deref() {
        None | Some("") => None,
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text)
                .map_err(|_| anyhow!("printed an Expiration that is not an RFC 3339 time: {text:?}"))?
                .with_timezone(&Utc),
        ),
    };
    let token = out.session_token.filter(|t| !t.is_empty());
    Ok(Credentials::new(out.access_key_id, out.secret_access_key, token, expiration)
        .in_account(out.account_id))
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    // serde's own message may quote the input: describe the kind of fault only.
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "missing or wrong fields",
            serde_json::error::Category::Eof => "incomplete JSON",
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_chain_is_shown_by_its_first_few() {
        let chain: Vec<String> = (0..100_000).map(|i| i.to_string()).collect();
        let shown = super::shown_chain(&chain);
        assert_eq!(shown, "0 -> 1 -> 2 -> 3 -> 4 -> 5 -> … (99994 more)");
    }

    use super::*;

    #[test]
    fn the_profile_chain_is_the_aws_clis_csv() {
        assert_eq!(csv_split("a,\"b,c\",\"d\"\"e\""), ["a", "b,c", "d\"e"]);
        for field in ["plain", "with,comma", "with\"quote"] {
            assert_eq!(csv_split(&csv_field(field)), [field]);
        }
    }

    #[test]
    fn parses_version_1_and_rejects_the_rest_without_quoting() {
        let ok = parse(br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T","Expiration":"2030-01-01T00:00:00Z"}"#).unwrap();
        assert_eq!(ok.access_key_id, "A");
        assert_eq!(ok.expiration_rfc3339().as_deref(), Some("2030-01-01T00:00:00Z"));
        for bad in [
            &br#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"}"#[..],
            b"SECRETSECRET",
            br#"{"Version":1,"SecretAccessKey":"SECRETSECRET"}"#,
        ] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(!err.contains("SECRETSECRET"), "{err}");
        }
    }

    /// A valid payload with bytes removed, inserted or replaced.
    fn mutated() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        const VALID: &[u8] = br#"{"Version": 1, "AccessKeyId": "AKIA1", "SecretAccessKey": "SECRETMARK", "SessionToken": "TOKENMARK", "Expiration": "2030-01-01T00:00:00Z"}"#;
        proptest::collection::vec((0..3u8, any::<proptest::sample::Index>(), any::<u8>()), 1..7).prop_map(
            |edits| {
                let mut bytes = VALID.to_vec();
                for (op, at, byte) in edits {
                    let at = at.index(bytes.len().max(1)).min(bytes.len());
                    match op {
                        0 if at < bytes.len() => {
                            bytes.remove(at);
                        }
                        1 => bytes.insert(at, byte),
                        _ if at < bytes.len() => bytes[at] = byte,
                        _ => {}
                    }
                }
                bytes
            },
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5_000))]
        /// Whatever a broken process prints: no panic, and a rejection never echoes a secret.
        #[test]
        fn mutated_payloads_never_panic_or_echo(bytes in mutated()) {
            if let Err(e) = parse(&bytes) {
                let text = format!("{e:#}");
                proptest::prop_assert!(!text.contains("SECRETMARK") && !text.contains("TOKENMARK"), "{}", text);
            }
        }
    }
}
