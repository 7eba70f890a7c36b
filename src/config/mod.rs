//! The user's AWS files: where they are, and the profiles, `[sso-session]` and `[services]` sections
//! they define. Knows files and INI rules, nothing about STS. Missing files are empty, not errors.

pub mod edit;
pub mod ini;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Result, anyhow};

use crate::files::{display, expand_tilde, home_dir};

/// Where the two files are: environment, then flags, then `~/.aws`.
#[derive(Debug, Clone)]
pub struct Files {
    pub config: PathBuf,
    pub credentials: PathBuf,
}

impl Files {
    pub fn locate(config_flag: Option<&Path>, credentials_flag: Option<&Path>) -> Self {
        let home = home_dir();
        let pick = |var: &str, flag: Option<&Path>, default: &str| {
            crate::environment::path(var)
                .map(|v| expand_tilde(&v))
                .or_else(|| flag.map(expand_tilde))
                .unwrap_or_else(|| home.join(".aws").join(default))
        };
        Self {
            config: pick("AWS_CONFIG_FILE", config_flag, "config"),
            credentials: pick("AWS_SHARED_CREDENTIALS_FILE", credentials_flag, "credentials"),
        }
    }
}

/// One named profile: its settings from both files, the credentials file's winning on a clash.
#[derive(Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    settings: BTreeMap<String, String>,
    /// The file that defines it (the config file when both do), for messages; shared, not copied.
    pub file: Rc<Path>,
    /// The credentials file has a section of this name (what `-o` would write).
    pub in_credentials: bool,
}

impl Profile {
    /// A setting, `None` when absent or empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings.get(key).map(String::as_str).filter(|v| !v.is_empty())
    }

    pub fn new(name: &str, file: &Rc<Path>, settings: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            name: name.to_string(),
            settings: settings.into_iter().collect(),
            file: Rc::clone(file),
            in_credentials: false,
        }
    }

    /// Whether it says anything about where credentials come from (a `[default]` with only a
    /// region says nothing).
    pub fn names_credentials(&self) -> bool {
        const KEYS: [&str; 14] = [
            "aws_access_key_id",
            "aws_secret_access_key",
            "aws_session_token",
            "role_arn",
            "source_profile",
            "credential_source",
            "credential_process",
            "web_identity_token_file",
            "sso_session",
            "sso_start_url",
            "sso_account_id",
            "login_session",
            "saml_url",
            "saml_process",
        ];
        KEYS.iter().any(|k| self.get(k).is_some())
    }

    /// How messages name it: `profile "NAME" in FILE`.
    pub fn at(&self) -> String {
        format!("profile \"{}\" in {}", self.name, display(&self.file))
    }
}

impl std::fmt::Debug for Profile {
    // Settings may hold keys: show only their names.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("keys", &self.settings.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Both files, read.
#[derive(Debug, Clone)]
pub struct Config {
    pub files: Files,
    pub profiles: BTreeMap<String, Profile>,
    pub sso_sessions: BTreeMap<String, Profile>,
    pub services: BTreeMap<String, Profile>,
}

impl Config {
    pub fn load(files: Files) -> Result<Self> {
        let config = read_sections(&files.config)?;
        let credentials = read_sections(&files.credentials)?;
        Ok(Self::from_sections(files, config, credentials))
    }

    /// Builds profiles from parsed sections; pure, so every naming rule is a unit test.
    pub fn from_sections(files: Files, config: Vec<ini::Section>, credentials: Vec<ini::Section>) -> Self {
        let mut profiles: BTreeMap<String, Profile> = BTreeMap::new();
        let mut sso_sessions = BTreeMap::new();
        let mut services = BTreeMap::new();
        let config_file: Rc<Path> = Rc::from(files.config.as_path());
        let credentials_file: Rc<Path> = Rc::from(files.credentials.as_path());
        for section in config {
            let (kind, name) = match config_section_name(&section.header) {
                Some(found) => found,
                None => continue,
            };
            let profile = Profile::new(&name, &config_file, section.entries);
            match kind {
                SectionKind::Profile => {
                    // `[profile default]` wins over `[default]`, as in the CLI.
                    if section.header.trim() == "default" && profiles.contains_key("default") {
                        continue;
                    }
                    profiles.insert(name, profile);
                }
                SectionKind::SsoSession => {
                    sso_sessions.insert(name, profile);
                }
                SectionKind::Services => {
                    services.insert(name, profile);
                }
            }
        }
        for section in credentials {
            let name = section.header.trim().to_string();
            let profile = profiles
                .entry(name.clone())
                .or_insert_with(|| Profile::new(&name, &credentials_file, Vec::new()));
            profile.settings.extend(section.entries);
            profile.in_credentials = true;
        }
        Self { files, profiles, sso_sessions, services }
    }

