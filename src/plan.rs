//! Planning: the target profile and the flags become a list of steps (where the first credentials come
//! from, an optional MFA session, then one AssumeRole per hop). Pure: no I/O, no clock, no environment
//! reads; every precedence rule here is a table test. Must not talk to AWS or touch files.

use anyhow::{Result, anyhow, bail};

use crate::config::{Config, Profile};
use crate::credentials::Secret;
use crate::files::display;

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
}

/// What `--tags`, `--session-policy[-arns]` and `--source-identity` add to the target's AssumeRole.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SessionOptions {
    pub tags: Tags,
    pub policy: Option<String>,
    pub policy_arns: Vec<String>,
    pub source_identity: Option<String>,
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
        }
    }
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
    },
    /// `credential_source = Environment`: the key variables of the calling environment.
    Environment,
    Ec2InstanceMetadata,
    EcsContainer,
    Process {
        command: String,
    },
    WebIdentity {
        token_file: String,
        role_arn: String,
        session_name: String,
    },
    Sso(Sso),
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub profile: String,
    /// The profile whose settings give the source (for messages and the MFA cache).
    pub source_profile: String,
    pub source: Source,
    /// `GetSessionToken` with this MFA serial on the long-term source keys, cached.
    pub mfa_session: Option<String>,
    /// AssumeRole calls in the order they run (the target's role last).
    pub hops: Vec<Hop>,
    pub region: Option<String>,
    /// `endpoint_url` for STS from the target profile or its `[services]` section.
    pub endpoint_url: Option<String>,
    /// The target profile's `ca_bundle` (`AWS_CA_BUNDLE` ranks first, at resolve time).
    pub ca_bundle: Option<String>,
    /// Set `AWS_PROFILE` in the shell: the profile's consumers must read it themselves.
    pub exports_profile: bool,
    /// The link of the default chain that gave this plan (`export` with no profile named).
    pub link: Option<Link>,
    /// `mfa_process` of the chain's profiles (the target's first): the command that prints the code.
    pub mfa_process: Option<String>,
}

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

impl Plan {
    /// The region STS calls use.
    pub fn sts_region(&self) -> &str {
        self.region.as_deref().unwrap_or("us-east-1")
    }
}

/// STS takes session names of 2–64 characters from `[\w+=,.@-]`.
pub fn session_name(raw: &str) -> String {
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

pub fn plan(config: &Config, target: &str, opts: &Options) -> Result<Plan> {
    let mut plan = match &opts.role_arn {
        Some(role_arn) => cli_role(config, role_arn, opts)?,
        None => profile_plan(config, target, opts)?,
    };
    if let Some(last) = plan.hops.last_mut() {
        let session = opts.session.clone();
        last.tags = session.tags.0;
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
        mfa_session: None,
        hops: Vec::new(),
        region: region.clone(),
        endpoint_url: None,
        ca_bundle: setting("ca_bundle"),
        exports_profile: false,
        link: Some(link),
        mfa_process: None,
    };
    if env.keys {
        return Ok(plan(Link::Environment, Source::Environment));
    }
    if env.key_without_secret {
        bail!("AWS_ACCESS_KEY_ID is set in the environment, but AWS_SECRET_ACCESS_KEY is not");
    }
    let from_profile = |link: Link| -> Result<Plan> {
        let mut p = profile_plan(config, profile, &Options { region: region.clone(), ..opts.clone() })?;
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
        return Ok(plan(Link::WebIdentity, Source::WebIdentity { token_file, role_arn, session_name }));
    }
    let own = [
        "aws_access_key_id",
        "aws_secret_access_key",
        "credential_process",
        "sso_session",
        "sso_start_url",
        "sso_account_id",
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
            profile_plan(config, source, &source_opts)?
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
        hop.mfa_serial = base.mfa_session.take();
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
        mfa_session: None,
        hops: Vec::new(),
        region,
        endpoint_url: None,
        ca_bundle: None,
        exports_profile: false,
        link: None,
        mfa_process: None,
    }
}

/// `[PARTITION:]ACCOUNT:ROLE` (awsume's short form) as a role ARN; a full ARN is kept as given.
/// `--role-arn`'s value parser: errors say what is wrong with the text, clap names the flag.
pub fn role_arn(text: &str) -> Result<String> {
    if text.starts_with("arn:") {
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        if parts.len() == 6 && parts[2] == "iam" && parts[5].starts_with("role/") {
            return Ok(text.to_string());
        }
        bail!("not a role ARN (arn:PARTITION:iam::ACCOUNT:role/NAME)");
    }
    let (partition, account, role) = match text.split(':').collect::<Vec<_>>()[..] {
        [account, role] => ("aws", account, role),
        [partition, account, role] => (partition, account, role),
        _ => bail!("neither a role ARN nor [PARTITION:]ACCOUNT:ROLE"),
    };
    if !["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"]
        .contains(&partition)
    {
        bail!("{partition:?} is not an AWS partition (aws, aws-cn, aws-us-gov, …)");
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        bail!("the account id is 12 digits");
    }
    if role.is_empty() {
        bail!("the role name is missing");
    }
    Ok(format!("arn:{partition}:iam::{account}:role/{role}"))
}

/// Session tags as awsume reads them from `--tags Key=Value,…`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tags(pub Vec<(String, String)>);

impl std::str::FromStr for Tags {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<Self> {
        text.split(',')
            .map(|tag| match tag.split_once('=') {
                Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
                _ => Err(anyhow!("each tag is Key=Value, separated by commas")),
            })
            .collect::<Result<_>>()
            .map(Tags)
    }
}

/// As typed: parses back to the same tags.
impl std::fmt::Display for Tags {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pairs: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        f.write_str(&pairs.join(","))
    }
}

