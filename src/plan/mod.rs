//! Planning: the target profile and the flags become a list of steps (where the first credentials come
//! from, an optional MFA session, then one AssumeRole per hop). Pure: no I/O, no clock, no environment
//! reads; every precedence rule is a table test beside the rule. Must not talk to AWS or touch files.
//! This file holds the types and `plan()`; `profile` follows a profile's chain, `default_chain` is
//! botocore's chain for `export` without a profile.

pub mod agent;
mod default_chain;
mod profile;
#[cfg(test)]
mod proptests;
mod saml;
mod sso;
pub mod start_url;
mod values;

pub use profile::keychain_profile;
pub use saml::{Saml, SamlSignIn, is_saml};
pub use values::session_name;

pub use sso::{port as redirect_port, session as sso_session};

pub use default_chain::{ChainEnv, Link, chain_tried, default_chain};

use anyhow::{Result, bail};

use crate::config::Config;
use crate::credentials::Secret;

/// The flags (and the few environment values) that change a plan.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub region: Option<String>,
    pub session_name: Option<String>,
    pub role_duration: Option<i32>,
    pub external_id: Option<String>,
    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`, at call time: the last region fallback.
    pub env_region: Option<String>,
    /// awsume's settings file: after the profiles' own values.
    pub settings: crate::settings::Settings,
    /// `--role-arn` (already a full ARN) and `--source-profile`.
    pub role_arn: Option<String>,
    pub source_profile: Option<String>,
    /// For the target role only.
    pub session: SessionOptions,
    /// `--agent`: the agent's name (`agent.rs`; the request scopes the plan).
    pub agent: Option<String>,
}

/// What `--tags`, `--session-policy[-arns]` and `--source-identity` add to the target's AssumeRole.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SessionOptions {
    /// `--tags`: Key=Value pairs, in the order given.
    pub tags: Vec<(String, String)>,
    pub policy: Option<String>,
    pub policy_arns: Vec<String>,
    pub source_identity: Option<String>,
}

/// The session name of a role given by `--role-arn` without `--session-name`, as awsume names it.
const CLI_ROLE_SESSION_NAME: &str = "awsume-cli-role";

/// Where the chain's first credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Static {
        access_key_id: String,
        secret_access_key: Secret,
        session_token: Option<Secret>,
        /// `aws_account_id` of the profile (either file).
        account_id: Option<String>,
    },
    /// `credential_source = Environment`: the key variables of the calling environment.
    Environment,
    Ec2InstanceMetadata,
    EcsContainer,
    Process {
        command: String,
        /// `credential_process_cache = true`: what it prints is kept until it is due, one run
        /// for every caller (the cache `awsume process` keeps).
        cache: bool,
    },
    WebIdentity {
        token: WebToken,
        role_arn: String,
        session_name: String,
    },
    Sso(Sso),
    /// Long-term keys in the OS keychain (`credential_process = awsume keys process NAME`).
    Keychain {
        profile: String,
    },
    /// `login_session`: an `aws login` console session, by its ARN.
    Login {
        session_arn: String,
        /// `login_redirect_port`: the sign-in's callback listens there.
        redirect_port: Option<u16>,
    },
    /// `saml_url` or `saml_process`: an identity provider's assertion, exchanged for a role.
    Saml(Saml),
}

/// Where a web identity's OIDC token comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebToken {
    /// `web_identity_token_file` (`AWS_WEB_IDENTITY_TOKEN_FILE`): read each time.
    File(String),
    /// `web_identity_token_process` (aws-vault's): a command that prints it, run once for every
    /// caller until the token's `exp`.
    Process(String),
}

/// An IAM Identity Center role, with its sign-in settings resolved from either config form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sso {
    pub start_url: String,
    /// Where the portal and OIDC calls go (`sso_region`), not the profile's region.
    pub region: String,
    /// `[sso-session NAME]`: tokens keyed by NAME and refreshable; `None` for the legacy form.
    pub session: Option<String>,
    pub scopes: Vec<String>,
    pub account_id: String,
    pub role_name: String,
    /// `sso_redirect_port`: the sign-in's callback listens there (`signin::callback`).
    pub redirect_port: Option<u16>,
}

impl Source {
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Static { session_token: None, .. } => "static keys",
            Source::Static { .. } => "static session",
            Source::Environment => "credential_source Environment",
            Source::Ec2InstanceMetadata => "credential_source Ec2InstanceMetadata",
            Source::EcsContainer => "credential_source EcsContainer",
            Source::Process { .. } => "credential_process",
            Source::WebIdentity { .. } => "web identity",
            Source::Sso(_) => "SSO",
            Source::Login { .. } => "aws login session",
            Source::Keychain { .. } => "keychain keys",
            Source::Saml(_) => "SAML",
        }
    }
}

/// One AssumeRole call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub profile: String,
    pub role_arn: String,
    pub session_name: String,
    /// The session name was chosen (flag, profile, setting), not awsume's default: the AWS CLI
    /// keys its role cache with a chosen name only.
    pub session_name_chosen: bool,
    pub external_id: Option<String>,
    pub duration_seconds: Option<i32>,
    /// Pass an MFA code with this call (when no MFA session covers it).
    pub mfa_serial: Option<String>,
    /// The role profile's own `mfa_serial`, which the AWS CLI passes (and keys its cache with).
    pub profile_mfa_serial: Option<String>,
    pub source_identity: Option<String>,
    pub tags: Vec<(String, String)>,
    pub policy: Option<String>,
    pub policy_arns: Vec<String>,
    /// Not an AssumeRole: AssumeRoleWithSAML through this sign-in (`saml_url` or `saml_process`),
    /// or AssumeRoleWithWebIdentity with this token command's tokens, which keys its role cache
    /// entry apart from every AssumeRole's.
    pub saml: Option<String>,
}

impl Hop {
    /// An AssumeRole of `role_arn` for `profile` with nothing else set (the session named after it).
    pub fn new(profile: &str, role_arn: &str) -> Self {
        Hop {
            profile: profile.to_string(),
            role_arn: role_arn.to_string(),
            session_name: session_name(profile),
            session_name_chosen: false,
            external_id: None,
            duration_seconds: None,
            mfa_serial: None,
            profile_mfa_serial: None,
            source_identity: None,
            tags: Vec::new(),
            policy: None,
            policy_arns: Vec::new(),
            saml: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub profile: String,
    /// The profile whose settings give the source (for messages and the MFA cache).
    pub source_profile: String,
    pub source: Source,
    /// `GetSessionToken` with this MFA serial on the long-term source keys, cached.
    pub mfa_session_serial: Option<String>,
    /// AssumeRole calls in the order they run (the target's role last).
    pub hops: Vec<Hop>,
    pub region: Option<String>,
    /// `endpoint_url` for STS from the target profile or its `[services]` section.
    pub endpoint_url: Option<String>,
    /// The target profile's `ca_bundle` (`AWS_CA_BUNDLE` ranks first, at resolve time).
    pub ca_bundle: Option<String>,
    /// The target profile's instance metadata settings (the environment's rank first).
    pub metadata: Metadata,
    /// Set `AWS_PROFILE` in the shell: the profile's consumers must read it themselves.
    pub exports_profile: bool,
    /// The link of the default chain that gave this plan (`export` with no profile named).
    pub link: Option<Link>,
    /// `mfa_process` of the chain's profiles (the target's first): the command that prints the code.
    pub mfa_process: Option<String>,
    /// `mfa_prompt` of the chain's profiles: how a person is asked for the code.
    pub mfa_prompt: Option<String>,
}

impl Plan {
    /// The region STS calls use.
    pub fn sts_region(&self) -> &str {
        self.region.as_deref().unwrap_or("us-east-1")
    }
}

/// A profile's instance metadata settings, as written (botocore's keys); the environment's
/// variables rank first, at resolve time.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub attempts: Option<String>,
    pub timeout: Option<String>,
    pub v1_disabled: Option<String>,
    pub endpoint: Option<String>,
    pub endpoint_mode: Option<String>,
}

impl Metadata {
    pub fn of(profile: Option<&crate::config::Profile>) -> Self {
        let get = |key: &str| profile.and_then(|p| p.get(key)).map(str::to_string);
        Self {
            attempts: get("metadata_service_num_attempts"),
            timeout: get("metadata_service_timeout"),
            v1_disabled: get("ec2_metadata_v1_disabled"),
            endpoint: get("ec2_metadata_service_endpoint"),
            endpoint_mode: get("ec2_metadata_service_endpoint_mode"),
        }
    }
}

pub fn plan(config: &Config, target: &str, opts: &Options) -> Result<Plan> {
    let mut plan = match &opts.role_arn {
        Some(role_arn) => cli_role(config, role_arn, opts)?,
        None => profile::plan(config, target, opts)?,
    };
    if let Some(last) = plan.hops.last_mut() {
        let session = opts.session.clone();
        last.tags = session.tags;
        last.policy = session.policy;
        last.policy_arns = session.policy_arns;
        if session.source_identity.is_some() {
            last.source_identity = session.source_identity;
        }
    } else if opts.session != SessionOptions::default() {
        bail!(
            "profile \"{target}\" assumes no role: --tags, --session-policy, --session-policy-arns and --source-identity apply to roles"
        );
    }
    Ok(plan)
}

/// `--role-arn`: one AssumeRole on top of `--source-profile`'s credentials, or of the calling
/// environment's keys without it. The result is named after the role ARN, as awsume names it.
fn cli_role(config: &Config, role_arn: &str, opts: &Options) -> Result<Plan> {
    let mut base = match &opts.source_profile {
        Some(source) => {
            let source_opts = Options {
                region: opts.region.clone(),
                env_region: opts.env_region.clone(),
                settings: opts.settings.clone(),
                ..Default::default()
            };
            profile::plan(config, source, &source_opts)?
        }
        None => environment(
            opts.region.clone().or_else(|| opts.settings.region.clone()).or_else(|| opts.env_region.clone()),
        ),
    };
    let duration_seconds = opts.role_duration.or(opts.settings.role_duration);
    let chosen = opts.session_name.as_deref().or(opts.settings.role_session_name.as_deref());
    let mut hop = Hop {
        session_name: session_name(chosen.unwrap_or(CLI_ROLE_SESSION_NAME)),
        session_name_chosen: chosen.is_some(),
        external_id: opts.external_id.clone(),
        duration_seconds,
        ..Hop::new(role_arn, role_arn)
    };
    // AWS forbids chaining past an hour: a longer session for an MFA source assumes with the code.
    if base.hops.is_empty() && duration_seconds.is_some_and(|d| d > 3600) {
        hop.mfa_serial = base.mfa_session_serial.take();
    }
    base.hops.push(hop);
    base.profile = role_arn.to_string();
    base.exports_profile = false;
    Ok(base)
}

/// The calling environment's keys, as they are (`--role-arn` without a source, the console without
/// a profile).
pub fn environment(region: Option<String>) -> Plan {
    Plan {
        profile: "environment".into(),
        source_profile: "environment".into(),
        source: Source::Environment,
        mfa_session_serial: None,
        hops: Vec::new(),
        region,
        endpoint_url: None,
        ca_bundle: None,
        metadata: Metadata::default(),
        exports_profile: false,
        link: None,
        mfa_process: None,
        mfa_prompt: None,
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    //! The profiles most planning tests share.

    use super::*;
    use crate::config::tests::config;

    pub const FILES: &str = "\
[default]
region = default-region
[profile user]
mfa_serial = arn:aws:iam::1:mfa/user
[profile plain]
[profile role]
role_arn = arn:aws:iam::1:role/r
source_profile = user
[profile role-mfa-on-role]
role_arn = arn:aws:iam::1:role/r2
source_profile = plain
mfa_serial = arn:aws:iam::1:mfa/plain
region = role-region
[profile long-role]
role_arn = arn:aws:iam::1:role/long
source_profile = plain
mfa_serial = arn:aws:iam::1:mfa/plain
duration_seconds = 43200
[profile hop2]
role_arn = arn:aws:iam::2:role/two
source_profile = role
role_session_name = custom-name
external_id = ext-from-file
[profile hop3]
role_arn = arn:aws:iam::3:role/three
source_profile = hop2
[profile loop-a]
role_arn = arn:aws:iam::1:role/a
source_profile = loop-b
[profile loop-b]
role_arn = arn:aws:iam::1:role/b
source_profile = loop-a
[profile orphan]
role_arn = arn:aws:iam::1:role/o
[profile both]
role_arn = arn:aws:iam::1:role/o
source_profile = plain
credential_source = Environment
[profile missing-source]
role_arn = arn:aws:iam::1:role/o
source_profile = nowhere
[profile env-role]
role_arn = arn:aws:iam::1:role/env
credential_source = Environment
[profile keyed-role]
role_arn = arn:aws:iam::1:role/keyed
source_profile = keyed-role
[profile uses-keyed-role]
role_arn = arn:aws:iam::1:role/outer
source_profile = keyed-role
[profile proc]
credential_process = /bin/creds --flag \"a b\"
[profile web]
role_arn = arn:aws:iam::1:role/web
web_identity_token_file = /tmp/token
[profile empty]
region = x
";
    pub const CREDS: &str = "\
[user]
aws_access_key_id = AKIAUSER
aws_secret_access_key = user-secret
[plain]
aws_access_key_id = AKIAPLAIN
aws_secret_access_key = plain-secret
[keyed-role]
aws_access_key_id = AKIAKEYED
aws_secret_access_key = keyed-secret
[temp]
aws_access_key_id = ASIATEMP
aws_secret_access_key = temp-secret
aws_session_token = temp-token
[half]
aws_access_key_id = AKIAHALF
";

    pub fn plan_of(name: &str, opts: &Options) -> Result<Plan> {
        plan(&config(FILES, CREDS), name, opts)
    }

    pub fn roles(p: &Plan) -> Vec<&str> {
        p.hops.iter().map(|h| h.role_arn.rsplit('/').next().unwrap()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::{plan_of, roles};
    use super::*;

    #[test]
    fn session_names_are_made_acceptable_to_sts() {
        assert_eq!(session_name("a b/c:d"), "a-b-c-d");
        assert_eq!(session_name("x"), "awsume-x");
        assert_eq!(session_name(&"n".repeat(100)).len(), 64);
        assert_eq!(session_name("ok_+=,.@-1"), "ok_+=,.@-1");
    }

    #[test]
    fn cli_role_on_a_source_profile_or_the_environment() {
        let arn = "arn:aws:iam::123456789012:role/adhoc";
        let on_user =
            Options { role_arn: Some(arn.into()), source_profile: Some("user".into()), ..Default::default() };
        let p = plan_of("ignored", &on_user).unwrap();
        assert_eq!((p.profile.as_str(), p.source.kind()), (arn, "static keys"));
        assert_eq!(
            p.mfa_session_serial.as_deref(),
            Some("arn:aws:iam::1:mfa/user"),
            "MFA through the user's session cache"
        );
        assert_eq!(p.hops[0].session_name, "awsume-cli-role");
        assert_eq!(p.region.as_deref(), Some("default-region"));
        let long = Options { role_duration: Some(7200), ..on_user.clone() };
        let p = plan_of("ignored", &long).unwrap();
        assert_eq!(
            (p.mfa_session_serial.as_deref(), p.hops[0].mfa_serial.as_deref()),
            (None, Some("arn:aws:iam::1:mfa/user"))
        );
        let on_role = Options {
            source_profile: Some("hop3".into()),
            session_name: Some("me".into()),
            ..on_user.clone()
        };
        assert_eq!(roles(&plan_of("x", &on_role).unwrap()), ["r", "two", "three", "adhoc"]);
        assert_eq!(plan_of("x", &on_role).unwrap().hops[3].session_name, "me");
        let env =
            Options { role_arn: Some(arn.into()), env_region: Some("env".into()), ..Default::default() };
        let p = plan_of("ignored", &env).unwrap();
        assert_eq!(
            (p.source.kind(), p.hops.len(), p.region.as_deref()),
            ("credential_source Environment", 1, Some("env"))
        );
        let missing = Options { source_profile: Some("nope".into()), ..on_user };
        assert!(plan_of("x", &missing).unwrap_err().to_string().contains("\"nope\" not found"));
    }

    #[test]
    fn session_options_go_to_the_target_role_only() {
        let session = SessionOptions {
            tags: vec![("k".into(), "v".into())],
            policy: Some("{}".into()),
            policy_arns: vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
            source_identity: Some("me".into()),
        };
        let p = plan_of("hop3", &Options { session: session.clone(), ..Default::default() }).unwrap();
        assert_eq!(p.hops[2].tags, session.tags);
        assert_eq!(p.hops[2].source_identity.as_deref(), Some("me"));
        assert!(
            p.hops[..2]
                .iter()
                .all(|h| h.tags.is_empty() && h.policy.is_none() && h.source_identity.is_none())
        );
        let err = plan_of("plain", &Options { session, ..Default::default() }).unwrap_err().to_string();
        assert!(err.contains("assumes no role"), "{err}");
    }
}
