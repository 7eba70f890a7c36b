//! A new IAM Identity Center sign-in, as the AWS CLI 2.22+ signs in: `sso_session` profiles with the
//! authorization code and PKCE (S256) on a one-shot loopback callback; `--remote` (`--use-device-code`) and
//! legacy `sso_start_url` profiles with the device code. The client registration (about 90 days) is
//! cached beside the tokens, one per flow, so that a code registration never serves the device flow
//! or the reverse; the token entry holds all that botocore needs to refresh it.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, bail};
use aws_sdk_ssooidc::operation::create_token::CreateTokenError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use super::{Login, Token, format_time, parse_time, valid_for};
use crate::aws::sts::failed;
use crate::browser::Browser;
use crate::encoding::percent_encode;
use crate::files;
use crate::messages::{self, debug};
use crate::plan::Sso;
use crate::signin::callback::{Callback, Pkce, state};
use crate::signin::place::Place;

/// Which OAuth grant a sign-in uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    Code,
    Device,
}

impl Flow {
    fn grant_types(self) -> &'static [&'static str] {
        match self {
            Flow::Code => &["authorization_code", "refresh_token"],
            Flow::Device => &["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
        }
    }
}

/// A client registration as cached: what the token entry copies, and what it was made for.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Registration {
    client_id: String,
    client_secret: String,
    expires_at: String,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    grant_types: Vec<String>,
}

/// Where a registration for this start URL, region, scopes and flow is cached.
fn registration_path(sso: &Sso, flow: Flow) -> PathBuf {
    let key = serde_json::json!({
        "grantTypes": flow.grant_types(),
        "region": sso.region,
        "scopes": sso.scopes,
        "startUrl": sso.start_url,
        "tool": "awsume",
    });
    let digest = hex::encode(Sha1::digest(key.to_string().as_bytes()));
    files::home_dir().join(".aws/sso/cache").join(format!("{digest}.json"))
}

pub async fn sign_in(
    oidc: &aws_sdk_ssooidc::Client,
    shown: &str,
    sso: &Sso,
    profile: &str,
    previous: Option<&Token>,
    login: &Login<'_>,
    http: &crate::aws::http::Http,
) -> Result<Token> {
    let browser = match &login.place {
        Place::Nowhere(why) => bail!(
            "{} and {why}: run `awsume --sso-login {profile}` (or `aws sso login --profile {profile}`)",
            why_needed(sso, previous)
        ),
        Place::Here(browser) => *browser,
        Place::Elsewhere(browser) => *browser,
    };
    let flow = match login.place {
        Place::Here(_) if sso.session.is_some() => Flow::Code,
        _ => Flow::Device,
    };
    // A custom domain's one redirect, followed now: the URL reached is the issuer.
    let issuer = super::start_url::resolve(&sso.start_url, http, login.timeout).await?;
    let registration = registration(oidc, shown, sso, flow, &issuer).await?;
    let attempt = Attempt { oidc, shown, sso, profile, registration: &registration, issuer: &issuer };
    let granted = match flow {
        Flow::Code => attempt.code(browser).await?,
        Flow::Device => attempt.device(browser).await?,
    };
    Ok(Token {
        start_url: Some(sso.start_url.clone()),
        region: Some(sso.region.clone()),
        access_token: granted.access_token,
        expires_at: format_time(
            Utc::now() + chrono::Duration::seconds(granted.expires_in.clamp(1, 86_400).into()),
        ),
        client_id: Some(registration.client_id),
        client_secret: Some(registration.client_secret),
        registration_expires_at: Some(registration.expires_at),
        refresh_token: granted.refresh_token,
        other: previous.map(|p| p.other.clone()).unwrap_or_default(),
    })
}

/// Why a sign-in is needed, for the line that says none can happen.
fn why_needed(sso: &Sso, previous: Option<&Token>) -> String {
    match previous.map(|t| (&t.expires_at, parse_time(&t.expires_at))) {
        None => format!("there is no SSO sign-in for {}", sso.start_url),
        Some((_, Some(at))) => {
            format!("the SSO sign-in for {} expired at {}", sso.start_url, crate::cache::format_local(at))
        }
        Some((text, None)) => {
            format!("the SSO sign-in for {} has an unreadable expiry ({text:?})", sso.start_url)
        }
    }
}

/// One sign-in under way: what both flows work with.
struct Attempt<'a> {
    oidc: &'a aws_sdk_ssooidc::Client,
    shown: &'a str,
    sso: &'a Sso,
    profile: &'a str,
    registration: &'a Registration,
    /// The start URL signed in to (after a custom domain's redirect).
    issuer: &'a str,
}

/// What a completed sign-in grants.
struct Granted {
    access_token: String,
    expires_in: i32,
    refresh_token: Option<String>,
}

impl Granted {
    fn from(out: &aws_sdk_ssooidc::operation::create_token::CreateTokenOutput) -> Self {
        Self {
            access_token: out.access_token().unwrap_or_default().to_string(),
            expires_in: out.expires_in(),
            refresh_token: out.refresh_token().map(str::to_string),
        }
    }
}

