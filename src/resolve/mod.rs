//! The credential chain: runs a plan's steps (its source, an MFA session, each role) and returns
//! credentials. Sources that are a sign-in (IAM Identity Center, `aws login`, SAML) are handed to
//! `signin`, with what each needs; the AWS clients come from `aws`. The runtime and the STS client
//! are built on first need, never for a plan that needs no network.

mod imds;
mod mfa;
mod process;
mod source;
mod web_identity;

pub use process::{enter_chain as enter_profile_chain, run_credential_command};
pub use source::environment as environment_credentials;

use anyhow::{Context, Result, anyhow, bail};
use chrono::Utc;

use crate::aws::{LazyNet, Net, Where, sts};
use crate::cache::{ProcessCache, RoleCache, SessionCache};
use crate::credentials::{Credentials, Secret};
use crate::messages::{self, debug, info};
use crate::plan::{Hop, Plan, Source};
use crate::signin::{self, place};

/// How a session cache entry counts as expired: this long before its real end.
const MFA_MARGIN_SECONDS: i64 = 300;

pub struct Options {
    /// Reuse no cached session (`-r`); what is resolved is cached again.
    pub refresh: bool,
    pub mfa_token: Option<Secret>,
    /// awsume's MFA sessions.
    pub mfa_sessions: SessionCache,
    /// Role sessions, in the AWS CLI's cache.
    pub role_sessions: RoleCache,
    /// What other tools' commands printed (`credential_process_cache`, `web_identity_token_process`).
    pub process_outputs: ProcessCache,
    /// Exchange long-term keys for a session (GetSessionToken) before returning them.
    pub ensure_temporary: bool,
    /// The most one STS call may take, retries included.
    pub timeout: std::time::Duration,
    /// Sign in to SSO again now (and allow it without a terminal).
    pub sso_login: bool,
    /// `--sso-login --force`: sign out of the portal first, so the session's clock starts again.
    pub sign_out: bool,
    /// `--remote`: sign in with a browser on another device (SSO's device code, `aws login`'s
    /// cross-device client).
    pub remote: bool,
    /// Where sign-in pages open; `None` (`--no-browser`): printed only.
    pub browser: Option<crate::browser::Browser>,
    /// The `-a` prompt hook's renewal: it asks nobody (an MFA code or SSO sign-in that is due is an
    /// error) and reuses no role session (it runs because they end).
    pub renewal: bool,
    /// The `keychain` setting (`AWSUME_KEYCHAIN` ranks first): which keychain holds keys.
    pub keychain: Option<String>,
    /// `_AWS_CLI_PROFILE_CHAIN` for the credential processes run (`export`'s recursion guard).
    pub profile_chain: Option<String>,
    /// The setting `mfa-process`: the command that prints an MFA code, where the profiles name none.
    pub mfa_process: Option<String>,
    /// The setting `mfa-prompt`: how a person is asked for an MFA code (`AWSUME_MFA_PROMPT` and the
    /// profile's `mfa_prompt` rank first).
    pub mfa_prompt: Option<String>,
    /// The setting `auto-remote`: where no browser can be opened (SSH without a display), a person
    /// at a terminal signs in from another device.
    pub auto_remote: bool,
}

impl Options {
    /// What a sign-in that has become due may do in this run.
    pub fn ask(&self) -> place::Ask<'_> {
        place::Ask {
            browser: self.browser.as_ref(),
            remote: self.remote,
            renewal: self.renewal,
            asked: self.sso_login,
            auto_remote: self.auto_remote,
        }
    }
}

/// GetCallerIdentity for `creds`, for `--who`: (account, ARN, user id).
pub fn caller_identity(
    creds: &Credentials,
    region: &str,
    timeout: std::time::Duration,
) -> Result<(String, String, String)> {
    let net = Net::new(&Where::region(region, timeout))?;
    net.runtime.block_on(net.sts.get_caller_identity(creds)).context("GetCallerIdentity")
}

