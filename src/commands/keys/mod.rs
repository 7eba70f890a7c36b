//! `awsume keys`: long-term access keys kept in the OS keychain instead of `~/.aws/credentials`.
//! `add`, `import` (out of the credentials file: every other byte kept, a section left empty
//! removed), `list` (never a secret), `remove`, `rotate`, `export-plaintext` (the way back), and
//! `process`, the `credential_process` that lets every other tool read them. One function each;
//! `rotate` in its own file.

mod rotate;

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
    match args.command {
        KeysCommand::Add { profile, env } => add(&files, choice, &profile, env),
        KeysCommand::Import { profile, all } => import(&files, choice, profile, all),
        KeysCommand::List => list(&files, choice),
        KeysCommand::Remove { profile } => remove(&files, choice, &profile),
        KeysCommand::ExportPlaintext { profile } => export_plaintext(&files, choice, &profile),
        KeysCommand::Rotate { profile, common } => rotate::rotate(&files, &profile, choice, &common),
        KeysCommand::Process { profile } => process(choice, &profile),
    }?;
    Ok(ExitCode::SUCCESS)
}

/// `keys add`: asked on the terminal (or `--env`), stored, and the profile pointed at the keychain.
fn add(files: &Files, choice: Choice, profile: &str, env: bool) -> Result<()> {
    // The name is checked before anything is asked or stored.
    edit::profile_header(profile)?;
    let keys = if env { from_env()? } else { asked(profile)? };
    let keychain = Keychain::open(choice).with_context(|| format!("profile \"{profile}\""))?;
    keychain.set(profile, &keys)?;
    use_keychain(files, profile)?;
    messages::note(&format!("profile \"{profile}\": key {} is in {}", keys.access_key_id, keychain.name));
    if credentials_file_keys(files, profile)?.is_some() {
        messages::note(&format!(
            "{} also holds keys for \"{profile}\": they are used while they are there, as the AWS CLI would (awsume keys import {profile} moves them)",
            display(&files.credentials)
        ));
    }
    Ok(())
}

/// `keys import NAME | --all`: stored first, then removed from the file, under its lock and only
/// while the file still holds the very keys stored (a key replaced meanwhile stays where it is).
fn import(files: &Files, choice: Choice, profile: Option<String>, all: bool) -> Result<()> {
    let names = match (profile, all) {
        (Some(name), false) => vec![name],
        (None, true) => importable(files)?,
        _ => bail!("keys import takes a profile, or --all"),
    };
    let keychain = Keychain::open(choice)?;
    for name in names {
        edit::profile_header(&name)?;
        let Some(keys) = credentials_file_keys(files, &name)? else {
            bail!(
                "profile \"{name}\": no aws_access_key_id and aws_secret_access_key in {}",
                display(&files.credentials)
            );
        };
        keychain.set(&name, &keys).with_context(|| format!("profile \"{name}\""))?;
        edit::update(&files.credentials, edit::Holds::Secrets, |text| {
            if keys_in(text, &name).as_ref().is_none_or(|now| !now.same_as(&keys)) {
                bail!(
                    "profile \"{name}\": its keys changed while they were being stored; nothing was removed (the keychain holds {}): run keys import {name} again",
                    keys.access_key_id
                );
            }
            Ok(edit::remove_keys(text, &name, &KEY_NAMES))
        })?;
        use_keychain(files, &name)?;
        messages::note(&format!(
            "profile \"{name}\": key {} moved into {}",
            keys.access_key_id, keychain.name
        ));
    }
    Ok(())
}

/// `keys list`: every profile whose credential_process is awsume's, with its key id.
fn list(files: &Files, choice: Choice) -> Result<()> {
    let config = Config::load(files.clone())?;
    let keychain = Keychain::open(choice)?;
    let mut rows = vec![vec!["PROFILE".to_string(), "ACCESS KEY ID".into(), "NOTE".into()]];
    for (name, profile) in &config.profiles {
        let Some(own) = profile.get("credential_process").and_then(own_process_profile) else { continue };
        let key =
            keychain.get(&own)?.map(|k| k.access_key_id).unwrap_or_else(|| "(not in the keychain)".into());
        let note = if profile.get("aws_access_key_id").is_some() {
            format!("also in {}: that one is used", display(&files.credentials))
        } else {
            String::new()
        };
        rows.push(vec![name.clone(), key, note]);
    }
    deliver::stdout(&deliver::text::table(&rows))
}

