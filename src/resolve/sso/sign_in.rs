//! A new IAM Identity Center sign-in, as the AWS CLI 2.22+ signs in: `sso_session` profiles with the
//! authorization code and PKCE (S256) on a one-shot loopback callback; `--remote` (`--use-device-code`) and
//! legacy `sso_start_url` profiles with the device code. The client registration (about 90 days) is
//! cached beside the tokens, one per flow, so that a code registration never serves the device flow
//! or the reverse; the token entry holds all that botocore needs to refresh it.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use aws_sdk_ssooidc::operation::create_token::CreateTokenError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use super::{Login, Token, format_time, parse_time, valid_for};
use crate::browser::{Browser, Url};
use crate::files;
use crate::messages::{self, debug};
use crate::plan::Sso;
use crate::resolve::callback::{Callback, Pkce, percent_encode, state};
use crate::resolve::sts::describe;

/// How long the code flow waits for the browser to come back.
const CODE_WAIT: Duration = Duration::from_secs(300);

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
    login: &Login,
) -> Result<Token> {
    if !login.interactive || (!login.force && !std::io::stderr().is_terminal()) {
        let state = match previous.map(|t| (&t.expires_at, parse_time(&t.expires_at))) {
            None => format!("there is no SSO sign-in for {}", sso.start_url),
            Some((_, Some(at))) => {
                format!("the SSO sign-in for {} expired at {}", sso.start_url, crate::cache::format_local(at))
            }
            Some((text, None)) => {
                format!("the SSO sign-in for {} has an unreadable expiry ({text:?})", sso.start_url)
            }
        };
        let how = if login.interactive {
            "and there is no terminal to sign in from"
        } else {
            "and auto-refresh asks nobody"
        };
        bail!("{state} {how}: run `awsume --sso-login {profile}` (or `aws sso login --profile {profile}`)");
    }
    let flow = if sso.session.is_some() && !login.remote { Flow::Code } else { Flow::Device };
    let registration = registration(oidc, shown, sso, flow).await?;
    let (access_token, expires_in, refresh_token) = match flow {
        Flow::Code => code_sign_in(oidc, shown, sso, profile, &registration, login).await?,
        Flow::Device => device_sign_in(oidc, shown, sso, profile, &registration, login).await?,
    };
    Ok(Token {
        start_url: Some(sso.start_url.clone()),
        region: Some(sso.region.clone()),
        access_token,
        expires_at: format_time(Utc::now() + chrono::Duration::seconds(expires_in.into())),
        client_id: Some(registration.client_id),
        client_secret: Some(registration.client_secret),
        registration_expires_at: Some(registration.expires_at),
        refresh_token,
        other: previous.map(|p| p.other.clone()).unwrap_or_default(),
    })
}

/// The cached registration for this flow while it lasts another hour, else a new one (cached).
async fn registration(
    oidc: &aws_sdk_ssooidc::Client,
    shown: &str,
    sso: &Sso,
    flow: Flow,
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
            .redirect_uris(format!("http://127.0.0.1{}", crate::resolve::callback::CALLBACK_PATH))
            .issuer_url(&sso.start_url),
        Flow::Device => request,
    };
    let out = request.send().await.map_err(|e| anyhow!("{}", describe(e, shown)))?;
    let expires = DateTime::<Utc>::from_timestamp(out.client_secret_expires_at(), 0).unwrap_or_else(Utc::now);
    let registration = Registration {
        client_id: out.client_id().unwrap_or_default().to_string(),
        client_secret: out.client_secret().unwrap_or_default().to_string(),
        expires_at: format_time(expires),
        scopes: sso.scopes.clone(),
        grant_types: flow.grant_types().iter().map(|g| g.to_string()).collect(),
    };
    let write = serde_json::to_string_pretty(&registration).map_err(anyhow::Error::from).and_then(|json| {
        let dir = path.parent().expect("the cache path has a directory");
        files::cache_dir(dir)?;
        files::write_atomic(&path, json.as_bytes(), 0o600).map_err(anyhow::Error::from)
    });
    if let Err(e) = write {
        debug!("not caching the SSO client registration: {e:#}");
    }
    Ok(registration)
}