pub fn resolve(plan: &Plan, opts: &Options) -> Result<Credentials> {
    let creds = Resolver::new(plan, opts).run()?;
    if let Some((field, what)) = creds.uncarriable() {
        bail!(
            "profile \"{}\": the {field} it resolved to holds {what}, which no environment can carry safely",
            plan.profile
        );
    }
    Ok(creds)
}

/// The console sign-in link for what `plan` resolved to (`creds`). Long-term keys (a user's, or
/// the environment's) sign in through a federation token made with them.
pub fn console_url(
    plan: &Plan,
    opts: &Options,
    creds: &Credentials,
    console: &signin::console::Console,
) -> Result<String> {
    let resolver = Resolver::new(plan, opts);
    let long_term = match &plan.source {
        Source::Static { session_token: None, .. } if plan.hops.is_empty() => Some(resolver.source()?),
        Source::Environment if creds.session_token.is_none() => Some(creds.clone()),
        _ => None,
    };
    signin::console::url(plan, creds, long_term.as_ref(), console, &resolver.net)
}

struct Resolver<'a> {
    plan: &'a Plan,
    opts: &'a Options,
    /// The network side, built only when a step needs it.
    net: LazyNet,
}

impl<'a> Resolver<'a> {
    fn new(plan: &'a Plan, opts: &'a Options) -> Self {
        let net = LazyNet::new(Where {
            region: plan.sts_region().to_string(),
            endpoint_url: plan.endpoint_url.clone(),
            ca_bundle: plan.ca_bundle.clone(),
            timeout: opts.timeout,
        });
        Self { plan, opts, net }
    }

    fn run(&self) -> Result<Credentials> {
        let plan = self.plan;
        // The last hop with a fresh cached session is where the calls start: nothing before it
        // needs resolving (no source, no MFA code, no call).
        let (mut creds, first_hop) = match self.latest_cached_hop() {
            Some((creds, index)) => {
                confirm_role(&plan.hops[index], &creds);
                (creds, index + 1)
            }
            None => {
                let mut creds = self.source().with_context(|| {
                    format!("profile \"{}\": {}", plan.source_profile, plan.source.kind())
                })?;
                match (&plan.mfa_session_serial, &plan.source) {
                    (Some(serial), _) => {
                        // A session of the same user: the same account.
                        let account = creds.account_id.clone();
                        creds = self.mfa_session(&creds, serial)?.in_account(account);
                        confirm_session(&creds);
                    }
                    // What awsume calls a role session: credentials a process, SSO or a web
                    // identity handed out for a while.
                    (
                        None,
                        Source::Process { .. }
                        | Source::Sso(_)
                        | Source::WebIdentity { .. }
                        | Source::Saml(_),
                    ) => confirm_expiry(&plan.source_profile, "Role", &creds),
                    (None, Source::Ec2InstanceMetadata | Source::EcsContainer | Source::Login { .. }) => {
                        confirm_session(&creds)
                    }
                    (None, Source::Static { .. } | Source::Environment | Source::Keychain { .. }) => {}
                }
                (creds, 0)
            }
        };
        for hop in &plan.hops[first_hop..] {
            // One AssumeRole for runs that need the same session at once: who waited reads it.
            let sharing = !self.opts.refresh && !self.opts.renewal;
            // A cache that cannot take a lock costs only the sharing, as one that cannot take a write.
            let _assuming = match sharing.then(|| self.opts.role_sessions.lock(hop)) {
                Some(Ok(lock)) => lock,
                Some(Err(e)) => {
                    debug!("not sharing the role session: {e:#}");
                    None
                }
                None => None,
            };
            creds = match self.opts.role_sessions.read(hop, Utc::now()).filter(|_| sharing) {
                Some(cached) => {
                    info!("role {} assumed by another run meanwhile", hop.role_arn);
                    cached
                }
                None => self
                    .assume(&creds, hop)
                    .with_context(|| format!("profile \"{}\": AssumeRole {}", hop.profile, hop.role_arn))?,
            };
            confirm_role(hop, &creds);
        }
        if self.opts.ensure_temporary && creds.session_token.is_none() {
            info!("GetSessionToken for long-term key {}", creds.access_key_id);
            let net = self.net()?;
            creds = net
                .runtime
                .block_on(net.sts.get_session_token(&creds, None))
                .with_context(|| format!("profile \"{}\": GetSessionToken", plan.profile))?;
        }
        Ok(creds)
    }

