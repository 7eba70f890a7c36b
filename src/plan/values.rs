//! Values that roles and SAML profiles read alike: the session name STS takes and how long a
//! session lasts.

use anyhow::{Result, anyhow};

use super::Options;
use crate::config::Profile;

/// STS takes session names of 2–64 characters from `[\w+=,.@-]`.
pub fn session_name(raw: &str) -> String {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b);
    if (2..=64).contains(&raw.len()) && raw.bytes().all(allowed) {
        // Most names are already fine: one copy (`-l` names a thousand).
        return raw.to_string();
    }
    let mut name: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) { c } else { '-' })
        .take(64)
        .collect();
    if name.len() < 2 {
        name = format!("awsume-{name}");
    }
    name
}

/// `--role-duration` for the target, else the profile's `duration_seconds`.
pub fn duration_seconds(profile: &Profile, is_target: bool, opts: &Options) -> Result<Option<i32>> {
    match (is_target.then_some(opts.role_duration).flatten(), profile.get("duration_seconds")) {
        (Some(seconds), _) => Ok(Some(seconds)),
        (None, Some(text)) => text.parse::<i32>().map(Some).map_err(|_| {
            anyhow!("{}: duration_seconds {text:?} is not a whole number of seconds", profile.at())
        }),
        (None, None) => Ok(None),
    }
}