/// `keys remove`: the entry goes, and the profile's credential_process line with it.
fn remove(files: &Files, choice: Choice, profile: &str) -> Result<()> {
    let header = edit::profile_header(profile)?;
    let keychain = Keychain::open(choice)?;
    let removed = keychain.remove(profile)?;
    edit::update(&files.config, edit::Holds::Settings, |text| {
        Ok(edit::remove_keys(text, &header, &["credential_process"]))
    })?;
    let what = if removed {
        format!("its keys left {}", keychain.name)
    } else {
        format!("{} held no keys for it", keychain.name)
    };
    messages::note(&format!("profile \"{profile}\": {what}"));
    Ok(())
}

/// `keys export-plaintext`: the way back into the credentials file.
fn export_plaintext(files: &Files, choice: Choice, profile: &str) -> Result<()> {
    let header = edit::profile_header(profile)?;
    let keychain = Keychain::open(choice)?;
    let Some(keys) = keychain.get(profile)? else {
        bail!("profile \"{profile}\": {} holds no keys for it", keychain.name);
    };
    let pairs = [
        ("aws_access_key_id", keys.access_key_id.as_str()),
        ("aws_secret_access_key", keys.secret_access_key.expose()),
    ];
    edit::update(&files.credentials, edit::Holds::Secrets, |text| edit::set_keys(text, profile, &pairs))?;
    edit::update(&files.config, edit::Holds::Settings, |text| {
        Ok(edit::remove_keys(text, &header, &["credential_process"]))
    })?;
    keychain.remove(profile)?;
    messages::note(&format!(
        "profile \"{profile}\": its keys are in {} again, in plain text",
        display(&files.credentials)
    ));
    Ok(())
}

/// `keys process`: the keys as credential_process JSON, for every tool but awsume.
fn process(choice: Choice, profile: &str) -> Result<()> {
    let (keys, keychain) =
        crate::keychain::read(choice, profile).with_context(|| format!("profile \"{profile}\""))?;
    let Some(keys) = keys else {
        bail!("profile \"{profile}\": {keychain} holds no keys for it (awsume keys add {profile})");
    };
    deliver::stdout(&deliver::json::render(&Credentials::from(keys), false))
}

/// The profile's config section gets awsume's `credential_process` line.
fn use_keychain(files: &Files, profile: &str) -> Result<()> {
    let exe = std::env::current_exe().context("cannot tell where this awsume is")?;
    let line = process_line(&exe, profile);
    let header = edit::profile_header(profile)?;
    edit::update(&files.config, edit::Holds::Settings, |text| {
        edit::set_keys(text, &header, &[("credential_process", line.as_str())])
    })
}

/// The long-term keys the credentials file holds for `profile`.
fn credentials_file_keys(files: &Files, profile: &str) -> Result<Option<Keys>> {
    let text = crate::files::read_optional(&files.credentials)?.unwrap_or_default();
    if edit::get(&text, profile, "aws_session_token").is_some_and(|v| !v.is_empty()) {
        bail!(
            "profile \"{profile}\": temporary keys (with aws_session_token) are not moved into the keychain"
        );
    }
    Ok(keys_in(&text, profile))
}

/// The keys of section `[profile]` of a credentials file's text.
fn keys_in(text: &str, profile: &str) -> Option<Keys> {
    let get = |key: &str| edit::get(text, profile, key).filter(|v| !v.is_empty());
    get("aws_access_key_id")
        .zip(get("aws_secret_access_key"))
        .map(|(id, secret)| Keys { access_key_id: id, secret_access_key: Secret::new(secret) })
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