    fn net(&self) -> Result<&Net> {
        self.net.get().with_context(|| format!("profile \"{}\"", self.plan.profile))
    }

    fn source(&self) -> Result<Credentials> {
        match &self.plan.source {
            Source::Static { access_key_id, secret_access_key, session_token, account_id } => {
                Ok(Credentials {
                    access_key_id: access_key_id.clone(),
                    secret_access_key: secret_access_key.clone(),
                    session_token: session_token.clone(),
                    expiration: None,
                    account_id: account_id.clone(),
                })
            }
            Source::Environment => source::environment(),
            Source::Keychain { profile } => {
                let choice = crate::keychain::Choice::current(self.opts.keychain.as_deref());
                let (keys, keychain) = choice.and_then(|choice| crate::keychain::read(choice, profile))?;
                match keys {
                    Some(keys) => Ok(Credentials::from(keys)),
                    None => bail!(
                        "{keychain} holds no keys for it (service awsume, account {profile}): awsume keys add {profile}"
                    ),
                }
            }
            Source::Process { command, cache: false } => {
                info!("running credential_process of profile \"{}\"", self.plan.source_profile);
                process::run(command, self.opts.profile_chain.as_deref())
            }
            Source::Process { command, cache: true } => {
                let outputs = &self.opts.process_outputs;
                let path = outputs.path(
                    "credential_process",
                    &process::words_of("credential_process", command)?,
                    None,
                );
                let chain = self.opts.profile_chain.as_deref();
                let printed = outputs.once(&path, self.opts.refresh, || {
                    info!("running credential_process of profile \"{}\"", self.plan.source_profile);
                    process::run_cached_setting(command, chain)
                })?;
                process::parse(printed.expose().as_bytes())
            }
            Source::Ec2InstanceMetadata => {
                let settings = imds::Settings::new(&self.plan.metadata)
                    .map_err(|e| e.context(format!("profile \"{}\"", self.plan.profile)))?;
                let net = self.net()?;
                net.runtime
                    .block_on(imds::credentials(&net.http, &settings))
                    .context("instance metadata (IMDSv2)")
            }
            Source::EcsContainer => {
                let net = self.net()?;
                net.runtime.block_on(source::container(&net.http))
            }
            Source::WebIdentity { token, role_arn, session_name } => {
                let who = web_identity::Who { profile: &self.plan.source_profile, role_arn, session_name };
                web_identity::credentials(token, &who, self.opts, &self.net)
            }
            Source::Login { session_arn, redirect_port } => self.login(session_arn, *redirect_port),
            Source::Saml(saml) => self.saml(saml),
            Source::Sso(sso) => self.sso(sso),
        }
    }

    /// An `aws login` session, from `signin::login`.
    fn login(&self, session_arn: &str, redirect_port: Option<u16>) -> Result<Credentials> {
        let session = signin::login::Session {
            profile: &self.plan.source_profile,
            arn: session_arn,
            region: self.plan.region.as_deref(),
            redirect_port,
        };
        signin::login::credentials(&session, &self.opts.ask(), &self.net)
    }

    /// A SAML profile's role session, from `signin::saml`; its `saml_process` runs here.
    fn saml(&self, saml: &crate::plan::Saml) -> Result<Credentials> {
        let run = signin::saml::Run {
            profile: &self.plan.source_profile,
            ask: self.opts.ask(),
            refresh: self.opts.refresh,
            sessions: &self.opts.mfa_sessions,
            roles: &self.opts.role_sessions,
            net: &self.net,
        };
        let chain = self.opts.profile_chain.as_deref();
        signin::saml::credentials(saml, &run, &|command| process::run_saml_process(command, chain))
    }

