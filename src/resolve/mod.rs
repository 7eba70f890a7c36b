//! Resolution: runs a plan's steps and returns credentials. The only module that talks to AWS, runs
//! processes or prompts. The async runtime and the STS client are built on first need, never for a
//! plan that needs no network.

mod callback;
mod console;
mod http;
mod iam;
mod imds;
mod login;
mod mfa;
mod place;
mod process;
mod saml;
mod source;
mod sso;

pub use process::enter_chain as enter_profile_chain;
pub use source::environment as environment_credentials;
pub use sso::{AccountRole, signed_in as sso_signed_in};
mod sts;

use std::io::IsTerminal;

use anyhow::{Context, Result, anyhow, bail};
use chrono::Utc;

use self::http::Http;
use crate::cache::{RoleCache, SessionCache};
use crate::credentials::{Credentials, Secret};
use crate::messages::{self, debug, info};
use crate::plan::{Hop, Plan, Source};

/// How a session cache entry counts as expired: this long before its real end.
const MFA_MARGIN_SECONDS: i64 = 300;
/// How long a run waits for another that is asking for the same MFA code (a person typing it).
const MFA_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(180);

pub struct Options {
    /// Reuse no cached session (`-r`); what is resolved is cached again.
    pub refresh: bool,
    pub mfa_token: Option<Secret>,
    /// awsume's MFA sessions.
    pub mfa_sessions: SessionCache,
    /// Role sessions, in the AWS CLI's cache.
    pub role_sessions: RoleCache,
    /// Exchange long-term keys for a session (GetSessionToken) before returning them.
    pub ensure_temporary: bool,
    /// The most one STS call may take, retries included.
    pub timeout: std::time::Duration,
    /// Sign in to SSO again now (and allow it without a terminal).
    pub sso_login: bool,
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

/// GetCallerIdentity for `creds`, for `--who`: (account, ARN, user id).
pub fn caller_identity(
    creds: &Credentials,
    region: &str,
    timeout: std::time::Duration,
) -> Result<(String, String, String)> {
    let http = Http::new(http::ca_bundle(None).as_deref())?;
    let net = Net::new(region, sts::endpoint_url("AWS_ENDPOINT_URL_STS", None), http, timeout)?;
    net.runtime.block_on(net.sts.get_caller_identity(creds)).context("GetCallerIdentity")
}

pub use console::Console;
pub use iam::Iam;

pub fn resolve(plan: &Plan, opts: &Options) -> Result<Credentials> {
    let creds = Resolver { plan, opts, net: None }.run()?;
    if let Some((field, what)) = creds.uncarriable() {
        bail!(
            "profile \"{}\": the {field} it resolved to holds {what}, which no environment can carry safely",
            plan.profile
        );
    }
    Ok(creds)
}

/// The console sign-in link for what `plan` resolved to (`creds`).
pub fn console_url(plan: &Plan, opts: &Options, creds: &Credentials, console: &Console) -> Result<String> {
    Resolver { plan, opts, net: None }.console_url(creds, console)
}

/// The network side, built only when a step needs it: the one runtime and the one STS client (one
/// connection pool for every hop).
struct Net {
    runtime: &'static tokio::runtime::Runtime,
    http: Http,
    sts: sts::Sts,
}

impl Net {
    fn new(region: &str, endpoint: Option<String>, http: Http, timeout: std::time::Duration) -> Result<Self> {
        let runtime = crate::runtime::get()?;
        let sts = sts::Sts::new(region, endpoint, &http, timeout);
        debug!("STS endpoint {} (region {region})", sts.endpoint);
        Ok(Self { runtime, http, sts })
    }
}

struct Resolver<'a> {
    plan: &'a Plan,
    opts: &'a Options,
    net: Option<Net>,
}

