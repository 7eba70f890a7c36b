//! `awsume keys`: long-term access keys kept in the OS keychain instead of `~/.aws/credentials`.
//! `add`, `import` (out of the credentials file: every other byte kept, a section left empty
//! removed), `list` (never a secret), `remove`, `export-plaintext` (the way back), and `process`,
//! the `credential_process` that lets every other tool read them.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::cli::{KeysArgs, KeysCommand};
use crate::config::{Config, Files, edit};
use crate::credentials::{Credentials, Secret};
use crate::deliver;
use crate::files::display;
use crate::keychain::{Choice, Keychain, Keys, process_line};
use crate::messages;
use crate::plan::keychain_profile as own_process_profile;
use crate::settings::Settings;

const KEY_NAMES: [&str; 2] = ["aws_access_key_id", "aws_secret_access_key"];

pub fn run(args: KeysArgs) -> Result<ExitCode> {
    let files = Files::locate(None, None);
    let choice = Choice::current(Settings::user()?.keychain.as_deref())?;
    let keychain = || Keychain::open(choice);
    match args.command {
        KeysCommand::Add { profile, env } => {
            let keys = if env { from_env()? } else { asked(&profile)? };
            let keychain = keychain().with_context(|| format!("profile \"{profile}\""))?;
            keychain.set(&profile, &keys)?;
            use_keychain(&files, &profile)?;
            messages::note(&format!(
                "profile \"{profile}\": key {} is in {}",
                keys.access_key_id, keychain.name
            ));
            if credentials_file_keys(&files, &profile)?.is_some() {
                messages::note(&format!(
                    "{} also holds keys for \"{profile}\": they are used while they are there, as the AWS CLI would (awsume keys import {profile} moves them)",
                    display(&files.credentials)
                ));
            }
        }
        KeysCommand::Import { profile, all } => {
            let names = match (profile, all) {
                (Some(name), false) => vec![name],
                (None, true) => importable(&files)?,
                _ => bail!("keys import takes a profile, or --all"),
            };
            let keychain = keychain()?;
            for name in names {
                let Some(keys) = credentials_file_keys(&files, &name)? else {
                    bail!(
                        "profile \"{name}\": no aws_access_key_id and aws_secret_access_key in {}",
                        display(&files.credentials)
                    );
                };
                keychain.set(&name, &keys).with_context(|| format!("profile \"{name}\""))?;
                // Stored first, removed from the file after: a failure never loses the keys.
                edit::update(&files.credentials, edit::Holds::Secrets, |text| {
                    Ok(edit::remove_keys(text, &name, &KEY_NAMES))
                })?;
                use_keychain(&files, &name)?;
                messages::note(&format!(
                    "profile \"{name}\": key {} moved into {}",
                    keys.access_key_id, keychain.name
                ));
            }
        }
        KeysCommand::List => {
            let config = Config::load(files.clone())?;
            let keychain = keychain()?;
            let mut rows = vec![vec!["PROFILE".to_string(), "ACCESS KEY ID".into(), "NOTE".into()]];
            for (name, profile) in &config.profiles {
                let Some(own) = profile.get("credential_process").and_then(own_process_profile) else {
                    continue;
                };
                let key = keychain
                    .get(&own)?
                    .map(|k| k.access_key_id)
                    .unwrap_or_else(|| "(not in the keychain)".into());
                let note = if profile.get("aws_access_key_id").is_some() {
                    format!("also in {}: that one is used", display(&files.credentials))
                } else {
                    String::new()
                };
                rows.push(vec![name.clone(), key, note]);
            }
            deliver::stdout(&deliver::text::table(&rows))?;
        }
        KeysCommand::Remove { profile } => {
            let keychain = keychain()?;
            let removed = keychain.remove(&profile)?;
            edit::update(&files.config, edit::Holds::Settings, |text| {
                Ok(edit::remove_keys(text, &header(&profile), &["credential_process"]))
            })?;
            messages::note(&format!(
                "profile \"{profile}\": {}",
                if removed {
                    format!("its keys left {}", keychain.name)
                } else {
                    format!("{} held no keys for it", keychain.name)
                }
            ));
        }
        KeysCommand::ExportPlaintext { profile } => {
            let keychain = keychain()?;
            let Some(keys) = keychain.get(&profile)? else {
                bail!("profile \"{profile}\": {} holds no keys for it", keychain.name);
            };
            let pairs = [
                ("aws_access_key_id", keys.access_key_id.as_str()),
                ("aws_secret_access_key", keys.secret_access_key.expose()),
            ];
            edit::update(&files.credentials, edit::Holds::Secrets, |text| {
                edit::set_keys(text, &profile, &pairs)
            })?;
            edit::update(&files.config, edit::Holds::Settings, |text| {
                Ok(edit::remove_keys(text, &header(&profile), &["credential_process"]))
            })?;
            keychain.remove(&profile)?;
            messages::note(&format!(
                "profile \"{profile}\": its keys are in {} again, in plain text",
                display(&files.credentials)
            ));
        }
        KeysCommand::Rotate { profile, common } => rotate(&files, &profile, choice, &common)?,
        KeysCommand::Process { profile } => {
            let (keys, keychain) =
                crate::keychain::read(choice, &profile).with_context(|| format!("profile \"{profile}\""))?;
            let Some(keys) = keys else {
                bail!("profile \"{profile}\": {keychain} holds no keys for it (awsume keys add {profile})");
            };
            deliver::stdout(&deliver::json::render(&Credentials::from(keys), false))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `keys rotate`: where the keys live (the keychain or the credentials file) they are replaced.
fn rotate(files: &Files, profile: &str, choice: Choice, common: &crate::cli::CommonArgs) -> Result<()> {
    let config = Config::load(files.clone())?;
    let section = config.profile(profile)?;
    let in_keychain = section.get("aws_access_key_id").is_none()
        && section.get("credential_process").and_then(own_process_profile).as_deref() == Some(profile);
    let keychain = if in_keychain { Some(Keychain::open(choice)?) } else { None };
    let old = match &keychain {
        Some(k) => k.get(profile)?,
        None => credentials_file_keys(files, profile)?,
    };
    let Some(old) = old else {
        bail!(
            "profile \"{profile}\" has no long-term keys to rotate, in the keychain or {}",
            display(&files.credentials)
        );
    };
    let old = Credentials::from(old);
    let timeout = std::time::Duration::from_secs(common.timeout.max(1));
    // As aws-vault: with mfa_serial, IAM is asked through the MFA session.
    let signer = if section.get("mfa_serial").is_some() {
        let prepared = crate::request::prepare(crate::request::Request::new(Some(profile), common))?;
        crate::resolve::resolve(&prepared.plan, &prepared.options)?
    } else {
        old.clone()
    };
    let iam = crate::resolve::Iam::new(timeout)?;
    let user = iam.user_of(&old).with_context(|| format!("profile \"{profile}\""))?;
    let new = iam
        .create(&signer, &user)
        .with_context(|| format!("profile \"{profile}\": the old key {} still works", old.access_key_id))?;
    let undo = |e: anyhow::Error| {
        e.context(format!(
            "profile \"{profile}\": the old key {} still works and stays; delete the new one: aws iam delete-access-key --user-name {user} --access-key-id {}",
            old.access_key_id, new.access_key_id
        ))
    };
    iam.check(&new).map_err(undo)?;
    let stored =
        Keys { access_key_id: new.access_key_id.clone(), secret_access_key: new.secret_access_key.clone() };
    match &keychain {
        Some(k) => k.set(profile, &stored).map_err(undo)?,
        None => {
            let pairs = [
                ("aws_access_key_id", new.access_key_id.as_str()),
                ("aws_secret_access_key", new.secret_access_key.expose()),
            ];
            edit::update(&files.credentials, edit::Holds::Secrets, |text| {
                edit::set_keys(text, profile, &pairs)
            })
            .map_err(undo)?;
        }
    }
    iam.delete(&signer, &user, &old.access_key_id).map_err(|e| {
        e.context(format!(
            "profile \"{profile}\": the new key {} is stored and works; delete the old one: aws iam delete-access-key --user-name {user} --access-key-id {}",
            new.access_key_id, old.access_key_id
        ))
    })?;
    messages::note(&format!(
        "profile \"{profile}\": key {} replaced by {}",
        old.access_key_id, new.access_key_id
    ));
    Ok(())
}

fn header(profile: &str) -> String {
    if profile == "default" { profile.to_string() } else { format!("profile {profile}") }
}

/// The profile's config section gets awsume's `credential_process` line.
fn use_keychain(files: &Files, profile: &str) -> Result<()> {
    let exe = std::env::current_exe().context("cannot tell where this awsume is")?;
    let line = process_line(&exe, profile);
    edit::update(&files.config, edit::Holds::Settings, |text| {
        edit::set_keys(text, &header(profile), &[("credential_process", line.as_str())])
    })
}

/// The long-term keys the credentials file holds for `profile`.
fn credentials_file_keys(files: &Files, profile: &str) -> Result<Option<Keys>> {
    let text = crate::files::read_optional(&files.credentials)?.unwrap_or_default();
    let get = |key: &str| edit::get(&text, profile, key).filter(|v| !v.is_empty());
    if get("aws_session_token").is_some() {
        bail!(
            "profile \"{profile}\": temporary keys (with aws_session_token) are not moved into the keychain"
        );
    }
    Ok(get("aws_access_key_id")
        .zip(get("aws_secret_access_key"))
        .map(|(id, secret)| Keys { access_key_id: id, secret_access_key: Secret::new(secret) }))
}

/// Every section of the credentials file with long-term keys a person wrote (not awsume's).
fn importable(files: &Files) -> Result<Vec<String>> {
    let text = crate::files::read_optional(&files.credentials)?.unwrap_or_default();
    Ok(edit::headers(&text)
        .into_iter()
        .filter(|h| {
            edit::get(&text, h, "aws_access_key_id").is_some()
                && edit::get(&text, h, "aws_session_token").is_none()
        })
        .filter(|h| edit::get(&text, h, "manager").as_deref() != Some("awsume"))
        .collect())
}

fn from_env() -> Result<Keys> {
    match (crate::environment::var("AWS_ACCESS_KEY_ID"), crate::environment::var("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => Ok(Keys { access_key_id: id, secret_access_key: Secret::new(secret) }),
        _ => bail!(
            "--env takes AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment: both must be set"
        ),
    }
}

/// Asked on the terminal; the secret is not echoed.
fn asked(profile: &str) -> Result<Keys> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        bail!(
            "keys add {profile}: no terminal to ask on; use --env (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)"
        );
    }
    let id = inquire::Text::new("Access key ID:").prompt().map_err(|e| anyhow::anyhow!("{e}"))?;
    let secret = inquire::Password::new("Secret access key:")
        .without_confirmation()
        .prompt()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Keys { access_key_id: id.trim().to_string(), secret_access_key: Secret::new(secret.trim()) })
}
