//! IAM Identity Center: the sign-in token the AWS CLI keeps in `~/.aws/sso/cache/<sha1>.json` (same
//! names and JSON, so `aws sso login` and awsume sign in once for both), refreshed with its refresh
//! token, or a new sign-in (`sign_in`: the authorization code with PKCE, or the device code); then
//! GetRoleCredentials. Never waits for a sign-in nobody can see: without a terminal it stops and
//! says how to sign in.

mod sign_in;
mod start_url;

use sign_in::sign_in;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use super::place::{Ask, Place};
use crate::aws::http::Http;
use crate::aws::partition::of_region;
use crate::aws::sts::{client_config, describe, endpoint_url, failed};
use crate::credentials::{Credentials, Secret};
use crate::files;
use crate::messages::{debug, info};
use crate::plan::Sso;

/// How a missing or expired sign-in may be replaced.
pub struct Login<'a> {
    /// Where a sign-in can happen in this run (`place::choose`).
    pub place: Place<'a>,
    /// `--sso-login`: sign in again even with a valid token, and even without a terminal.
    pub force: bool,
    /// `--sso-login --force`: sign out of the portal with the cached token (`Logout`) and drop it
    /// first, so the Identity Center session's clock starts again.
    pub sign_out: bool,
    pub timeout: Duration,
}

/// The CLI's token file; fields awsume does not know are kept as they are. Only `accessToken` and
/// `expiresAt` are required, as botocore requires them: other tools write no more.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Token {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    access_token: String,
    expires_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    registration_expires_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(flatten)]
    other: serde_json::Map<String, serde_json::Value>,
}

/// `2026-11-24T23:00:00Z`, or the CLI v1 form `2026-11-24T23:00:00UTC`.
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.strip_suffix("UTC").map(|t| format!("{t}Z")).unwrap_or_else(|| text.to_string());
    DateTime::parse_from_rfc3339(&text).ok().map(|t| t.with_timezone(&Utc))
}

fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn valid_for(text: Option<&str>, margin: chrono::Duration) -> bool {
    text.and_then(parse_time).is_some_and(|t| t > Utc::now() + margin)
}

/// Where the CLI keeps the token: SHA-1 of the session name, or of the start URL (legacy form).
fn cache_path(sso: &Sso) -> PathBuf {
    let key = sso.session.as_deref().unwrap_or(&sso.start_url);
    let digest = hex::encode(Sha1::digest(key.as_bytes()));
    crate::files::home_dir().join(".aws/sso/cache").join(format!("{digest}.json"))
}

fn read_token(path: &std::path::Path) -> Result<Option<Token>> {
    let Some(text) = files::read_cache(path)? else { return Ok(None) };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|_| anyhow!("{} is not an SSO token cache", files::display(path)))
}

fn write_token(path: &std::path::Path, token: &Token) -> Result<()> {
    let json = serde_json::to_string_pretty(token).context("cannot encode the SSO token")?;
    files::write_cache(path, json.as_bytes())
}

impl Token {
    /// A token for `sso`: one that names another start URL is another sign-in.
    fn is_for(&self, sso: &Sso) -> bool {
        self.start_url.as_deref().is_none_or(|url| url == sso.start_url)
    }
}

/// Whether the token cache holds a sign-in for `sso` that is still valid (no network).
pub fn signed_in(sso: &Sso) -> bool {
    read_token(&cache_path(sso))
        .ok()
        .flatten()
        .is_some_and(|t| t.is_for(sso) && valid_for(Some(&t.expires_at), chrono::Duration::zero()))
}

pub async fn credentials(sso: &Sso, profile: &str, login: &Login<'_>, http: &Http) -> Result<Credentials> {
    let token = access_token(sso, profile, login, http).await?;
    let (portal, shown) = portal(sso, http, login.timeout);
    let out = portal
        .get_role_credentials()
        .account_id(&sso.account_id)
        .role_name(&sso.role_name)
        .access_token(token.expose())
        .send()
        .await
        .map_err(|e| {
            let unauthorized = e.as_service_error().is_some_and(|s| s.is_unauthorized_exception());
            let hint = if unauthorized {
                format!(" (sign in again: awsume --sso-login {profile})")
            } else {
                String::new()
            };
            anyhow!(
                "GetRoleCredentials {} in {}: {}{hint}",
                sso.role_name,
                sso.account_id,
                describe(e, &shown)
            )
        })?;
    let c = out.role_credentials().ok_or_else(|| anyhow!("the SSO portal answered without credentials"))?;
    let (Some(key), Some(secret), Some(token)) =
        (c.access_key_id(), c.secret_access_key(), c.session_token())
    else {
        bail!("the SSO portal answered with incomplete credentials");
    };
    let expiration = DateTime::<Utc>::from_timestamp_millis(c.expiration());
    Ok(Credentials::new(key, secret, Some(token.to_string()), expiration)
        .in_account(Some(sso.account_id.clone())))
}

