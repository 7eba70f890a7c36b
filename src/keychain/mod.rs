//! Long-term access keys in the OS keychain, under service `awsume` and the profile's name as the
//! account, as a person finds them in a keychain app. On Linux: the Secret Service (GNOME Keyring,
//! KWallet, KeePassXC) over D-Bus (`quick.rs` reads, `secret_service.rs` writes and unlocks), or
//! the kernel's keyutils keyring where none runs (which does not survive a reboot); the macOS
//! Keychain; the Windows Credential Manager (keyring-core's stores). `AWSUME_KEYCHAIN`, else the
//! setting `keychain`, chooses: `secret-service`, `keyutils` or `auto` (the Secret Service when it
//! answers on a session bus, else keyutils).
//! A profile's config says `credential_process = awsume keys process NAME`, so every other tool
//! works unchanged; the planner recognises that line (`plan::keychain_profile`) and awsume reads
//! the keychain itself.

use anyhow::{Result, anyhow, bail};

use crate::credentials::Secret;

/// The keychain entry's service name.
const SERVICE: &str = "awsume";

/// The keys a profile keeps in the keychain.
pub struct Keys {
    pub access_key_id: String,
    pub secret_access_key: Secret,
}

impl Keys {
    /// The same key, secret and all.
    pub fn same_as(&self, other: &Keys) -> bool {
        self.access_key_id == other.access_key_id
            && self.secret_access_key.expose() == other.secret_access_key.expose()
    }
}

impl From<Keys> for crate::credentials::Credentials {
    /// Long-term keys: no token, no expiry.
    fn from(keys: Keys) -> Self {
        Self {
            access_key_id: keys.access_key_id,
            secret_access_key: keys.secret_access_key,
            session_token: None,
            expiration: None,
            account_id: None,
        }
    }
}

/// Which keychain to use, as the user chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Auto,
    SecretService,
    Keyutils,
}

impl Choice {
    /// `AWSUME_KEYCHAIN`, else the setting, else `auto`.
    pub fn current(setting: Option<&str>) -> Result<Self> {
        let (value, from) = match crate::environment::var("AWSUME_KEYCHAIN") {
            Some(v) => (v, "AWSUME_KEYCHAIN"),
            None => (setting.unwrap_or("auto").to_string(), "the keychain setting"),
        };
        match value.as_str() {
            "auto" => Ok(Choice::Auto),
            "secret-service" => Ok(Choice::SecretService),
            "keyutils" => Ok(Choice::Keyutils),
            other => bail!("{from} is {other:?}: choose secret-service, keyutils or auto"),
        }
    }
}

/// How to choose another keychain, for messages.
#[cfg(target_os = "linux")]
const HOW_TO_CHOOSE: &str =
    "choose one with AWSUME_KEYCHAIN=secret-service|keyutils (or `awsume --config set keychain …`)";

#[cfg(target_os = "linux")]
mod quick;
#[cfg(target_os = "linux")]
mod secret_service;

#[cfg(target_os = "linux")]
const SECRET_SERVICE: &str = "the Secret Service";

/// A profile's keys for a run that only reads them (resolution, `keys process`), and the name of
/// the keychain asked. Where the Secret Service is the choice (or `auto`, with a session bus): one
/// quick read on the wire (`quick.rs`); anything unusual there (a locked keyring, two entries, an
/// address it does not read) goes to the full client, which unlocks or says what is wrong.
pub fn read(choice: Choice, profile: &str) -> Result<(Option<Keys>, &'static str)> {
    #[cfg(target_os = "linux")]
    if choice != Choice::Keyutils
        && let Some(address) = crate::environment::var("DBUS_SESSION_BUS_ADDRESS")
    {
        match quick::read(&address, SERVICE, profile) {
            Ok(quick::Answer::Found(text)) => {
                return Ok((Some(keys_of(&text, profile, SECRET_SERVICE)?), SECRET_SERVICE));
            }
            Ok(quick::Answer::Missing) => return Ok((None, SECRET_SERVICE)),
            Ok(quick::Answer::NoService) if choice == Choice::Auto => {
                crate::messages::debug!("no Secret Service on the session bus: the kernel keyring");
                let keychain = Keychain::open(Choice::Keyutils)?;
                return Ok((keychain.get(profile)?, keychain.name));
            }
            Ok(quick::Answer::NoService) => {}
            Err(why) => crate::messages::debug!("the Secret Service through the full client: {why}"),
        }
    }
    let keychain = Keychain::open(choice)?;
    Ok((keychain.get(profile)?, keychain.name))
}