/// The cached registration for this flow while it lasts another hour, else a new one (cached).
async fn registration(
    oidc: &aws_sdk_ssooidc::Client,
    shown: &str,
    sso: &Sso,
    flow: Flow,
    issuer: &str,
) -> Result<Registration> {
    let path = registration_path(sso, flow);
    let cached =
        files::read_cache(&path).ok().flatten().and_then(|t| serde_json::from_str::<Registration>(&t).ok());
    if let Some(r) = cached.filter(|r| valid_for(Some(&r.expires_at), chrono::Duration::hours(1))) {
        debug!("SSO client registration from {}", files::display(&path));
        return Ok(r);
    }
    let request = oidc
        .register_client()
        .client_name("awsume")
        .client_type("public")
        .set_scopes((!sso.scopes.is_empty()).then(|| sso.scopes.clone()));
    let request = match flow {
        Flow::Code => flow
            .grant_types()
            .iter()
            .fold(request, |r, g| r.grant_types(*g))
            .redirect_uris(format!("http://127.0.0.1{}", crate::signin::callback::CALLBACK_PATH))
            .issuer_url(issuer),
        Flow::Device => request,
    };
    let out = request.send().await.map_err(|e| failed(e, shown))?;
    let expires = DateTime::<Utc>::from_timestamp(out.client_secret_expires_at(), 0).unwrap_or_else(Utc::now);
    let registration = Registration {
        client_id: out.client_id().unwrap_or_default().to_string(),
        client_secret: out.client_secret().unwrap_or_default().to_string(),
        expires_at: format_time(expires),
        scopes: sso.scopes.clone(),
        grant_types: flow.grant_types().iter().map(|g| g.to_string()).collect(),
    };
    let write = serde_json::to_string_pretty(&registration)
        .map_err(anyhow::Error::from)
        .and_then(|json| files::write_cache(&path, json.as_bytes()));
    if let Err(e) = write {
        debug!("not caching the SSO client registration: {e:#}");
    }
    Ok(registration)
}

impl Attempt<'_> {
    /// The authorization code with PKCE: the browser signs in and comes back to 127.0.0.1 with a code.
    async fn code(&self, browser: Option<&Browser>) -> Result<Granted> {
        let (registration, sso) = (self.registration, self.sso);
        let pkce = Pkce::new()?;
        let state = state()?;
        let callback = Callback::bind(sso.redirect_port).await?;
        let redirect_uri = callback.redirect_uri.clone();
        let authorize = self.shown.trim_end_matches('/');
        let url = format!(
            "{authorize}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes={}&code_challenge={}",
            percent_encode(&registration.client_id),
            percent_encode(&callback.redirect_uri),
            percent_encode(&state),
            percent_encode(&sso.scopes.join(" ")),
            pkce.challenge
        );
        let what = format!("sign in to {}", sso.start_url);
        let _page = Browser::offer(browser, &url, self.profile, &what, "--remote signs in with a code");
        let code = callback.code(&state, crate::waits::PERSON).await?;
        let out = self
            .oidc
            .create_token()
            .grant_type("authorization_code")
            .client_id(&registration.client_id)
            .client_secret(&registration.client_secret)
            .code(code.expose())
            .code_verifier(pkce.verifier.expose())
            .redirect_uri(redirect_uri)
            .send()
            .await
            .map_err(|e| failed(e, self.shown))?;
        Ok(Granted::from(&out))
    }

    /// The OAuth device code: the person confirms a code in a browser (this machine's when
    /// `browser`, else any) while we poll, never past the code's own end.
    async fn device(&self, browser: Option<&Browser>) -> Result<Granted> {
        let (client_id, client_secret) = (&self.registration.client_id, &self.registration.client_secret);
        let auth = self
            .oidc
            .start_device_authorization()
            .client_id(client_id)
            .client_secret(client_secret)
            .start_url(self.issuer)
            .send()
            .await
            .map_err(|e| failed(e, self.shown))?;
        let url = auth.verification_uri_complete().or(auth.verification_uri()).unwrap_or_default();
        messages::say(&format!(
            "to sign in to {}, open {url} and confirm the code {}",
            self.sso.start_url,
            auth.user_code().unwrap_or_default()
        ));
        // The code is on the terminal too: a browser that will not open costs nothing.
        let _page = match browser.map(|b| b.open(url, self.profile)) {
            Some(Ok(page)) => Some(page),
            Some(Err(e)) => {
                debug!("{e:#}");
                None
            }
            None => None,
        };
        let waiting = std::io::stderr().is_terminal();
        let limit = Duration::from_secs(u64::try_from(auth.expires_in()).unwrap_or(600).clamp(1, 900));
        let started = std::time::Instant::now();
        let mut interval = Duration::from_secs(u64::try_from(auth.interval()).unwrap_or(5).clamp(1, 60));
        loop {
            if waiting {
                let waited = started.elapsed().as_secs();
                messages::progress(&format!("waiting for the sign-in ({waited}s, Ctrl-C to stop)"));
            }
            tokio::time::sleep(interval.min(limit.saturating_sub(started.elapsed()))).await;
            let polled = self
                .oidc
                .create_token()
                .grant_type("urn:ietf:params:oauth:grant-type:device_code")
                .device_code(auth.device_code().unwrap_or_default())
                .client_id(client_id)
                .client_secret(client_secret)
                .send()
                .await;
            match polled {
                Ok(out) => {
                    if waiting {
                        messages::progress_done();
                    }
                    return Ok(Granted::from(&out));
                }
                Err(e) => match e.as_service_error() {
                    Some(CreateTokenError::AuthorizationPendingException(_)) => {}
                    Some(CreateTokenError::SlowDownException(_)) => interval += Duration::from_secs(5),
                    Some(CreateTokenError::ExpiredTokenException(_)) => {
                        bail!("the sign-in code expired before it was confirmed; run the command again")
                    }
                    Some(CreateTokenError::AccessDeniedException(_)) => bail!("the sign-in was denied"),
                    _ => return Err(failed(e, self.shown)),
                },
            }
            if started.elapsed() >= limit {
                bail!("no sign-in was confirmed within {} s", limit.as_secs());
            }
        }
    }
}