fn profile_plan(config: &Config, target: &str, opts: &Options) -> Result<Plan> {
    let mut chain: Vec<&Profile> = Vec::new();
    let mut hops: Vec<Hop> = Vec::new();
    let mut name = target;
    let source = loop {
        let profile = match config.profile(name) {
            Ok(p) => p,
            Err(e) if chain.is_empty() => return Err(e),
            Err(_) => {
                let from = chain.last().expect("chain is not empty");
                bail!(
                    "profile \"{}\": source_profile {name:?} not found in {} or {}",
                    from.name,
                    display(&config.files.config),
                    display(&config.files.credentials)
                );
            }
        };
        if chain.iter().any(|p| p.name == name) {
            let path: Vec<&str> = chain.iter().map(|p| p.name.as_str()).chain([name]).collect();
            bail!(
                "profile \"{target}\": source_profile loop {} in {}",
                path.join(" -> "),
                display(&profile.file)
            );
        }
        let is_target = chain.is_empty();
        chain.push(profile);
        // A source with keys of its own uses them, even when it also names a role (CLI rule).
        if !is_target && let Some(source) = static_keys(profile)? {
            break source;
        }
        let Some(role_arn) = profile.get("role_arn") else {
            break own_credentials(config, profile)?;
        };
        if let Some(token_file) = profile.get("web_identity_token_file") {
            break Source::WebIdentity {
                token_file: token_file.to_string(),
                role_arn: role_arn.to_string(),
                session_name: hop_session_name(profile, is_target, opts).0,
            };
        }
        hops.push(hop(profile, role_arn, is_target, opts)?);
        match (profile.get("source_profile"), profile.get("credential_source")) {
            (Some(_), Some(_)) => {
                bail!("{}: set source_profile or credential_source, not both", profile.at())
            }
            (Some(next), None) if next == profile.name => match static_keys(profile)? {
                // A role whose source is itself: its own keys assume it.
                Some(source) => break source,
                None => bail!(
                    "profile \"{target}\": source_profile loop {next} -> {next} in {}",
                    display(&profile.file)
                ),
            },
            (Some(next), None) => name = next,
            (None, Some(kind)) => break credential_source(profile, kind)?,
            (None, None) => bail!("{}: role_arn needs source_profile or credential_source", profile.at()),
        }
    };
    hops.reverse();

    let source_profile = chain.last().expect("chain has the target").name.clone();
    let long_term = matches!(source, Source::Static { session_token: None, .. });
    let source_serial = chain.last().and_then(|p| p.get("mfa_serial"));
    let mut mfa_session = None;
    if long_term {
        match hops.first_mut() {
            None => mfa_session = source_serial.map(str::to_string),
            Some(first) => {
                let direct = first.mfa_serial.is_some() && first.duration_seconds.is_some_and(|d| d > 3600);
                if !direct {
                    mfa_session = first.mfa_serial.take().or(source_serial.map(str::to_string));
                }
            }
        }
    }

    let default = config.profiles.get("default");
    let region = opts
        .region
        .clone()
        .or_else(|| chain.iter().chain(default.iter()).find_map(|p| p.get("region")).map(str::to_string))
        .or_else(|| opts.settings.region.clone())
        .or_else(|| opts.env_region.clone());
    let target_profile = chain[0];
    let endpoint_url = endpoint_url(config, target_profile);
    let ca_bundle = target_profile.get("ca_bundle").map(str::to_string);
    Ok(Plan {
        profile: target.to_string(),
        exports_profile: chain.last().is_some_and(|p| p.get("credential_source").is_some()),
        source_profile,
        source,
        mfa_session,
        hops,
        region,
        endpoint_url,
        ca_bundle,
        link: None,
        mfa_process: chain.iter().find_map(|p| p.get("mfa_process")).map(str::to_string),
    })
}