/// The keys in an entry's text (awsume's JSON).
fn keys_of(text: &Secret, profile: &str, keychain: &str) -> Result<Keys> {
    let json: serde_json::Value = serde_json::from_str(text.expose())
        .map_err(|_| anyhow!("{keychain}: the entry for {profile} is not awsume's (service awsume)"))?;
    match (json["AccessKeyId"].as_str(), json["SecretAccessKey"].as_str()) {
        (Some(id), Some(secret)) => {
            Ok(Keys { access_key_id: id.to_string(), secret_access_key: Secret::new(secret) })
        }
        _ => bail!("{keychain}: the entry for {profile} holds no AccessKeyId and SecretAccessKey"),
    }
}

/// What holds the entries: our own Secret Service client, or one of keyring-core's stores.
enum Store {
    #[cfg(target_os = "linux")]
    SecretService(secret_service::SecretService),
    Keyring(std::sync::Arc<keyring_core::CredentialStore>),
}

/// Which keychain to open on Linux: the Secret Service when chosen or (auto) when it answers, else
/// the kernel's keyutils.
#[cfg(target_os = "linux")]
fn open_store(choice: Choice) -> Result<(Store, &'static str)> {
    const KEYUTILS: &str = "the kernel keyring (keyutils; gone after a reboot)";
    let keyutils = || -> Result<(Store, &'static str)> {
        let store: std::sync::Arc<keyring_core::CredentialStore> =
            linux_keyutils_keyring_store::Store::new().map_err(|e| anyhow!("{e}"))?;
        Ok((Store::Keyring(store), KEYUTILS))
    };
    let secret_service = || secret_service::SecretService::connect().map(Store::SecretService);
    match choice {
        Choice::SecretService => secret_service()
            .map(|s| (s, SECRET_SERVICE))
            .map_err(|e| anyhow!("{SECRET_SERVICE}: {e:#}; {HOW_TO_CHOOSE}")),
        Choice::Keyutils => keyutils(),
        Choice::Auto => match secret_service() {
            Ok(s) => Ok((s, SECRET_SERVICE)),
            Err(_) => keyutils(),
        },
    }
}

/// macOS: the login Keychain (its own app shows service `awsume`, account = profile).
#[cfg(target_os = "macos")]
fn open_store(choice: Choice) -> Result<(Store, &'static str)> {
    if choice != Choice::Auto {
        bail!(
            "the Secret Service and keyutils are Linux's; macOS keeps keys in its Keychain (AWSUME_KEYCHAIN=auto)"
        );
    }
    let store: std::sync::Arc<keyring_core::CredentialStore> =
        apple_native_keyring_store::keychain::Store::new().map_err(|e| anyhow!("{e}"))?;
    Ok((Store::Keyring(store), "the macOS Keychain"))
}