/// The SSO portal's client (`AWS_ENDPOINT_URL_SSO` honoured) and its endpoint for messages.
fn portal(sso: &Sso, http: &Http, timeout: Duration) -> (aws_sdk_sso::Client, String) {
    let portal_endpoint = endpoint_url("AWS_ENDPOINT_URL_SSO", None);
    let shown =
        portal_endpoint.clone().unwrap_or_else(|| of_region(&sso.region).endpoint("portal.sso", &sso.region));
    let config = client_config!(aws_sdk_sso::Config::builder(), http, timeout)
        .region(aws_sdk_sso::config::Region::new(sso.region.clone()));
    let config = match portal_endpoint {
        Some(url) => config.endpoint_url(url),
        None => config,
    };
    (aws_sdk_sso::Client::from_conf(config.build()), shown)
}

/// The session's access token: cached while it lasts, refreshed, or signed in anew. One run at a
/// time refreshes or signs in (a lock beside the token): the others wait and read what it wrote,
/// so a rotating refresh token is spent once and one browser tab serves every caller.
pub async fn access_token(sso: &Sso, profile: &str, login: &Login<'_>, http: &Http) -> Result<Secret> {
    let path = cache_path(sso);
    let fresh = |t: &Token| !login.force && valid_for(Some(&t.expires_at), chrono::Duration::minutes(5));
    if let Some(token) = cached_token(&path, sso).filter(fresh) {
        debug!("SSO token from {}", files::display(&path));
        return Ok(Secret::new(token.access_token));
    }
    let _lock =
        files::lock_cache_entry(&path, crate::waits::OTHER_RUN, &format!("signing in to {}", sso.start_url))?;
    if login.sign_out {
        sign_out(sso, &path, http, login.timeout).await;
    }
    let cached = cached_token(&path, sso);
    if let Some(token) = cached.as_ref().filter(|t| fresh(t)) {
        debug!("SSO token from {}, refreshed by another run", files::display(&path));
        return Ok(Secret::new(token.access_token.clone()));
    }
    let oidc_endpoint = endpoint_url("AWS_ENDPOINT_URL_SSO_OIDC", None);
    let oidc_shown =
        oidc_endpoint.clone().unwrap_or_else(|| of_region(&sso.region).endpoint("oidc", &sso.region));
    let config = client_config!(aws_sdk_ssooidc::Config::builder(), http, login.timeout);
    let config = match oidc_endpoint {
        Some(url) => config.endpoint_url(url),
        None => config,
    };
    let oidc = aws_sdk_ssooidc::Client::from_conf(
        config.region(aws_sdk_ssooidc::config::Region::new(sso.region.clone())).build(),
    );
    let refreshable = |t: &Token| {
        !login.force
            && t.refresh_token.is_some()
            && valid_for(t.registration_expires_at.as_deref(), chrono::Duration::zero())
    };
    let token = match cached {
        Some(t) if refreshable(&t) => {
            debug!("refreshing the SSO token");
            match refresh(&oidc, &oidc_shown, t).await {
                Ok(t) => t,
                Err(e) => {
                    info!("the SSO token's refresh failed ({e:#}): signing in again");
                    sign_in(&oidc, &oidc_shown, sso, profile, None, login, http).await?
                }
            }
        }
        previous => sign_in(&oidc, &oidc_shown, sso, profile, previous.as_ref(), login, http).await?,
    };
    write_token(&path, &token)?;
    Ok(Secret::new(token.access_token))
}

/// The cached token for `sso` (a token for another start URL is another sign-in's); one that does
/// not read is no token.
fn cached_token(path: &std::path::Path, sso: &Sso) -> Option<Token> {
    match read_token(path) {
        Ok(t) => t.filter(|t| t.is_for(sso)),
        Err(e) => {
            debug!("ignoring the SSO token cache: {e:#}");
            None
        }
    }
}