/// The authorization code with PKCE: the browser signs in and comes back to 127.0.0.1 with a code.
async fn code_sign_in(
    oidc: &aws_sdk_ssooidc::Client,
    shown: &str,
    sso: &Sso,
    profile: &str,
    registration: &Registration,
    login: &Login,
) -> Result<(String, i32, Option<String>)> {
    let pkce = Pkce::new()?;
    let state = state()?;
    let callback = Callback::bind().await?;
    let redirect_uri = callback.redirect_uri.clone();
    let authorize = shown.trim_end_matches('/');
    let url = format!(
        "{authorize}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes={}&code_challenge={}",
        percent_encode(&registration.client_id),
        percent_encode(&callback.redirect_uri),
        percent_encode(&state),
        percent_encode(&sso.scopes.join(" ")),
        pkce.challenge
    );
    Browser::offer(
        login.browser.as_ref(),
        &url,
        profile,
        &format!("sign in to {}", sso.start_url),
        "--remote signs in with a code",
    );
    let code = callback.code(&state, CODE_WAIT).await?;
    let out = oidc
        .create_token()
        .grant_type("authorization_code")
        .client_id(&registration.client_id)
        .client_secret(&registration.client_secret)
        .code(code.expose())
        .code_verifier(pkce.verifier.expose())
        .redirect_uri(redirect_uri)
        .send()
        .await
        .map_err(|e| anyhow!("{}", describe(e, shown)))?;
    Ok((
        out.access_token().unwrap_or_default().to_string(),
        out.expires_in(),
        out.refresh_token().map(str::to_string),
    ))
}

/// The OAuth device-code sign-in: the person confirms a code in a browser while we poll.
async fn device_sign_in(
    oidc: &aws_sdk_ssooidc::Client,
    shown: &str,
    sso: &Sso,
    profile: &str,
    registration: &Registration,
    login: &Login,
) -> Result<(String, i32, Option<String>)> {
    let fail = |e| anyhow!("{}", describe(e, shown));
    let (client_id, client_secret) = (&registration.client_id, &registration.client_secret);
    let auth = oidc
        .start_device_authorization()
        .client_id(client_id)
        .client_secret(client_secret)
        .start_url(&sso.start_url)
        .send()
        .await
        .map_err(|e| anyhow!("{}", describe(e, shown)))?;
    let url = auth.verification_uri_complete().or(auth.verification_uri()).unwrap_or_default();
    messages::say(&format!(
        "to sign in to {}, open {url} and confirm the code {}",
        sso.start_url,
        auth.user_code().unwrap_or_default()
    ));
    if let Some(browser) = &login.browser {
        // The code is on the terminal too: a browser that will not open costs nothing.
        if let Err(e) = browser.open(Url::Public(url), profile) {
            debug!("{e:#}");
        }
    }
    let waiting = std::io::stderr().is_terminal();
    let limit = Duration::from_secs(u64::try_from(auth.expires_in()).unwrap_or(600).clamp(1, 900));
    let started = std::time::Instant::now();
    let mut interval = Duration::from_secs(u64::try_from(auth.interval()).unwrap_or(5).max(1));
    loop {
        if waiting {
            messages::progress(&format!(
                "waiting for the sign-in ({}s, Ctrl-C to stop)",
                started.elapsed().as_secs()
            ));
        }
        tokio::time::sleep(interval).await;
        let polled = oidc
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
                return Ok((
                    out.access_token().unwrap_or_default().to_string(),
                    out.expires_in(),
                    out.refresh_token().map(str::to_string),
                ));
            }
            Err(e) => match e.as_service_error() {
                Some(CreateTokenError::AuthorizationPendingException(_)) => {}
                Some(CreateTokenError::SlowDownException(_)) => interval += Duration::from_secs(5),
                Some(CreateTokenError::ExpiredTokenException(_)) => {
                    bail!("the sign-in code expired before it was confirmed; run the command again")
                }
                Some(CreateTokenError::AccessDeniedException(_)) => bail!("the sign-in was denied"),
                _ => return Err(fail(e)),
            },
        }
        if started.elapsed() >= limit {
            bail!("no sign-in was confirmed within {} s", limit.as_secs());
        }
    }
}