    /// An IAM Identity Center role's credentials, from `signin::sso`.
    fn sso(&self, sso: &crate::plan::Sso) -> Result<Credentials> {
        let login = signin::sso::Login {
            place: place::choose(&self.opts.ask()),
            force: self.opts.sso_login,
            sign_out: self.opts.sign_out,
            timeout: self.opts.timeout,
        };
        let net = self.net()?;
        net.runtime.block_on(signin::sso::credentials(sso, &self.plan.source_profile, &login, &net.http))
    }

    /// The MFA session for long-term keys: from awsume's cache when still valid, else
    /// GetSessionToken with a code, written back to the cache.
    fn mfa_session(&self, long_term: &Credentials, serial: &str) -> Result<Credentials> {
        let cache = &self.opts.mfa_sessions;
        let key_id = &long_term.access_key_id;
        if !self.opts.refresh {
            match cache.read(key_id) {
                Ok(Some(session))
                    if session.valid_for(Utc::now(), chrono::Duration::seconds(MFA_MARGIN_SECONDS)) =>
                {
                    info!("MFA session from {}", crate::files::display(&cache.path(key_id)));
                    return Ok(session);
                }
                Ok(Some(_)) => messages::note(&format!(
                    "the MFA session for profile \"{}\" has expired",
                    self.plan.source_profile
                )),
                Ok(None) => {}
                Err(e) => debug!("ignoring the MFA cache: {e:#}"),
            }
        }
        // One code for concurrent runs: whoever waited reads the session the first one made.
        let _making = cache.lock(key_id)?;
        if !self.opts.refresh
            && let Ok(Some(session)) = cache.read(key_id)
            && session.valid_for(Utc::now(), chrono::Duration::seconds(MFA_MARGIN_SECONDS))
        {
            info!("MFA session from {}, made by another run", crate::files::display(&cache.path(key_id)));
            return Ok(session);
        }
        let code = self.mfa_code(serial)?;
        info!("GetSessionToken for {serial} signed by {key_id}");
        let net = self.net()?;
        let session =
            net.runtime.block_on(net.sts.get_session_token(long_term, Some((serial, &code)))).with_context(
                || format!("profile \"{}\": GetSessionToken with MFA {serial}", self.plan.source_profile),
            )?;
        // A cache that cannot take it costs the next run a code, not this one its session.
        if let Err(e) = cache.write(key_id, &session, self.plan.region.as_deref()) {
            messages::note(&format!("{e:#}"));
        }
        Ok(session)
    }

    fn assume(&self, creds: &Credentials, hop: &Hop) -> Result<Credentials> {
        let code = match &hop.mfa_serial {
            Some(serial) => Some(self.mfa_code(serial)?),
            None => None,
        };
        info!("AssumeRole {} as {} signed by {}", hop.role_arn, hop.session_name, creds.access_key_id);
        let net = self.net()?;
        let (role, assumed) = match net.runtime.block_on(net.sts.assume_role(creds, hop, code.as_ref())) {
            Ok(answer) => answer,
            // Name who was refused: AWS's own message does, a local STS may not.
            Err(e) if sts::code_of(&e) == Some("AccessDenied") => {
                let who = net.runtime.block_on(net.sts.get_caller_identity(creds));
                let named = |arn: &str| e.downcast_ref::<sts::Failed>().is_some_and(|f| f.line.contains(arn));
                let e = match who {
                    Ok((_, arn, _)) if !named(&arn) => anyhow!("{e} (tried as {arn})"),
                    _ => e,
                };
                return Err(match crate::plan::agent::of(hop) {
                    Some(_) => anyhow!(
                        "{e} (--agent tags the session and sets its source identity: the role's trust policy must allow sts:TagSession and sts:SetSourceIdentity)"
                    ),
                    None => e,
                });
            }
            Err(e) => return Err(e),
        };
        // For the next run, of either tool; a cache that cannot take it costs only that.
        if let Err(e) = self.opts.role_sessions.write(hop, &role, assumed.as_ref()) {
            debug!("not caching the role session: {e:#}");
        }
        Ok(role)
    }