/// Windows: the Credential Manager.
#[cfg(windows)]
fn open_store(choice: Choice) -> Result<(Store, &'static str)> {
    if choice != Choice::Auto {
        bail!(
            "the Secret Service and keyutils are Linux's; Windows keeps keys in its Credential Manager (AWSUME_KEYCHAIN=auto)"
        );
    }
    let store: std::sync::Arc<keyring_core::CredentialStore> =
        windows_native_keyring_store::Store::new().map_err(|e| anyhow!("{e}"))?;
    Ok((Store::Keyring(store), "the Windows Credential Manager"))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn open_store(_: Choice) -> Result<(Store, &'static str)> {
    bail!("this system has no keychain awsume knows")
}

impl Store {
    fn entry(
        store: &std::sync::Arc<keyring_core::CredentialStore>,
        profile: &str,
    ) -> Result<keyring_core::Entry> {
        keyring_core::Entry::new_in_store(store, SERVICE, profile).map_err(|e| anyhow!("{e}"))
    }

    fn get(&self, profile: &str) -> Result<Option<Secret>> {
        match self {
            #[cfg(target_os = "linux")]
            Store::SecretService(ss) => ss.get(SERVICE, profile),
            Store::Keyring(store) => match Self::entry(store, profile)?.get_password() {
                Ok(value) => Ok(Some(Secret::new(value))),
                Err(keyring_core::Error::NoEntry) => Ok(None),
                Err(e) => Err(anyhow!("{e}")),
            },
        }
    }

    fn set(&self, profile: &str, value: &Secret) -> Result<()> {
        match self {
            #[cfg(target_os = "linux")]
            Store::SecretService(ss) => ss.set(SERVICE, profile, &label(profile), value),
            Store::Keyring(store) => {
                Self::entry(store, profile)?.set_password(value.expose()).map_err(|e| anyhow!("{e}"))
            }
        }
    }

    fn delete(&self, profile: &str) -> Result<bool> {
        match self {
            #[cfg(target_os = "linux")]
            Store::SecretService(ss) => ss.delete(SERVICE, profile),
            Store::Keyring(store) => match Self::entry(store, profile)?.delete_credential() {
                Ok(()) => Ok(true),
                Err(keyring_core::Error::NoEntry) => Ok(false),
                Err(e) => Err(anyhow!("{e}")),
            },
        }
    }
}

/// What a keychain app shows for a profile's entry.
#[cfg(target_os = "linux")]
fn label(profile: &str) -> String {
    format!("AWS access key of profile {profile} (awsume)")
}

/// The keychain the user chose, open.
pub struct Keychain {
    store: Store,
    pub name: &'static str,
}

impl Keychain {
    pub fn open(choice: Choice) -> Result<Self> {
        let (store, name) = open_store(choice)?;
        Ok(Self { store, name })
    }

    /// The profile's keys; `None` when the keychain holds none for it.
    pub fn get(&self, profile: &str) -> Result<Option<Keys>> {
        let Some(text) = self.store.get(profile).map_err(|e| anyhow!("{}: {e:#}", self.name))? else {
            return Ok(None);
        };
        keys_of(&text, profile, self.name).map(Some)
    }

    pub fn set(&self, profile: &str, keys: &Keys) -> Result<()> {
        let value = Secret::new(
            serde_json::json!({ "AccessKeyId": keys.access_key_id, "SecretAccessKey": keys.secret_access_key.expose() })
                .to_string(),
        );
        self.store.set(profile, &value).map_err(|e| anyhow!("{}: {e:#}", self.name))
    }

    /// True when there was an entry to remove.
    pub fn remove(&self, profile: &str) -> Result<bool> {
        self.store.delete(profile).map_err(|e| anyhow!("{}: {e:#}", self.name))
    }
}

/// The `credential_process` line that makes a profile read its keys from the keychain, quoted as
/// the line is read back: shell words (the AWS CLI's shlex and awsume's own reader agree on them);
/// on Windows, where the AWS CLI splits as Windows does and paths hold backslashes, the program in
/// double quotes.
pub fn process_line(exe: &std::path::Path, profile: &str) -> String {
    let exe = exe.to_string_lossy();
    if cfg!(windows) {
        let quoted = |word: &str| {
            if word.contains(char::is_whitespace) || word.contains('"') || word.is_empty() {
                format!("\"{}\"", word.replace('"', "\\\""))
            } else {
                word.to_string()
            }
        };
        return format!("\"{exe}\" keys process {}", quoted(profile));
    }
    format!("{} keys process {}", shell_words::quote(&exe), shell_words::quote(profile))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awsume_knows_its_own_credential_process_line() {
        let line = process_line(std::path::Path::new("/opt/my tools/awsume"), "prod admin");
        assert_eq!(line, "'/opt/my tools/awsume' keys process 'prod admin'");
        assert_eq!(crate::plan::keychain_profile(&line).as_deref(), Some("prod admin"));
        assert_eq!(crate::plan::keychain_profile("awsume keys process p").as_deref(), Some("p"));
        assert_eq!(crate::plan::keychain_profile("/usr/bin/aws-vault export p"), None);
        assert_eq!(crate::plan::keychain_profile("awsume export --profile p"), None);
        assert_eq!(crate::plan::keychain_profile("/opt/AWSUME.exe keys process p").as_deref(), Some("p"));
    }
}