    pub fn profile(&self, name: &str) -> Result<&Profile> {
        self.profiles.get(name).ok_or_else(|| {
            anyhow!(
                "profile \"{name}\" not found in {} or {}{}",
                display(&self.files.config),
                display(&self.files.credentials),
                self.did_you_mean(name)
            )
        })
    }

    fn did_you_mean(&self, name: &str) -> String {
        let lower = name.to_lowercase();
        let mut close: Vec<&str> = self
            .profiles
            .keys()
            .filter(|p| {
                let p = p.to_lowercase();
                p.contains(&lower) || lower.contains(&p) || crate::settings::levenshtein(&p, &lower) <= 2
            })
            .map(String::as_str)
            .take(5)
            .collect();
        close.sort_unstable();
        if close.is_empty() { String::new() } else { format!(" (did you mean: {}?)", close.join(", ")) }
    }
}

enum SectionKind {
    Profile,
    SsoSession,
    Services,
}

/// The profile a config-file header names (`default`, `profile NAME`, quoted or not), as botocore
/// reads it; `None` for any other section.
pub fn profile_named(header: &str) -> Option<String> {
    match config_section_name(header)? {
        (SectionKind::Profile, name) => Some(name),
        _ => None,
    }
}

/// How botocore names a config-file section: `[default]`, `[profile NAME]` (NAME may be quoted),
/// `[sso-session NAME]`, `[services NAME]`; anything else is not a profile.
fn config_section_name(header: &str) -> Option<(SectionKind, String)> {
    if header == "default" {
        return Some((SectionKind::Profile, "default".into()));
    }
    for (prefix, kind) in [
        ("profile", SectionKind::Profile),
        ("sso-session", SectionKind::SsoSession),
        ("services", SectionKind::Services),
    ] {
        if let Some(rest) = header.strip_prefix(prefix) {
            if !rest.starts_with([' ', '\t']) {
                continue;
            }
            if !rest.contains(['"', '\'', '\\']) {
                let mut words = rest.split_whitespace();
                return match (words.next(), words.next()) {
                    (Some(name), None) => Some((kind, name.to_string())),
                    _ => None,
                };
            }
            let parts = shell_words::split(rest).ok()?;
            if let [name] = parts.as_slice() {
                return Some((kind, name.clone()));
            }
            return None;
        }
    }
    None
}

fn read_sections(path: &Path) -> Result<Vec<ini::Section>> {
    let Some(text) = crate::files::read_optional(path)? else { return Ok(Vec::new()) };
    ini::parse(&text).map_err(|e| anyhow!("{} {e}", display(path)))
}

#[cfg(test)]
pub mod tests {
    use super::*;

    pub fn config(config: &str, credentials: &str) -> Config {
        let files = Files { config: "/h/.aws/config".into(), credentials: "/h/.aws/credentials".into() };
        Config::from_sections(files, ini::parse(config).unwrap(), ini::parse(credentials).unwrap())
    }

    #[test]
    fn section_naming_rules() {
        let c = config(
            "[default]\nregion=a\n[profile x]\nregion=b\n[profile \"with space\"]\nk=v\n[plain]\nk=v\n\
             [sso-session corp]\nsso_region=c\n[services s]\nk=v\n[profilez]\nk=v\n",
            "[x]\naws_access_key_id=K\nregion=from-creds\n[only-creds]\nk=v\n[profile p]\nk=v\n",
        );
        let names: Vec<&str> = c.profiles.keys().map(String::as_str).collect();
        assert_eq!(names, ["default", "only-creds", "profile p", "with space", "x"]);
        assert_eq!(c.profiles["x"].get("region"), Some("from-creds"));
        assert_eq!(c.profiles["x"].get("aws_access_key_id"), Some("K"));
        assert_eq!(c.sso_sessions["corp"].get("sso_region"), Some("c"));
        assert!(c.services.contains_key("s"));
    }

    #[test]
    fn unknown_profile_suggests_close_names() {
        let c = config("[profile prod-admin]\nk=v\n[profile dev]\nk=v\n", "");
        let err = c.profile("prod-admn").unwrap_err().to_string();
        assert!(err.contains("profile \"prod-admn\" not found in /h/.aws/config"), "{err}");
        assert!(err.contains("did you mean: prod-admin?"), "{err}");
    }
}
