//! Long-term access keys in the OS keychain, under service `awsume` and the profile's name as the
//! account, as a person finds them in a keychain app. On Linux: the Secret Service (GNOME Keyring,
//! KWallet, KeePassXC) over D-Bus, or the kernel's keyutils keyring where none runs (which does not
//! survive a reboot); the macOS Keychain; the Windows Credential Manager. `AWSUME_KEYCHAIN`, else the setting `keychain`, chooses: `secret-service`,
//! `keyutils` or `auto` (the Secret Service when a session bus answers, else keyutils).
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

mod store {
    use std::sync::Arc;

    use anyhow::{Result, anyhow};
    pub use keyring_core::CredentialStore;
    use keyring_core::Entry;

    use super::{Choice, SERVICE};

    #[cfg(target_os = "linux")]
    pub fn open(choice: Choice) -> Result<(Arc<CredentialStore>, &'static str)> {
        use super::HOW_TO_CHOOSE;
        let secret_service = || -> Result<Arc<CredentialStore>> {
            if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|v| v.is_empty()) {
                return Err(anyhow!("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"));
            }
            let store: Arc<CredentialStore> =
                zbus_secret_service_keyring_store::Store::new().map_err(|e| anyhow!("{e}"))?;
            Ok(store)
        };
        let keyutils = || -> Result<Arc<CredentialStore>> {
            let store: Arc<CredentialStore> =
                linux_keyutils_keyring_store::Store::new().map_err(|e| anyhow!("{e}"))?;
            Ok(store)
        };
        const KEYUTILS: &str = "the kernel keyring (keyutils; gone after a reboot)";
        match choice {
            Choice::SecretService => secret_service()
                .map(|s| (s, "the Secret Service"))
                .map_err(|e| anyhow!("the Secret Service: {e}; {HOW_TO_CHOOSE}")),
            Choice::Keyutils => keyutils().map(|s| (s, KEYUTILS)),
            Choice::Auto => match secret_service() {
                Ok(s) => Ok((s, "the Secret Service")),
                Err(_) => keyutils().map(|s| (s, KEYUTILS)),
            },
        }
    }

    /// macOS: the login Keychain (its own app shows service `awsume`, account = profile).
    #[cfg(target_os = "macos")]
    pub fn open(choice: Choice) -> Result<(Arc<CredentialStore>, &'static str)> {
        if choice != Choice::Auto {
            anyhow::bail!(
                "the Secret Service and keyutils are Linux's; macOS keeps keys in its Keychain (AWSUME_KEYCHAIN=auto)"
            );
        }
        let store: Arc<CredentialStore> =
            apple_native_keyring_store::keychain::Store::new().map_err(|e| anyhow!("{e}"))?;
        Ok((store, "the macOS Keychain"))
    }

    /// Windows: the Credential Manager.
    #[cfg(windows)]
    pub fn open(choice: Choice) -> Result<(Arc<CredentialStore>, &'static str)> {
        if choice != Choice::Auto {
            anyhow::bail!(
                "the Secret Service and keyutils are Linux's; Windows keeps keys in its Credential Manager (AWSUME_KEYCHAIN=auto)"
            );
        }
        let store: Arc<CredentialStore> =
            windows_native_keyring_store::Store::new().map_err(|e| anyhow!("{e}"))?;
        Ok((store, "the Windows Credential Manager"))
    }

    #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
    pub fn open(_: Choice) -> Result<(Arc<CredentialStore>, &'static str)> {
        anyhow::bail!("this system has no keychain awsume knows")
    }

    fn entry(store: &Arc<CredentialStore>, profile: &str) -> Result<Entry> {
        Entry::new_in_store(store, SERVICE, profile).map_err(|e| anyhow!("{e}"))
    }

    pub fn get(store: &Arc<CredentialStore>, profile: &str) -> Result<Option<String>> {
        match entry(store, profile)?.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(anyhow!("{e}")),
        }
    }

    pub fn set(store: &Arc<CredentialStore>, profile: &str, value: &str) -> Result<()> {
        entry(store, profile)?.set_password(value).map_err(|e| anyhow!("{e}"))
    }

    pub fn delete(store: &Arc<CredentialStore>, profile: &str) -> Result<bool> {
        match entry(store, profile)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(anyhow!("{e}")),
        }
    }
}

/// The keychain the user chose, open.
pub struct Keychain {
    store: std::sync::Arc<store::CredentialStore>,
    pub name: &'static str,
}

impl Keychain {
    pub fn open(choice: Choice) -> Result<Self> {
        let (store, name) = store::open(choice)?;
        Ok(Self { store, name })
    }

    /// The profile's keys; `None` when the keychain holds none for it.
    pub fn get(&self, profile: &str) -> Result<Option<Keys>> {
        let Some(text) = store::get(&self.store, profile).map_err(|e| anyhow!("{}: {e}", self.name))? else {
            return Ok(None);
        };
        let text = Secret::new(text);
        let json: serde_json::Value = serde_json::from_str(text.expose()).map_err(|_| {
            anyhow!("{}: the entry for {profile} is not awsume's (service awsume)", self.name)
        })?;
        match (json["AccessKeyId"].as_str(), json["SecretAccessKey"].as_str()) {
            (Some(id), Some(secret)) => {
                Ok(Some(Keys { access_key_id: id.to_string(), secret_access_key: Secret::new(secret) }))
            }
            _ => bail!("{}: the entry for {profile} holds no AccessKeyId and SecretAccessKey", self.name),
        }
    }

    pub fn set(&self, profile: &str, keys: &Keys) -> Result<()> {
        let value = Secret::new(
            serde_json::json!({ "AccessKeyId": keys.access_key_id, "SecretAccessKey": keys.secret_access_key.expose() })
                .to_string(),
        );
        store::set(&self.store, profile, value.expose()).map_err(|e| anyhow!("{}: {e}", self.name))
    }

    /// True when there was an entry to remove.
    pub fn remove(&self, profile: &str) -> Result<bool> {
        store::delete(&self.store, profile).map_err(|e| anyhow!("{}: {e}", self.name))
    }
}

/// The `credential_process` line that makes a profile read its keys from the keychain.
pub fn process_line(exe: &std::path::Path, profile: &str) -> String {
    let exe = exe.to_string_lossy();
    let quote = |text: &str| {
        if text.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+=:@,".contains(&b)) {
            text.to_string()
        } else {
            crate::deliver::quote::posix_quote(text)
        }
    };
    format!("{} keys process {}", quote(&exe), quote(profile))
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
    }
}