fn static_keys(profile: &Profile) -> Result<Option<Source>> {
    match (profile.get("aws_access_key_id"), profile.get("aws_secret_access_key")) {
        (Some(key), Some(secret)) => Ok(Some(Source::Static {
            access_key_id: key.to_string(),
            secret_access_key: Secret::new(secret),
            session_token: profile.get("aws_session_token").map(Secret::new),
        })),
        (None, None) => Ok(None),
        (Some(_), None) => Err(missing(profile, "aws_access_key_id", "aws_secret_access_key")),
        (None, Some(_)) => Err(missing(profile, "aws_secret_access_key", "aws_access_key_id")),
    }
}

fn missing(profile: &Profile, has: &str, lacks: &str) -> anyhow::Error {
    anyhow!("{}: {has} is set but {lacks} is not", profile.at())
}

/// A profile without a role: its own keys, process or SSO.
fn own_credentials(config: &Config, profile: &Profile) -> Result<Source> {
    if let Some(source) = static_keys(profile)? {
        return Ok(source);
    }
    if let Some(command) = profile.get("credential_process") {
        return Ok(Source::Process { command: command.to_string() });
    }
    if ["sso_account_id", "sso_session", "sso_start_url"].iter().any(|k| profile.get(k).is_some()) {
        return Ok(Source::Sso(sso(config, profile)?));
    }
    let hint =
        if profile.get("credential_source").is_some() || profile.get("web_identity_token_file").is_some() {
            "credential_source and web_identity_token_file need role_arn"
        } else {
            "set aws_access_key_id and aws_secret_access_key, role_arn, credential_process or sso_account_id"
        };
    bail!("{} has no credentials: {hint}", profile.at())
}

/// The SSO settings of `profile`: `sso_session` and its `[sso-session]` section, or the legacy
/// `sso_start_url` + `sso_region` on the profile itself.
fn sso(config: &Config, profile: &Profile) -> Result<Sso> {
    let need = |key: &str| {
        profile.get(key).map(str::to_string).ok_or_else(|| anyhow!("{}: SSO needs {key}", profile.at()))
    };
    // Where to sign in comes first: a missing [sso-session] is the cause of everything after it.
    let (start_url, region, session, scopes) = match profile.get("sso_session") {
        None => (need("sso_start_url")?, need("sso_region")?, None, Vec::new()),
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
            let (start_url, region) = (from_session("sso_start_url")?, from_session("sso_region")?);
            for (key, value) in [("sso_start_url", &start_url), ("sso_region", &region)] {
                if let Some(own) = profile.get(key).filter(|own| own != value) {
                    bail!("{}: {key} {own:?} differs from {value:?} in [sso-session {name}]", profile.at());
                }
            }
            let scopes = section
                .get("sso_registration_scopes")
                .map(|s| s.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect())
                .unwrap_or_else(|| vec!["sso:account:access".to_string()]);
            (start_url, region, Some(name.to_string()), scopes)
        }
    };
    let (account_id, role_name) = (need("sso_account_id")?, need("sso_role_name")?);
    Ok(Sso { start_url, region, session, scopes, account_id, role_name })
}

fn credential_source(profile: &Profile, kind: &str) -> Result<Source> {
    match kind {
        "Environment" => Ok(Source::Environment),
        "Ec2InstanceMetadata" => Ok(Source::Ec2InstanceMetadata),
        "EcsContainer" => Ok(Source::EcsContainer),
        other => bail!(
            "{}: credential_source {other:?} is not one of Environment, Ec2InstanceMetadata, EcsContainer",
            profile.at()
        ),
    }
}

