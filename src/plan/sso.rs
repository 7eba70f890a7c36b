//! IAM Identity Center profiles: where to sign in and which role, from either config form.

use anyhow::{Result, anyhow, bail};

use super::Sso;
use crate::config::{Config, Profile};
use crate::files::display;

/// Where `[sso-session NAME]` signs in (no account or role: `sso populate` finds those).
pub fn session(config: &Config, name: &str) -> Result<Sso> {
    let section = config
        .sso_sessions
        .get(name)
        .ok_or_else(|| anyhow!("no [sso-session {name}] section in {}", display(&config.files.config)))?;
    let need = |key: &str| {
        section.get(key).map(str::to_string).ok_or_else(|| {
            anyhow!("[sso-session {name}] in {}: {key} is not set", display(&config.files.config))
        })
    };
    Ok(Sso {
        start_url: need("sso_start_url")?,
        region: region(section, &need("sso_start_url")?)?,
        session: Some(name.to_string()),
        scopes: scopes(section.get("sso_registration_scopes")),
        account_id: String::new(),
        role_name: String::new(),
        redirect_port: port(section, "sso_redirect_port")?,
    })
}

/// `sso_region`, else the region the start URL's host names (`…portal.REGION.app.aws`); awsapps
/// hosts name none.
fn region(section: &Profile, start_url: &str) -> Result<String> {
    match section.get("sso_region") {
        Some(region) => Ok(region.to_string()),
        None => super::start_url::region_of(start_url).ok_or_else(|| {
            anyhow!(
                "{}: sso_region is not set, and the start URL {start_url} names no region (set sso_region)",
                section.at()
            )
        }),
    }
}

/// A port setting (`sso_redirect_port`, `login_redirect_port`): 1024–65535.
pub fn port(section: &Profile, key: &str) -> Result<Option<u16>> {
    let Some(text) = section.get(key) else { return Ok(None) };
    match text.parse::<u16>() {
        Ok(port) if port >= 1024 => Ok(Some(port)),
        _ => bail!("{}: {key} {text:?} is not a port from 1024 to 65535", section.at()),
    }
}

fn scopes(text: Option<&str>) -> Vec<String> {
    text.map(|s| s.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect())
        .unwrap_or_else(|| vec!["sso:account:access".to_string()])
}

/// The SSO settings of `profile`: `sso_session` and its `[sso-session]` section, or the legacy
/// `sso_start_url` + `sso_region` on the profile itself.
pub(super) fn settings(config: &Config, profile: &Profile) -> Result<Sso> {
    let need = |key: &str| {
        profile.get(key).map(str::to_string).ok_or_else(|| anyhow!("{}: SSO needs {key}", profile.at()))
    };
    // Where to sign in comes first: a missing [sso-session] is the cause of everything after it.
    let (start_url, region, session, scopes, redirect_port) = match profile.get("sso_session") {
        None => (need("sso_start_url")?, need("sso_region")?, None, Vec::new(), None),
        Some(name) => {
            let section = config.sso_sessions.get(name).ok_or_else(|| {
                anyhow!(
                    "{}: sso_session {name:?} has no [sso-session {name}] section in {}",
                    profile.at(),
                    display(&config.files.config)
                )
            })?;
            let from_session = |key: &str| {
                section.get(key).map(str::to_string).ok_or_else(|| {
                    anyhow!("[sso-session {name}] in {}: {key} is not set", display(&config.files.config))
                })
            };
            let start_url = from_session("sso_start_url")?;
            let region = region(section, &start_url)?;
            for (key, value) in [("sso_start_url", &start_url), ("sso_region", &region)] {
                if let Some(own) = profile.get(key).filter(|own| own != value) {
                    bail!("{}: {key} {own:?} differs from {value:?} in [sso-session {name}]", profile.at());
                }
            }
            let scopes = scopes(section.get("sso_registration_scopes"));
            (start_url, region, Some(name.to_string()), scopes, port(section, "sso_redirect_port")?)
        }
    };
    let (account_id, role_name) = (need("sso_account_id")?, need("sso_role_name")?);
    Ok(Sso { start_url, region, session, scopes, account_id, role_name, redirect_port })
}

#[cfg(test)]
mod tests {
    use super::super::{Options, Source, plan};
    use crate::config::tests::config;

    #[test]
    fn sso_in_both_forms_and_its_errors() {
        let c = config(
            "[profile legacy]\nsso_start_url = https://a.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 1\nsso_role_name = R\n\
             [profile modern]\nsso_session = corp\nsso_account_id = 2\nsso_role_name = Admin\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-2\nsso_registration_scopes = sso:account:access, x\n\
             [profile ghost]\nsso_session = nope\n\
             [profile mismatch]\nsso_session = corp\nsso_start_url = https://other/start\nsso_account_id = 2\nsso_role_name = Admin\n\
             [profile norole]\nsso_session = corp\nsso_account_id = 2\n\
             [profile on-sso]\nrole_arn = arn:aws:iam::3:role/x\nsource_profile = modern\n",
            "",
        );
        let sso_of = |name: &str| match plan(&c, name, &Options::default()).map(|p| p.source) {
            Ok(Source::Sso(s)) => Ok(s),
            Ok(other) => panic!("{other:?}"),
            Err(e) => Err(e.to_string()),
        };
        let legacy = sso_of("legacy").unwrap();
        assert_eq!(
            (legacy.start_url.as_str(), legacy.region.as_str(), legacy.session),
            ("https://a.awsapps.com/start", "eu-west-1", None)
        );
        let modern = sso_of("modern").unwrap();
        assert_eq!(
            (modern.region.as_str(), modern.session.as_deref(), modern.scopes.len()),
            ("us-east-2", Some("corp"), 2)
        );
        assert!(
            sso_of("ghost").unwrap_err().contains("sso_session \"nope\" has no [sso-session nope] section")
        );
        assert!(sso_of("mismatch").unwrap_err().contains("sso_start_url \"https://other/start\" differs"));
        assert!(sso_of("norole").unwrap_err().contains("SSO needs sso_role_name"));
        assert_eq!(sso_of("on-sso").unwrap().role_name, "Admin");
        assert_eq!(plan(&c, "on-sso", &Options::default()).unwrap().hops.len(), 1);
    }
}
