//! `awsume keys rotate NAME`: a new access key for the profile's IAM user (through its MFA session
//! when it has `mfa_serial`, as aws-vault does), checked, stored where the old one was (keychain or
//! credentials file), then the old one deleted. A failure after CreateAccessKey names the key to
//! delete; the old key keeps working until the new one is stored.

use anyhow::{Context, Result, bail};

use super::credentials_file_keys;
use crate::cli::CommonArgs;
use crate::config::{Config, Files, edit};
use crate::credentials::Credentials;
use crate::files::display;
use crate::keychain::{Choice, Keychain, Keys};
use crate::messages;
use crate::plan::keychain_profile as own_process_profile;

/// `keys rotate`: where the keys live (the keychain or the credentials file) they are replaced.
pub fn rotate(files: &Files, profile: &str, choice: Choice, common: &CommonArgs) -> Result<()> {
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
    let timeout = crate::request::timeout(common);
    // As aws-vault: with mfa_serial, IAM is asked through the MFA session.
    let signer = if section.get("mfa_serial").is_some() {
        let prepared = crate::request::prepare(crate::request::Request::new(Some(profile), common))?;
        crate::resolve::resolve(&prepared.plan, &prepared.options)?
    } else {
        old.clone()
    };
    let iam = crate::aws::iam::Iam::new(timeout)?;
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