fn hop(profile: &Profile, role_arn: &str, is_target: bool, opts: &Options) -> Result<Hop> {
    let flag = |value: &Option<String>| if is_target { value.clone() } else { None };
    let duration_seconds =
        match (is_target.then_some(opts.role_duration).flatten(), profile.get("duration_seconds")) {
            (Some(d), _) => Some(d),
            (None, Some(text)) => Some(text.parse::<i32>().map_err(|_| {
                anyhow!("{}: duration_seconds {text:?} is not a whole number of seconds", profile.at())
            })?),
            (None, None) => None,
        };
    let duration_seconds = duration_seconds.or(if is_target { opts.settings.role_duration } else { None });
    let (session_name, session_name_chosen) = hop_session_name(profile, is_target, opts);
    Ok(Hop {
        session_name,
        session_name_chosen,
        external_id: flag(&opts.external_id).or_else(|| profile.get("external_id").map(str::to_string)),
        duration_seconds,
        mfa_serial: profile.get("mfa_serial").map(str::to_string),
        profile_mfa_serial: profile.get("mfa_serial").map(str::to_string),
        source_identity: profile.get("source_identity").map(str::to_string),
        ..Hop::new(&profile.name, role_arn)
    })
}

/// The session name, and whether it was chosen (flag, profile, setting) rather than defaulted to
/// the profile's name.
fn hop_session_name(profile: &Profile, is_target: bool, opts: &Options) -> (String, bool) {
    let flag = if is_target { opts.session_name.as_deref() } else { None };
    let chosen = flag.or(profile.get("role_session_name")).or(if is_target {
        opts.settings.role_session_name.as_deref()
    } else {
        None
    });
    (session_name(chosen.unwrap_or(&profile.name)), chosen.is_some())
}

