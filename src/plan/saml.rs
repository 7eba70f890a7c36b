//! SAML profiles: an identity provider's assertion, from the person's own browser (`saml_url`) or a
//! command (`saml_process`), exchanged for a role with AssumeRoleWithSAML.

use anyhow::{Result, bail};

use super::{Hop, Options};
use crate::config::Profile;

/// A SAML profile: where the assertion comes from and which of its roles to assume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saml {
    pub sign_in: SamlSignIn,
    /// The role to assume; `None`: the assertion's only one, else a choice.
    pub role_arn: Option<String>,
    /// The identity provider; `None`: the one the assertion pairs with the role.
    pub principal_arn: Option<String>,
    /// `duration_seconds` (the target's `--role-duration`); `None`: the assertion's SessionDuration.
    pub duration_seconds: Option<i32>,
    /// `saml_browser`: the command line of the browser to sign in with.
    pub browser: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SamlSignIn {
    /// `saml_url`: the identity provider's IdP-initiated sign-in URL for its AWS app.
    Url(String),
    /// `saml_process`: a command that prints a base64 SAMLResponse.
    Process(String),
}

impl Saml {
    /// What identifies the sign-in (the URL or the command): the key of its kept assertion.
    pub fn origin(&self) -> &str {
        match &self.sign_in {
            SamlSignIn::Url(url) => url,
            SamlSignIn::Process(command) => command,
        }
    }

    /// The role cache entry of `role_arn` assumed through this sign-in.
    pub fn hop(&self, profile: &str, role_arn: &str) -> Hop {
        Hop {
            duration_seconds: self.duration_seconds,
            saml: Some(self.origin().to_string()),
            ..Hop::new(profile, role_arn)
        }
    }
}

/// The keys that make a profile a SAML one.
pub const KEYS: [&str; 2] = ["saml_url", "saml_process"];

pub fn is_saml(profile: &Profile) -> bool {
    KEYS.iter().any(|key| profile.get(key).is_some())
}

/// The SAML settings of `profile`; the flags (`--role-duration`) reach the target's only.
pub(super) fn settings(profile: &Profile, is_target: bool, opts: &Options) -> Result<Saml> {
    let (url, process) = (profile.get("saml_url"), profile.get("saml_process"));
    let sign_in = match (url, process) {
        (Some(_), Some(_)) => bail!("{}: set saml_url or saml_process, not both", profile.at()),
        (Some(url), None) if url.starts_with("https://") || url.starts_with("http://") => {
            SamlSignIn::Url(url.to_string())
        }
        (Some(url), None) => bail!("{}: saml_url {url:?} is not an http(s) URL", profile.at()),
        (None, Some(command)) => SamlSignIn::Process(command.to_string()),
        (None, None) => bail!("{}: not a SAML profile", profile.at()),
    };
    let duration_seconds = super::values::duration_seconds(profile, is_target, opts)?;
    let arn = |key: &str| -> Result<Option<String>> {
        match profile.get(key) {
            Some(value) if value.starts_with("arn:") && !value.contains(',') => Ok(Some(value.to_string())),
            Some(value) => bail!("{}: {key} {value:?} is not an ARN", profile.at()),
            None => Ok(None),
        }
    };
    Ok(Saml {
        sign_in,
        role_arn: arn("role_arn")?,
        principal_arn: arn("principal_arn")?,
        duration_seconds,
        browser: profile.get("saml_browser").map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Options, SamlSignIn, Source, plan};
    use crate::config::tests::config;

    const FILES: &str = "\
[profile idp]
saml_url = https://idp.example.com/app/aws/sso/saml
role_arn = arn:aws:iam::111111111111:role/Admin
duration_seconds = 7200
region = eu-west-1
[profile broker]
saml_process = broker --print \"a b\"
[profile on-saml]
role_arn = arn:aws:iam::222222222222:role/Deploy
source_profile = idp
[profile both]
saml_url = https://idp
saml_process = x
[profile ftp]
saml_url = ftp://idp
[profile pair]
saml_process = x
role_arn = arn:aws:iam::1:role/a,arn:aws:iam::1:saml-provider/p
";

    #[test]
    fn saml_profiles_plan_as_a_source() {
        let c = config(FILES, "");
        let p = plan(&c, "idp", &Options::default()).unwrap();
        let Source::Saml(saml) = &p.source else { panic!("{:?}", p.source.kind()) };
        assert_eq!(saml.sign_in, SamlSignIn::Url("https://idp.example.com/app/aws/sso/saml".into()));
        assert_eq!(saml.role_arn.as_deref(), Some("arn:aws:iam::111111111111:role/Admin"));
        assert_eq!(
            (saml.duration_seconds, p.hops.len(), p.region.as_deref()),
            (Some(7200), 0, Some("eu-west-1"))
        );
        let flag = Options { role_duration: Some(900), ..Default::default() };
        let Source::Saml(saml) = plan(&c, "idp", &flag).unwrap().source else { panic!() };
        assert_eq!(saml.duration_seconds, Some(900));
        let p = plan(&c, "broker", &Options::default()).unwrap();
        assert_eq!(p.source.kind(), "SAML");
        let chained = plan(&c, "on-saml", &Options::default()).unwrap();
        assert_eq!(
            (chained.source.kind(), chained.hops.len(), chained.source_profile.as_str()),
            ("SAML", 1, "idp")
        );
        let Source::Saml(saml) = chained.source else { panic!() };
        assert_eq!(saml.duration_seconds, Some(7200), "the flag is the target's, the file the source's");
        for (name, needle) in [
            ("both", "not both"),
            ("ftp", "is not an http(s) URL"),
            ("pair", "role_arn \"arn:aws:iam::1:role/a,"),
        ] {
            let err = plan(&c, name, &Options::default()).unwrap_err().to_string();
            assert!(err.contains(needle) && err.contains(&format!("profile \"{name}\"")), "{name}: {err}");
        }
    }
}