impl Resolver<'_> {
    fn run(&mut self) -> Result<Credentials> {
        let plan = self.plan;
        // The last hop with a fresh cached session is where the calls start: nothing before it
        // needs resolving (no source, no MFA code, no call).
        let (mut creds, first_hop) = match self.latest_cached_hop() {
            Some((creds, index)) => {
                confirm_role(&plan.hops[index].profile, &creds);
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
                    ) => confirm_role(&plan.source_profile, &creds),
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
            confirm_role(&hop.profile, &creds);
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

    fn net(&mut self) -> Result<&Net> {
        if self.net.is_none() {
            let endpoint = sts::endpoint_url("AWS_ENDPOINT_URL_STS", self.plan.endpoint_url.as_deref());
            let http = Http::new(http::ca_bundle(self.plan.ca_bundle.as_deref()).as_deref())
                .with_context(|| format!("profile \"{}\"", self.plan.profile))?;
            self.net = Some(Net::new(self.plan.sts_region(), endpoint, http, self.opts.timeout)?);
        }
        Ok(self.net.as_ref().expect("just built"))
    }

    fn source(&mut self) -> Result<Credentials> {
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
            Source::Process { command } => {
                info!("running credential_process of profile \"{}\"", self.plan.source_profile);
                process::run(command, self.opts.profile_chain.as_deref())
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
            Source::WebIdentity { token_file, role_arn, session_name } => {
                let token = source::web_identity_token(token_file)?;
                info!("AssumeRoleWithWebIdentity {role_arn} as {session_name}");
                let net = self.net()?;
                net.runtime
                    .block_on(net.sts.assume_role_with_web_identity(role_arn, session_name, &token))
                    .map(|creds| creds.in_account(crate::credentials::account_in(role_arn)))
                    .with_context(|| format!("AssumeRoleWithWebIdentity {role_arn}"))
            }
            Source::Login { session_arn } => self.login(session_arn),
            Source::Saml(saml) => self.saml(saml),
            Source::Sso(sso) => {
                let login = sso::Login {
                    place: place::choose(self.opts),
                    force: self.opts.sso_login,
                    timeout: self.opts.timeout,
                };
                let profile = self.plan.source_profile.clone();
                let net = self.net()?;
                net.runtime.block_on(sso::credentials(sso, &profile, &login, &net.http))
            }
        }
    }

    /// An `aws login` session: cached while fresh, else refreshed (or signed in anew where a person
    /// can), one run at a time: whoever waited for the lock reads what the first one wrote.
    fn login(&mut self, arn: &str) -> Result<Credentials> {
        if let Some(creds) = login::fresh(arn) {
            debug!("console session from the aws login cache");
            return Ok(creds);
        }
        let _refreshing = login::lock(arn)?;
        if let Some(creds) = login::fresh(arn) {
            info!("console session refreshed by another run");
            return Ok(creds);
        }
        let sign_in = match place::choose(self.opts) {
            place::Place::Here(browser) => Some(login::Device::This(browser)),
            place::Place::Elsewhere(_) if std::io::stdin().is_terminal() => Some(login::Device::Other),
            place::Place::Elsewhere(_) | place::Place::Nowhere(_) => None,
        };
        let session = login::Session {
            profile: &self.plan.source_profile,
            arn,
            region: self.plan.region.as_deref(),
            sign_in,
        };
        let timeout = self.opts.timeout;
        let net = self.net()?;
        net.runtime.block_on(login::credentials(&session, &net.http, timeout))
    }

    /// The MFA session for long-term keys: from awsume's cache when still valid, else
    /// GetSessionToken with a code, written back to the cache.
    fn mfa_session(&mut self, long_term: &Credentials, serial: &str) -> Result<Credentials> {
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
        let _making = cache.lock(key_id, MFA_LOCK_WAIT)?;
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

    fn assume(&mut self, creds: &Credentials, hop: &Hop) -> Result<Credentials> {
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
                return Err(match who {
                    Ok((_, arn, _)) if !named(&arn) => anyhow!("{e} (tried as {arn})"),
                    _ => e,
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
fn confirm_session(creds: &Credentials) {
    if let Some(at) = creds.expiration {
        messages::confirm(&format!("Session token will expire at {}", crate::cache::format_local(at)));
    }
}

/// awsume's line for each role (and each set of credentials handed out for a while), local time.
fn confirm_role(profile: &str, creds: &Credentials) {
    if let Some(at) = creds.expiration {
        messages::confirm(&format!(
            "[{profile}] Role credentials will expire {}",
            crate::cache::format_local(at)
        ));
    }
}

/// `aws login` for `profile` in `region` (`remote`: from another device's browser): the session's
/// ARN (its credentials are cached).
pub fn login_sign_in(
    profile: &str,
    region: &str,
    remote: bool,
    browser: Option<&crate::browser::Browser>,
    timeout: std::time::Duration,
) -> Result<String> {
    let http = Http::new(http::ca_bundle(None).as_deref())?;
    let net = Net::new(region, None, http, timeout)?;
    let device = if remote { login::Device::Other } else { login::Device::This(browser) };
    let signed = net.runtime.block_on(login::sign_in(profile, region, device, &net.http, timeout))?;
    confirm_session(&signed.credentials);
    Ok(signed.arn)
}

pub use login::sign_out as login_sign_out;

/// Every (account id, account name, role) IAM Identity Center session `sso` reaches, signing in as
/// for any SSO profile when there is no valid token.
pub fn sso_account_roles(sso: &crate::plan::Sso, opts: &Options) -> Result<Vec<AccountRole>> {
    let http = Http::new(http::ca_bundle(None).as_deref())?;
    let net = Net::new(&sso.region, None, http, opts.timeout)?;
    let login = sso::Login { place: place::choose(opts), force: opts.sso_login, timeout: opts.timeout };
    net.runtime.block_on(sso::account_roles(sso, &login, &net.http))
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
    if let Source::Login { session_arn } = &plan.source {
        return login::cached_expiry(session_arn);
    }
    if let Source::Saml(saml) = &plan.source
        && let Some(role) = saml::role_of(sessions, saml)
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