/// `endpoint_url` for STS: the profile's `[services]` section's `sts` block, then its `endpoint_url`.
fn endpoint_url(config: &Config, profile: &Profile) -> Option<String> {
    let from_services = profile
        .get("services")
        .and_then(|name| config.services.get(name))
        .and_then(|s| s.get("sts"))
        .and_then(|block| {
            block.lines().find_map(|line| {
                let (k, v) = line.split_once('=')?;
                (k.trim().eq_ignore_ascii_case("endpoint_url")).then(|| v.trim().to_string())
            })
        });
    from_services.or_else(|| profile.get("endpoint_url").map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::config;

    const FILES: &str = "\
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
    const CREDS: &str = "\
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

    fn plan_of(name: &str, opts: &Options) -> Result<Plan> {
        plan(&config(FILES, CREDS), name, opts)
    }

    fn roles(p: &Plan) -> Vec<&str> {
        p.hops.iter().map(|h| h.role_arn.rsplit('/').next().unwrap()).collect()
    }

    #[test]
    fn chains_and_sources() {
        let cases: &[(&str, &str, &[&str], Option<&str>)] = &[
            // target, source kind, roles in call order, MFA session serial
            ("plain", "static keys", &[], None),
            ("temp", "static session", &[], None),
            ("user", "static keys", &[], Some("arn:aws:iam::1:mfa/user")),
            ("role", "static keys", &["r"], Some("arn:aws:iam::1:mfa/user")),
            ("role-mfa-on-role", "static keys", &["r2"], Some("arn:aws:iam::1:mfa/plain")),
            ("long-role", "static keys", &["long"], None),
            ("hop3", "static keys", &["r", "two", "three"], Some("arn:aws:iam::1:mfa/user")),
            ("env-role", "credential_source Environment", &["env"], None),
            ("keyed-role", "static keys", &["keyed"], None),
            ("uses-keyed-role", "static keys", &["outer"], None),
            ("proc", "credential_process", &[], None),
            ("web", "web identity", &[], None),
        ];
        for (target, kind, expected_roles, mfa) in cases {
            let p = plan_of(target, &Options::default()).unwrap();
            assert_eq!(p.source.kind(), *kind, "{target}");
            assert_eq!(roles(&p), *expected_roles, "{target}");
            assert_eq!(p.mfa_session.as_deref(), *mfa, "{target}");
        }
        let long = plan_of("long-role", &Options::default()).unwrap();
        assert_eq!(long.hops[0].mfa_serial.as_deref(), Some("arn:aws:iam::1:mfa/plain"));
        assert_eq!(long.hops[0].duration_seconds, Some(43200));
        assert!(plan_of("env-role", &Options::default()).unwrap().exports_profile);
    }

    #[test]
    fn bad_chains_name_the_problem() {
        let cases = [
            ("loop-a", "source_profile loop loop-a -> loop-b -> loop-a in /h/.aws/config"),
            (
                "orphan",
                "profile \"orphan\" in /h/.aws/config: role_arn needs source_profile or credential_source",
            ),
            ("both", "not both"),
            ("missing-source", "profile \"missing-source\": source_profile \"nowhere\" not found"),
            ("empty", "profile \"empty\" in /h/.aws/config has no credentials"),
            ("half", "aws_access_key_id is set but aws_secret_access_key is not"),
            ("nope", "profile \"nope\" not found in /h/.aws/config or /h/.aws/credentials"),
        ];
        for (target, needle) in cases {
            let err = plan_of(target, &Options::default()).unwrap_err().to_string();
            assert!(err.contains(needle), "{target}: {err}");
        }
    }

    #[test]
    fn region_precedence() {
        let flag =
            Options { region: Some("flag".into()), env_region: Some("env".into()), ..Default::default() };
        let env = Options { env_region: Some("env".into()), ..Default::default() };
        let cases = [
            ("role-mfa-on-role", &flag, Some("flag")),
            ("role-mfa-on-role", &env, Some("role-region")),
            ("plain", &env, Some("default-region")),
        ];
        for (target, opts, expected) in cases {
            assert_eq!(plan_of(target, opts).unwrap().region.as_deref(), expected, "{target}");
        }
        let no_default =
            plan(&config("[profile a]\n", "[a]\naws_access_key_id=A\naws_secret_access_key=S\n"), "a", &env);
        assert_eq!(no_default.unwrap().region.as_deref(), Some("env"));
        let none = plan(
            &config("", "[a]\naws_access_key_id=A\naws_secret_access_key=S\n"),
            "a",
            &Options::default(),
        );
        assert_eq!(none.unwrap().sts_region(), "us-east-1");
    }

    #[test]
    fn session_name_duration_and_external_id_precedence() {
        let flags = Options {
            session_name: Some("flag-name".into()),
            role_duration: Some(900),
            external_id: Some("flag-ext".into()),
            ..Default::default()
        };
        let p = plan_of("hop3", &flags).unwrap();
        let (r, two, three) = (&p.hops[0], &p.hops[1], &p.hops[2]);
        // Flags reach the target's hop only; files give each hop its own settings.
        assert_eq!(
            (three.session_name.as_str(), three.duration_seconds, three.external_id.as_deref()),
            ("flag-name", Some(900), Some("flag-ext"))
        );
        assert_eq!(
            (two.session_name.as_str(), two.external_id.as_deref()),
            ("custom-name", Some("ext-from-file"))
        );
        assert_eq!(
            (r.session_name.as_str(), r.duration_seconds, r.external_id.as_deref()),
            ("role", None, None)
        );
        let p = plan_of("hop3", &Options::default()).unwrap();
        assert_eq!(p.hops[2].session_name, "hop3");
    }

    #[test]
    fn session_names_are_made_acceptable_to_sts() {
        assert_eq!(session_name("a b/c:d"), "a-b-c-d");
        assert_eq!(session_name("x"), "awsume-x");
        assert_eq!(session_name(&"n".repeat(100)).len(), 64);
        assert_eq!(session_name("ok_+=,.@-1"), "ok_+=,.@-1");
    }

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

    #[test]
    fn endpoint_from_services_section_then_profile() {
        let c = config(
            "[profile a]\nendpoint_url = http://profile\nservices = s\n[services s]\nsts =\n  endpoint_url = http://services\n[profile b]\nendpoint_url = http://profile\n",
            "[a]\naws_access_key_id=A\naws_secret_access_key=S\n[b]\naws_access_key_id=A\naws_secret_access_key=S\n",
        );
        assert_eq!(
            plan(&c, "a", &Options::default()).unwrap().endpoint_url.as_deref(),
            Some("http://services")
        );
        assert_eq!(
            plan(&c, "b", &Options::default()).unwrap().endpoint_url.as_deref(),
            Some("http://profile")
        );
    }

    #[test]
    fn role_arn_short_forms_and_partitions() {
        let ok = [
            ("123456789012:admin", "arn:aws:iam::123456789012:role/admin"),
            ("aws-cn:123456789012:admin", "arn:aws-cn:iam::123456789012:role/admin"),
            ("aws-us-gov:123456789012:path/admin", "arn:aws-us-gov:iam::123456789012:role/path/admin"),
            ("arn:aws:iam::123456789012:role/x", "arn:aws:iam::123456789012:role/x"),
        ];
        for (given, arn) in ok {
            assert_eq!(role_arn(given).unwrap(), arn, "{given}");
        }
        let bad = [
            ("12345:admin", "12 digits"),
            ("moon:123456789012:admin", "not an AWS partition"),
            ("admin", "neither a role ARN"),
            ("123456789012:", "role name is missing"),
            ("arn:aws:iam::123456789012:user/x", "not a role ARN"),
        ];
        for (given, needle) in bad {
            let err = role_arn(given).unwrap_err().to_string();
            assert!(err.contains(needle), "{given}: {err}");
        }
    }

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

    #[test]
    fn tags_are_key_value_pairs_and_print_as_typed() {
        let tags: Tags = "team=core,empty=,eq=a=b".parse().unwrap();
        assert_eq!(
            tags.0,
            [("team", "core"), ("empty", ""), ("eq", "a=b")].map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert_eq!(tags.to_string(), "team=core,empty=,eq=a=b");
        assert!("novalue".parse::<Tags>().is_err());
        assert!("=v".parse::<Tags>().is_err());
    }

    #[test]
    fn cli_role_on_a_source_profile_or_the_environment() {
        let arn = "arn:aws:iam::123456789012:role/adhoc";
        let on_user =
            Options { role_arn: Some(arn.into()), source_profile: Some("user".into()), ..Default::default() };
        let p = plan_of("ignored", &on_user).unwrap();
        assert_eq!((p.profile.as_str(), p.source.kind()), (arn, "static keys"));
        assert_eq!(
            p.mfa_session.as_deref(),
            Some("arn:aws:iam::1:mfa/user"),
            "MFA through the user's session cache"
        );
        assert_eq!(p.hops[0].session_name, "awsume-cli-role");
        assert_eq!(p.region.as_deref(), Some("default-region"));
        let long = Options { role_duration: Some(7200), ..on_user.clone() };
        let p = plan_of("ignored", &long).unwrap();
        assert_eq!(
            (p.mfa_session.as_deref(), p.hops[0].mfa_serial.as_deref()),
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
            tags: Tags(vec![("k".into(), "v".into())]),
            policy: Some("{}".into()),
            policy_arns: vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
            source_identity: Some("me".into()),
        };
        let p = plan_of("hop3", &Options { session: session.clone(), ..Default::default() }).unwrap();
        assert_eq!(p.hops[2].tags, session.tags.0);
        assert_eq!(p.hops[2].source_identity.as_deref(), Some("me"));
        assert!(
            p.hops[..2]
                .iter()
                .all(|h| h.tags.is_empty() && h.policy.is_none() && h.source_identity.is_none())
        );
        let err = plan_of("plain", &Options { session, ..Default::default() }).unwrap_err().to_string();
        assert!(err.contains("assumes no role"), "{err}");
    }

    #[test]
    fn awsume_settings_rank_after_the_profile() {
        let settings = crate::settings::Settings {
            role_duration: Some(1800),
            region: Some("settings-region".into()),
            role_session_name: Some("from-settings".into()),
            ..Default::default()
        };
        let opts = Options { settings, env_region: Some("env".into()), ..Default::default() };
        let role = plan_of("role", &opts).unwrap();
        assert_eq!(role.hops[0].session_name, "from-settings");
        assert_eq!(role.hops[0].duration_seconds, Some(1800));
        assert_eq!(role.region.as_deref(), Some("default-region"), "[default] region ranks first");
        let long = plan_of("long-role", &opts).unwrap();
        assert_eq!(long.hops[0].duration_seconds, Some(43200), "the profile's duration_seconds ranks first");
        let hop3 = plan_of("hop3", &opts).unwrap();
        assert_eq!(hop3.hops[0].session_name, "role", "only the target role takes the setting");
        let no_default =
            config("[profile p]\nrole_arn = arn:aws:iam::1:role/p\ncredential_source = Environment\n", "");
        assert_eq!(plan(&no_default, "p", &opts).unwrap().region.as_deref(), Some("settings-region"));
        let flagged = Options { session_name: Some("flag".into()), ..opts };
        assert_eq!(plan_of("role", &flagged).unwrap().hops[0].session_name, "flag");
    }

    /// Generated config files: mostly well-formed, so the planner sees thousands of profiles; the
    /// rest hostile. Secrets carry a marker no message may show.
    fn generated_file() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        const NAMES: &[&str] = &["a", "b", "c", "d", "default", "x y", "ü", ""];
        const KEYS: &[&str] = &[
            "role_arn",
            "source_profile",
            "credential_source",
            "mfa_serial",
            "aws_access_key_id",
            "aws_secret_access_key",
            "aws_session_token",
            "region",
            "duration_seconds",
            "external_id",
            "credential_process",
            "web_identity_token_file",
            "sso_account_id",
            "sso_role_name",
            "sso_session",
            "sso_start_url",
            "sso_region",
            "role_session_name",
            "endpoint_url",
            "services",
            "Region",
            "s3",
        ];
        const VALUES: &[&str] = &[
            "a",
            "b",
            "c",
            "default",
            "arn:aws:iam::1:role/r",
            "Environment",
            "Ec2InstanceMetadata",
            "EcsContainer",
            "Bogus",
            "AKIA1",
            "3600",
            "-1",
            "99999999999",
            "eu-west-1",
            "/bin/true",
            "",
            "x y",
        ];
        let name = proptest::sample::select(NAMES);
        let key = proptest::sample::select(KEYS);
        let value = proptest::sample::select(VALUES);
        let setting = (key.clone(), value.clone(), proptest::sample::select(&[" = ", "=", ": ", " =  "][..]))
            .prop_map(|(k, v, sep)| {
                let v = if k.contains("secret") || k.contains("token") { "SECRETVALUE" } else { v };
                format!("{k}{sep}{v}")
            });
        let line = prop_oneof![
            5 => name.clone().prop_map(|n| format!("[profile {n}]")),
            3 => name.clone().prop_map(|n| format!("[{n}]")),
            1 => proptest::sample::select(&["[sso-session s]", "[services s]", "[profile \"q a\"]",
                "[profile a b]", "[", "[]", "[profile]"][..]).prop_map(String::from),
            3 => proptest::sample::select(&["", " ", "# c", "; c", "  # indented"][..]).prop_map(String::from),
            1 => "(\\PC|\t|\u{1}|\u{7f}|\u{feff}|=|:|\\[|\\]|#|;|\"|'){0,40}",
            1 => (key.clone(), value).prop_map(|(k, v)| format!("  {k} = {v}")),
            1 => key.prop_map(String::from),
            24 => setting,
        ];
        (name, proptest::collection::vec(line, 0..16), any::<bool>()).prop_map(|(first, lines, crlf)| {
            let mut all = vec![format!("[profile {first}]")];
            all.extend(lines);
            all.join(if crlf { "\r\n" } else { "\n" })
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3_000))]
        /// Any pair of files: reading fails with one line naming a line, or every profile plans or
        /// fails with one line that shows no secret. Never a panic.
        #[test]
        fn generated_files_plan_or_fail_in_one_line(config_text in generated_file(), credentials_text in generated_file()) {
            use crate::config::{Files, ini};
            let files = Files { config: "/h/.aws/config".into(), credentials: "/h/.aws/credentials".into() };
            match (ini::parse(&config_text), ini::parse(&credentials_text)) {
                (Ok(config), Ok(credentials)) => {
                    let config = Config::from_sections(files, config, credentials);
                    for name in config.profiles.keys() {
                        if let Err(e) = plan(&config, name, &Options::default()) {
                            // As printed: values may span continuation lines, the message may not.
                            let text = crate::messages::one_line(&e);
                            proptest::prop_assert!(!text.contains('\n') && !text.contains("SECRETVALUE"), "{}", text);
                        }
                    }
                }
                (Err(e), _) | (_, Err(e)) => {
                    proptest::prop_assert!(e.line >= 1 && !e.to_string().contains('\n'), "{}", e);
                }
            }
        }
    }
}