/// One role the session's person may use in one account, as the portal lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AccountRole {
    pub account_name: String,
    pub account_id: String,
    pub role_name: String,
}

/// How many pages one listing may take: a portal that keeps answering "more" is stopped there
/// (tens of thousands of accounts fit in it).
const MAX_PAGES: usize = 500;

/// Every (account id, account name, role) the session `sso` reaches, signing in as for any SSO
/// profile when there is no valid token (`force`: `--sso-login`).
pub fn account_roles(sso: &Sso, ask: &Ask<'_>, force: bool, timeout: Duration) -> Result<Vec<AccountRole>> {
    let net = crate::aws::Net::new(&crate::aws::Where::region(&sso.region, timeout))?;
    let login = Login { place: super::place::choose(ask), force, sign_out: false, timeout };
    net.runtime.block_on(list_account_roles(sso, &login, &net.http))
}

/// Every account and role the session's person may use (ListAccounts, ListAccountRoles, every page,
/// through the SDK's paginators), in the portal's order.
async fn list_account_roles(sso: &Sso, login: &Login<'_>, http: &Http) -> Result<Vec<AccountRole>> {
    let token = access_token(sso, sso.session.as_deref().unwrap_or(&sso.start_url), login, http).await?;
    let (portal, shown) = portal(sso, http, login.timeout);
    let mut accounts = Vec::new();
    let mut pages = portal.list_accounts().access_token(token.expose()).into_paginator().send();
    let mut count = 0;
    while let Some(page) = pages.next().await {
        count = within_pages(count, "ListAccounts")?;
        let page = page.map_err(|e| anyhow!("ListAccounts: {}", describe(e, &shown)))?;
        accounts.extend(page.account_list().iter().map(|a| {
            (a.account_id().unwrap_or_default().to_string(), a.account_name().unwrap_or_default().to_string())
        }));
    }
    let mut roles = Vec::new();
    for (id, name) in accounts {
        let mut pages =
            portal.list_account_roles().access_token(token.expose()).account_id(&id).into_paginator().send();
        let mut count = 0;
        while let Some(page) = pages.next().await {
            count = within_pages(count, "ListAccountRoles")?;
            let page = page.map_err(|e| anyhow!("ListAccountRoles {id}: {}", describe(e, &shown)))?;
            roles.extend(page.role_list().iter().filter_map(|r| r.role_name()).map(|r| AccountRole {
                account_name: name.clone(),
                account_id: id.clone(),
                role_name: r.to_string(),
            }));
        }
    }
    Ok(roles)
}

/// Signs out of the portal with the cached token (its `Logout`) and removes the token: what fails
/// on the way is said, and the sign-in goes on (the new one is what was asked for).
async fn sign_out(sso: &Sso, path: &std::path::Path, http: &Http, timeout: Duration) {
    let Some(token) = cached_token(path, sso) else { return };
    let (portal, shown) = portal(sso, http, timeout);
    match portal.logout().access_token(&token.access_token).send().await {
        Ok(_) => {
            crate::messages::note(&format!("signed out of {} (the portal's session ends)", sso.start_url))
        }
        Err(e) => crate::messages::note(&format!("Logout: {}", describe(e, &shown))),
    }
    if let Err(e) =
        std::fs::remove_file(path).or_else(|e| if files::is_missing(&e) { Ok(()) } else { Err(e) })
    {
        crate::messages::note(&format!("cannot remove {}: {e}", files::display(path)));
    }
}

/// The next page's number, or an error once a listing has taken `MAX_PAGES`.
fn within_pages(count: usize, what: &str) -> Result<usize> {
    if count >= MAX_PAGES {
        bail!("{what}: the SSO portal still had more after {MAX_PAGES} pages; stopped");
    }
    Ok(count + 1)
}

async fn refresh(oidc: &aws_sdk_ssooidc::Client, shown: &str, mut token: Token) -> Result<Token> {
    let out = oidc
        .create_token()
        .grant_type("refresh_token")
        .set_client_id(token.client_id.clone())
        .set_client_secret(token.client_secret.clone())
        .set_refresh_token(token.refresh_token.clone())
        .send()
        .await
        .map_err(|e| failed(e, shown))?;
    token.access_token = out.access_token().unwrap_or_default().to_string();
    token.expires_at = format_time(Utc::now() + chrono::Duration::seconds(out.expires_in().into()));
    if let Some(next) = out.refresh_token() {
        token.refresh_token = Some(next.to_string());
    }
    Ok(token)
}
