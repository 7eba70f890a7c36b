//! The user's AWS files: where they are, and the profiles, `[sso-session]` and `[services]` sections
//! they define. Knows files and INI rules, nothing about STS. Missing files are empty, not errors.

pub mod edit;
pub mod ini;
mod map;
mod names;
mod source;

pub use names::{fuzzy, profile_named};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Result, anyhow};

use self::names::{SectionKind, config_section_name, references};
use self::source::{Role, Source};
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
    /// In the order read: the config file's, then the credentials file's (a file sets a key once,
    /// so a key twice means both files set it, and the later wins). A list, not a map: a profile
    /// has a few keys, and `-l` builds a thousand profiles.
    settings: Vec<(String, String)>,
    /// The file that defines it (the config file when both do), for messages; shared, not copied.
    pub file: Rc<Path>,
    /// The credentials file has a section of this name (what `-o` would write).
    pub in_credentials: bool,
}

impl Profile {
    /// A setting, `None` when absent or empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
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
        const KEYS: [&str; 15] = [
            "aws_access_key_id",
            "aws_secret_access_key",
            "aws_session_token",
            "role_arn",
            "source_profile",
            "credential_source",
            "credential_process",
            "web_identity_token_file",
            "web_identity_token_process",
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
            .field("keys", &self.settings.iter().map(|(k, _)| k).collect::<Vec<_>>())
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

    /// Both files, but only the sections a run for `target` can reach: its own, `default`'s, those
    /// of `also`, and, from each of them on, the profiles, `[sso-session]` and `[services]` sections
    /// they name (`source_profile`, `sso_session`, `services`). What it holds of those is what
    /// `load` would hold. A file awsume has read whole before, unchanged since, is not read again:
    /// its map says where those sections are (`map`), so a call costs the same with 10 profiles or
    /// 10,000; any other is read whole, every line checked as `load` checks it, and mapped. Where
    /// `target` is in neither file, both are read whole: the message then names close profiles.
    pub fn load_reaching(files: Files, target: &str, also: &[&str]) -> Result<Self> {
        let mut config = Source::open(Role::Config, &files.config)?;
        let mut credentials = Source::open(Role::Credentials, &files.credentials)?;
        match Self::reaching(files.clone(), &mut config, &mut credentials, target, also)? {
            Some(reached) => Ok(reached),
            None => Self::load(files),
        }
    }

    /// `load_reaching` over two sources; `None` when `target` is in neither.
    fn reaching(
        files: Files,
        config: &mut Source,
        credentials: &mut Source,
        target: &str,
        also: &[&str],
    ) -> Result<Option<Self>> {
        let mut wanted: Vec<(SectionKind, String)> = Vec::new();
        for name in [target, "default"].iter().chain(also) {
            if !wanted.contains(&(SectionKind::Profile, name.to_string())) {
                wanted.push((SectionKind::Profile, name.to_string()));
            }
        }
        let mut config_taken: BTreeMap<usize, ini::Section> = BTreeMap::new();
        let mut credentials_taken: BTreeMap<usize, ini::Section> = BTreeMap::new();
        let mut next = 0;
        while let Some((kind, name)) = wanted.get(next).cloned() {
            next += 1;
            let in_config = config.sections(&kind.key(&name))?;
            let in_credentials = match kind {
                SectionKind::Profile => credentials.sections(&kind.key(&name))?,
                _ => Vec::new(),
            };
            if next == 1 && in_config.is_empty() && in_credentials.is_empty() {
                return Ok(None);
            }
            for (taken, found) in [(&mut config_taken, in_config), (&mut credentials_taken, in_credentials)] {
                for (order, section) in found {
                    for reference in references(&section) {
                        if !wanted.contains(&reference) {
                            wanted.push(reference);
                        }
                    }
                    taken.insert(order, section);
                }
            }
        }
        let config = config_taken.into_values().collect();
        let credentials = credentials_taken.into_values().collect();
        Ok(Some(Self::from_sections(files, config, credentials)))
    }

    /// `load_reaching` on two texts, read whole or (`mapped`) through their maps (tests).
    #[cfg(test)]
    pub fn reaching_texts(
        files: Files,
        config_text: &str,
        credentials_text: &str,
        target: &str,
        mapped: bool,
    ) -> Result<Self> {
        let mut config = Source::of_text(Role::Config, config_text, mapped)?;
        let mut credentials = Source::of_text(Role::Credentials, credentials_text, mapped)?;
        match Self::reaching(files.clone(), &mut config, &mut credentials, target, &[])? {
            Some(reached) => Ok(reached),
            None => Ok(Self::from_sections(files, ini::parse(config_text)?, ini::parse(credentials_text)?)),
        }
    }

    /// The names of every profile (`-l`'s and completion's list), without reading their settings.
    pub fn profile_names(files: &Files) -> Result<Vec<String>> {
        let config = Source::open(Role::Config, &files.config)?;
        let credentials = Source::open(Role::Credentials, &files.credentials)?;
        let mut names: Vec<String> = config.profile_names().chain(credentials.profile_names()).collect();
        names.sort_unstable();
        names.dedup();
        Ok(names)
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
            let name = name.into_owned();
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
                p.contains(&lower) || lower.contains(&p) || names::levenshtein(&p, &lower) <= 2
            })
            .map(String::as_str)
            .take(5)
            .collect();
        close.sort_unstable();
        if close.is_empty() { String::new() } else { format!(" (did you mean: {}?)", close.join(", ")) }
    }
}

fn read_sections(path: &Path) -> Result<Vec<ini::Section>> {
    ini::parse(&read_text(path)?).map_err(|e| anyhow!("{} {e}", display(path)))
}

/// A file's text; a missing file is empty.
fn read_text(path: &Path) -> Result<String> {
    Ok(crate::files::read_optional(path)?.unwrap_or_default())
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
