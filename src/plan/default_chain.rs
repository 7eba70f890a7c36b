//! botocore's default chain, for `export` with no profile named: the first link that is configured
//! (environment keys, the profile's role, web identity, the profile's own credentials, the container
//! endpoint, instance metadata) is the plan.

use anyhow::{Result, bail};

use super::{Options, Plan, Source, profile, session_name};
use crate::config::Config;

/// What the default chain reads of the environment (`export` with no profile named), gathered by
/// the caller so that planning stays pure.
#[derive(Debug, Default, Clone)]
pub struct ChainEnv {
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` are both set.
    pub keys: bool,
    /// `AWS_ACCESS_KEY_ID` is set without `AWS_SECRET_ACCESS_KEY` (botocore refuses that).
    pub key_without_secret: bool,
    pub web_identity_token_file: Option<String>,
    pub role_arn: Option<String>,
    pub role_session_name: Option<String>,
    /// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `_FULL_URI` is set.
    pub container: bool,
    /// `AWS_EC2_METADATA_DISABLED=true`.
    pub imds_disabled: bool,
}

/// The links of botocore's default chain, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Environment,
    /// The chain's profile (`AWS_PROFILE`, else `default`) assumes a role.
    ProfileRole,
    WebIdentity,
    /// The chain's profile's own credentials: SSO, keys, a process.
    Profile,
    Container,
    InstanceMetadata,
}

impl Link {
    pub fn describe(self) -> &'static str {
        match self {
            Link::Environment => "the environment's keys (AWS_ACCESS_KEY_ID)",
            Link::ProfileRole => "the profile's role",
            Link::WebIdentity => "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)",
            Link::Profile => "the profile's own credentials",
            Link::Container => "the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_*_URI)",
            Link::InstanceMetadata => "instance metadata (IMDSv2)",
        }
    }
}

/// What the default chain looked at before instance metadata, for the message when nothing answers.
pub fn chain_tried(profile: &str) -> String {
    format!(
        "no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, no credentials in profile \"{profile}\", no AWS_WEB_IDENTITY_TOKEN_FILE, no AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI"
    )
}

/// botocore's default chain, for `export` without `--profile`, around `profile` (`AWS_PROFILE`, else
/// `default`): the environment's keys; the profile's role; web identity (the environment's
/// variables, else the profile's); the profile's other credentials (SSO, keys, process); the
/// container endpoint; instance metadata unless disabled. The first link configured is the plan.
/// A profile named by the environment must exist, as botocore insists.
pub fn default_chain(
    config: &Config,
    profile: &str,
    named: bool,
    opts: &Options,
    env: &ChainEnv,
) -> Result<Plan> {
    if named {
        config.profile(profile)?;
    }
    let default = config.profiles.get(profile);
    let setting = |key: &str| default.and_then(|p| p.get(key)).map(str::to_string);
    let region = opts.region.clone().or_else(|| opts.env_region.clone()).or_else(|| setting("region"));
    let plan = |link: Link, source: Source| Plan {
        profile: link_name(link, profile),
        source_profile: link_name(link, profile),
        source,
        mfa_session_serial: None,
        hops: Vec::new(),
        region: region.clone(),
        endpoint_url: None,
        ca_bundle: setting("ca_bundle"),
        metadata: super::Metadata::of(default),
        exports_profile: false,
        link: Some(link),
        mfa_process: None,
        mfa_prompt: None,
    };
    if env.keys {
        return Ok(plan(Link::Environment, Source::Environment));
    }
    if env.key_without_secret {
        bail!("AWS_ACCESS_KEY_ID is set in the environment, but AWS_SECRET_ACCESS_KEY is not");
    }
    let from_profile = |link: Link| -> Result<Plan> {
        let mut p = profile::plan(config, profile, &Options { region: region.clone(), ..opts.clone() })?;
        p.link = Some(link);
        Ok(p)
    };
    if setting("role_arn").is_some() && setting("web_identity_token_file").is_none() {
        return from_profile(Link::ProfileRole);
    }
    if let Some(token_file) =
        env.web_identity_token_file.clone().or_else(|| setting("web_identity_token_file"))
    {
        let Some(role_arn) = env.role_arn.clone().or_else(|| setting("role_arn")) else {
            bail!(
                "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set, but AWS_ROLE_ARN is not (nor role_arn in profile \"{profile}\")"
            );
        };
        let session_name = session_name(
            env.role_session_name.as_deref().or(setting("role_session_name").as_deref()).unwrap_or("awsume"),
        );
        let token = super::WebToken::File(token_file);
        return Ok(plan(Link::WebIdentity, Source::WebIdentity { token, role_arn, session_name }));
    }
    let own = [
        "aws_access_key_id",
        "aws_secret_access_key",
        "credential_process",
        "sso_session",
        "sso_start_url",
        "sso_account_id",
        "login_session",
    ];
    if own.iter().any(|key| setting(key).is_some()) {
        return from_profile(Link::Profile);
    }
    if env.container {
        return Ok(plan(Link::Container, Source::EcsContainer));
    }
    if !env.imds_disabled {
        return Ok(plan(Link::InstanceMetadata, Source::Ec2InstanceMetadata));
    }
    bail!(
        "no credentials found: {}, and instance metadata is off (AWS_EC2_METADATA_DISABLED)",
        chain_tried(profile)
    )
}

/// How the default chain's plans are named (the profile name in messages and caches).
fn link_name(link: Link, profile: &str) -> String {
    match link {
        Link::Environment => "environment",
        Link::ProfileRole | Link::Profile => profile,
        Link::WebIdentity => "web-identity",
        Link::Container => "container",
        Link::InstanceMetadata => "instance-metadata",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::config;

    #[test]
    fn the_default_chain_is_botocores() {
        let role = "[default]\nrole_arn = arn:aws:iam::1:role/d\nsource_profile = base\n[profile base]\n";
        let keys = "[default]\naws_access_key_id = A\naws_secret_access_key = S\n[base]\naws_access_key_id = B\naws_secret_access_key = S\n";
        let web = ChainEnv {
            web_identity_token_file: Some("/t".into()),
            role_arn: Some("arn:aws:iam::1:role/w".into()),
            ..Default::default()
        };
        let cases: &[(&str, &str, ChainEnv, Option<Link>)] = &[
            // config, credentials, environment, the link that answers
            (role, keys, ChainEnv { keys: true, ..Default::default() }, Some(Link::Environment)),
            (role, keys, web.clone(), Some(Link::ProfileRole)),
            ("", keys, web.clone(), Some(Link::WebIdentity)),
            ("", keys, ChainEnv::default(), Some(Link::Profile)),
            (
                "[default]\nregion = x\n",
                "",
                ChainEnv { container: true, ..Default::default() },
                Some(Link::Container),
            ),
            ("[default]\nregion = x\n", "", ChainEnv::default(), Some(Link::InstanceMetadata)),
            ("", "", ChainEnv { imds_disabled: true, ..Default::default() }, None),
        ];
        for (config_text, credentials, env, link) in cases {
            let planned =
                default_chain(&config(config_text, credentials), "default", false, &Options::default(), env);
            match (planned, link) {
                (Ok(p), Some(link)) => assert_eq!(p.link, Some(*link), "{config_text:?} {env:?}"),
                (Err(e), None) => assert!(e.to_string().contains("no credentials found"), "{e}"),
                (other, link) => panic!("{config_text:?} {env:?}: {other:?}, wanted {link:?}"),
            }
        }
        let only_token = ChainEnv { web_identity_token_file: Some("/t".into()), ..Default::default() };
        let err =
            default_chain(&config("", ""), "default", false, &Options::default(), &only_token).unwrap_err();
        assert!(err.to_string().contains("AWS_ROLE_ARN is not"), "{err}");
        let keys = ChainEnv { keys: true, ..Default::default() };
        let unknown = default_chain(&config("", ""), "nobody", true, &Options::default(), &keys).unwrap_err();
        assert!(
            unknown.to_string().contains("profile \"nobody\" not found"),
            "AWS_PROFILE must exist: {unknown}"
        );
        let named =
            default_chain(&config("[profile p]\nregion = x\n", ""), "p", true, &Options::default(), &keys);
        assert_eq!(
            named.unwrap().link,
            Some(Link::Environment),
            "the environment's keys beat AWS_PROFILE, as in botocore"
        );
    }
}