    /// The MFA code for `serial`: `--mfa-token`, else the profile's (or the setting's)
    /// `mfa_process`, else a question on the terminal. Run only when a code is needed.
    fn mfa_code(&self, serial: &str) -> Result<Secret> {
        if self.opts.renewal && self.opts.mfa_token.is_none() {
            bail!("the MFA session has ended and a new one needs a code for {serial}");
        }
        let here = || format!("profile \"{}\"", self.plan.profile);
        if self.opts.mfa_token.is_none()
            && let Some(command) = self.plan.mfa_process.as_deref().or(self.opts.mfa_process.as_deref())
        {
            info!("MFA code for {serial} from mfa_process");
            return process::run_mfa_process(command).with_context(here);
        }
        let prompt = crate::environment::var("AWSUME_MFA_PROMPT")
            .or_else(|| self.plan.mfa_prompt.clone())
            .or_else(|| self.opts.mfa_prompt.clone());
        mfa::ask(serial, self.opts.mfa_token.as_ref(), prompt.as_deref()).with_context(here)
    }

    /// The last hop whose role session is cached and fresh, and its index (not with `--refresh`,
    /// nor in an `-a` renewal, which runs because the session is ending).
    fn latest_cached_hop(&self) -> Option<(Credentials, usize)> {
        if self.opts.refresh || self.opts.renewal {
            return None;
        }
        let now = Utc::now();
        self.plan.hops.iter().enumerate().rev().find_map(|(index, hop)| {
            let creds = self.opts.role_sessions.read(hop, now)?;
            info!(
                "role {} from {}, until {}",
                hop.role_arn,
                crate::files::display(&self.opts.role_sessions.path(hop)),
                creds.expiration.map(crate::cache::format_local).unwrap_or_default()
            );
            Some((creds, index))
        })
    }
}

/// awsume's line for an MFA (or other) session, in local time.
pub fn confirm_session(creds: &Credentials) {
    if let Some(at) = creds.expiration {
        messages::confirm(&format!("Session token will expire at {}", crate::cache::format_local(at)));
    }
}

/// awsume's line for a role's session (an agent's says so).
fn confirm_role(hop: &Hop, creds: &Credentials) {
    match crate::plan::agent::of(hop) {
        Some(agent) => confirm_expiry(&hop.profile, &format!("Agent ({agent}, scoped)"), creds),
        None => confirm_expiry(&hop.profile, "Role", creds),
    }
}

/// awsume's line for each role (and each set of credentials handed out for a while), local time.
fn confirm_expiry(profile: &str, what: &str, creds: &Credentials) {
    if let Some(at) = creds.expiration {
        messages::confirm(&format!(
            "[{profile}] {what} credentials will expire {}",
            crate::cache::format_local(at)
        ));
    }
}

/// When the cached session a plan would reuse (MFA role, else MFA session) ends; no network.
pub fn cached_expiry(
    plan: &Plan,
    sessions: &SessionCache,
    roles: &RoleCache,
) -> Option<chrono::DateTime<Utc>> {
    if let Some(hop) = plan.hops.last() {
        return roles.expiry(hop);
    }
    if let Source::Login { session_arn, .. } = &plan.source {
        return signin::login::cached_expiry(session_arn);
    }
    if let Source::Saml(saml) = &plan.source
        && let Some(role) = signin::saml::role_of(sessions, saml)
    {
        return roles.expiry(&saml.hop(&plan.source_profile, &role));
    }
    match (&plan.source, &plan.mfa_session_serial) {
        (Source::Static { access_key_id, .. }, Some(_)) => {
            sessions.read(access_key_id).ok().flatten().and_then(|c| c.expiration)
        }
        _ => None,
    }
}
