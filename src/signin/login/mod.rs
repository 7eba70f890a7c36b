//! Console sessions from `aws login` (`login_session = ARN` profiles): the AWS CLI's cache entry
//! (`$AWS_LOGIN_CACHE_DIRECTORY`, else `~/.aws/login/cache`, named by the SHA-256 of the ARN) gives
//! 15-minute credentials; within 5 minutes of their end they are refreshed through the sign-in
//! service's CreateOAuth2Token with a DPoP proof of the entry's own key, and the entry is written
//! back whole (0600, atomic) with every field the AWS CLI wrote. `sign_in.rs` is `aws login` itself
//! (this device, or another device's browser). botocore reads and refreshes the same entries.
//!
//! Not aws-config's `credentials-login` provider: it writes the entry with a plain write (the
//! umask's mode, not atomic) and drops fields it does not know (`signInRegion` among them), and it
//! cannot sign in; one small client over our HTTP stack does all three.

mod dpop;
mod sign_in;

pub use sign_in::{SignedIn, sign_in};

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::place::{Ask, Place};
use crate::aws::LazyNet;
use crate::aws::http::Http;
use crate::browser::Browser;
use crate::credentials::{Credentials, Secret};
use crate::files;
use crate::messages::{self, debug, info};

/// Credentials are refreshed when less than this is left of them (the AWS CLI's margin).
const REFRESH_MARGIN: chrono::Duration = chrono::Duration::minutes(5);
/// The longest life a token answer may give credentials (`expiresIn` is clamped to it).
const LONGEST: i64 = 12 * 3600;

/// A `login_session` profile as resolution needs it.
pub struct Session<'a> {
    pub profile: &'a str,
    pub arn: &'a str,
    /// The profile's region: where the sign-in service is asked when the entry names none.
    pub region: Option<&'a str>,
    /// `login_redirect_port`: where a sign-in's callback listens.
    pub redirect_port: Option<u16>,
}

/// Where the person signs in.
#[derive(Clone, Copy)]
pub enum Device<'a> {
    /// This machine (`aws login`): the page opens here (`None`: printed, `--no-browser`) and the
    /// code comes back to a listener on 127.0.0.1.
    This(Option<&'a Browser>),
    /// A browser on another device (`aws login --remote`): the page is printed, and the person
    /// pastes the code it shows.
    Other,
}

/// The session cannot be refreshed: a person has to sign in again (`hint` says how). Its own type,
/// so that callers who can start a sign-in recognise it.
#[derive(Debug)]
pub struct SignInAgain {
    why: String,
    hint: String,
}

impl std::fmt::Display for SignInAgain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: sign in again: {}", self.why, self.hint)
    }
}

impl std::error::Error for SignInAgain {}

fn sign_in_again(why: impl Into<String>, profile: &str) -> anyhow::Error {
    let hint = format!("`awsume {profile} --login` (or `aws login --profile {profile}`)");
    anyhow::Error::new(SignInAgain { why: why.into(), hint })
}

/// Where the cache entries live.
fn cache_dir() -> PathBuf {
    match crate::environment::var("AWS_LOGIN_CACHE_DIRECTORY") {
        Some(dir) => files::expand_tilde(dir.as_ref()),
        None => files::home_dir().join(".aws/login/cache"),
    }
}

/// The entry of a session: hex SHA-256 of its ARN.
pub fn cache_path(arn: &str) -> PathBuf {
    cache_dir().join(format!("{}.json", hex::encode(Sha256::digest(arn.trim().as_bytes()))))
}

/// Held while a run refreshes or signs in to a session: the others wait, then read what it wrote.
pub fn lock(arn: &str) -> Result<Option<files::Lock>> {
    files::lock_cache_entry(
        &cache_path(arn),
        crate::waits::OTHER_RUN,
        &format!("refreshing the aws login session {arn}"),
    )
}

/// The session's cached credentials while more than the refresh margin of them is left: no network,
/// no HTTP stack built (a fresh session costs what a static profile costs).
pub fn fresh(arn: &str) -> Option<Credentials> {
    let text = files::read_cache(&cache_path(arn)).ok()??;
    let entry: Value = serde_json::from_str(&text).ok()?;
    credentials_of(&entry).ok().filter(|c| c.valid_for(Utc::now(), REFRESH_MARGIN))
}

/// When the cached credentials of `arn` end (no network), for `-l more`.
pub fn cached_expiry(arn: &str) -> Option<DateTime<Utc>> {
    let entry: Value = serde_json::from_str(&files::read_optional(&cache_path(arn)).ok()??).ok()?;
    expiry(&entry)
}

fn expiry(entry: &Value) -> Option<DateTime<Utc>> {
    let text = entry.pointer("/accessToken/expiresAt")?.as_str()?;
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

/// The sign-in service: `AWS_ENDPOINT_URL_SIGNIN` (or `AWS_ENDPOINT_URL`), else the region's.
pub fn endpoint(region: &str) -> String {
    let host = crate::aws::partition::of_region(region).signin(region);
    crate::aws::sts::endpoint_url("AWS_ENDPOINT_URL_SIGNIN", None)
        .unwrap_or(host)
        .trim_end_matches('/')
        .to_string()
}

fn credentials_of(entry: &Value) -> Result<Credentials> {
    let field = |name: &str| entry.pointer(&format!("/accessToken/{name}")).and_then(Value::as_str);
    let (Some(key), Some(secret)) = (field("accessKeyId"), field("secretAccessKey")) else {
        bail!("its entry has no accessToken");
    };
    Ok(Credentials::new(key, secret, field("sessionToken").map(str::to_string), expiry(entry))
        .in_account(field("accountId").map(str::to_string)))
}

/// An `aws login` session's credentials: cached while fresh, else refreshed (or signed in anew
/// where `ask` lets a person), one run at a time: whoever waited for the lock reads what the first
/// one wrote.
pub fn credentials(session: &Session<'_>, ask: &Ask<'_>, net: &LazyNet) -> Result<Credentials> {
    if let Some(creds) = fresh(session.arn) {
        debug!("console session from the aws login cache");
        return Ok(creds);
    }
    let _refreshing = lock(session.arn)?;
    if let Some(creds) = fresh(session.arn) {
        info!("console session refreshed by another run");
        return Ok(creds);
    }
    let device = match super::place::choose(ask) {
        Place::Here(browser) => Some(Device::This(browser)),
        Place::Elsewhere(_) if std::io::stdin().is_terminal() => Some(Device::Other),
        Place::Elsewhere(_) | Place::Nowhere(_) => None,
    };
    let timeout = net.timeout();
    let net = net.get()?;
    net.runtime.block_on(refreshed(session, device, &net.http, timeout))
}

/// `aws login` for `profile` in `region` (`remote`: from another device's browser), now.
pub fn sign_in_now(
    profile: &str,
    region: &str,
    remote: bool,
    browser: Option<&Browser>,
    redirect_port: Option<u16>,
    timeout: Duration,
) -> Result<SignedIn> {
    let net = crate::aws::Net::new(&crate::aws::Where::region(region, timeout))?;
    let device = if remote { Device::Other } else { Device::This(browser) };
    net.runtime.block_on(sign_in(profile, region, device, redirect_port, &net.http, timeout))
}

/// The session's credentials: cached, refreshed, or (where `device` allows) signed in anew.
async fn refreshed(
    session: &Session<'_>,
    device: Option<Device<'_>>,
    http: &Http,
    timeout: Duration,
) -> Result<Credentials> {
    match cached(session, http, timeout).await {
        Err(e) if e.downcast_ref::<SignInAgain>().is_some() => match device {
            Some(device) => {
                messages::note(&format!("{e:#}; signing in now"));
                let region = session.region.unwrap_or("us-east-1");
                let signed =
                    sign_in(session.profile, region, device, session.redirect_port, http, timeout).await?;
                if signed.arn != session.arn.trim() {
                    messages::note(&format!(
                        "signed in as {}, not {}: profile \"{}\" keeps its login_session",
                        signed.arn, session.arn, session.profile
                    ));
                }
                Ok(signed.credentials)
            }
            None => Err(e),
        },
        other => other,
    }
}

async fn cached(session: &Session<'_>, http: &Http, timeout: Duration) -> Result<Credentials> {
    let path = cache_path(session.arn);
    let shown = files::display(&path);
    let Some(text) = files::read_cache(&path)? else {
        return Err(sign_in_again(
            format!("no aws login session for {} in {shown}", session.arn),
            session.profile,
        ));
    };
    let entry: Value =
        serde_json::from_str(&text).map_err(|_| anyhow!("{shown} is not an aws login cache entry"))?;
    // Credentials that do not read are refreshed like ended ones, while the entry can be.
    if let Ok(creds) = credentials_of(&entry)
        && creds.valid_for(Utc::now(), REFRESH_MARGIN)
    {
        debug!("console session from {shown}");
        return Ok(creds);
    }
    let refreshed = refresh(session, entry, http, timeout).await?;
    let creds = credentials_of(&refreshed)?;
    let json = serde_json::to_string(&refreshed).context("cannot encode the login session")?;
    files::write_cache(&path, json.as_bytes())?;
    Ok(creds)
}

/// One CreateOAuth2Token call with a DPoP proof: the token output, or one line on refusal.
async fn create_token(
    url: &str,
    key: &dpop::Key,
    body: &Value,
    http: &Http,
    timeout: Duration,
    profile: &str,
) -> Result<Value> {
    let proof = key.proof(url, Utc::now().timestamp())?;
    let headers = [("content-type", "application/json"), ("dpop", proof.as_str())];
    let (status, _, answer) = http.send("POST", url, &headers, body.to_string().as_bytes(), timeout).await?;
    let answer: Value = serde_json::from_slice(&answer).unwrap_or(Value::Null);
    if status == 200 {
        // rest-json: the body is the token output itself (some answers wrap it).
        return Ok(answer.get("tokenOutput").cloned().unwrap_or(answer));
    }
    let code = answer.get("error").and_then(Value::as_str).unwrap_or("");
    match code {
        "TOKEN_EXPIRED" | "USER_CREDENTIALS_CHANGED" => {
            Err(sign_in_again(format!("the aws login session has ended ({code})"), profile))
        }
        "AUTHCODE_EXPIRED" => {
            Err(sign_in_again(format!("the sign-in's authorization code has expired ({code})"), profile))
        }
        "INSUFFICIENT_PERMISSIONS" => bail!(
            "the sign-in service refused to refresh the session: the signed-in identity lacks the SignInLocalDevelopmentAccess permission (signin:CreateOAuth2Token)"
        ),
        _ => bail!(
            "HTTP {status} from {}{}",
            url.split('?').next().unwrap_or(url),
            if code.is_empty() { String::new() } else { format!(" ({code})") }
        ),
    }
}

/// The `accessToken` object of an entry, from a token answer: its keys (strings, or the answer is
/// refused before anything is written), `account`, and its end (`expiresIn`, more than 0 and at
/// most 12 hours; 15 minutes when missing). Fields of `previous` it does not set are kept.
fn access_token(output: &Value, account: Value, previous: Option<&Value>) -> Result<Value> {
    let access = &output["accessToken"];
    let text = |name: &str| access.get(name).and_then(Value::as_str).filter(|v| !v.is_empty());
    let (Some(key), Some(secret), Some(token)) =
        (text("accessKeyId"), text("secretAccessKey"), text("sessionToken"))
    else {
        bail!("the sign-in service answered without credentials it could have meant");
    };
    let expires_in = match output.get("expiresIn") {
        None | Some(Value::Null) => 900,
        Some(v) => match v.as_f64() {
            Some(seconds) if seconds >= 1.0 => seconds.min(LONGEST as f64) as i64,
            _ => {
                bail!("the sign-in service answered with credentials that have already ended (expiresIn {v})")
            }
        },
    };
    let expires = Utc::now() + chrono::Duration::seconds(expires_in);
    let mut object = previous.and_then(Value::as_object).cloned().unwrap_or_default();
    for (name, value) in [
        ("accessKeyId", json!(key)),
        ("secretAccessKey", json!(secret)),
        ("sessionToken", json!(token)),
        ("accountId", account),
        ("expiresAt", json!(expires.to_rfc3339_opts(SecondsFormat::Secs, true))),
    ] {
        object.insert(name.to_string(), value);
    }
    Ok(Value::Object(object))
}

async fn refresh(session: &Session<'_>, mut entry: Value, http: &Http, timeout: Duration) -> Result<Value> {
    let text = |name: &str| entry.get(name).and_then(Value::as_str).map(str::to_string);
    let pem = text("dpopKey").map(Secret::new);
    let (Some(pem), Some(client_id), Some(refresh_token)) = (pem, text("clientId"), text("refreshToken"))
    else {
        return Err(sign_in_again(
            "the aws login entry cannot be refreshed (no dpopKey, clientId or refreshToken)",
            session.profile,
        ));
    };
    let key = dpop::Key::from_pem(pem.expose())?;
    // The entry's signInRegion ranks first, as botocore ranks it.
    let region =
        text("signInRegion").or(session.region.map(str::to_string)).unwrap_or_else(|| "us-east-1".into());
    let url = format!("{}/v1/token", endpoint(&region));
    info!("refreshing the aws login session of profile \"{}\"", session.profile);
    let body = json!({ "clientId": client_id, "grantType": "refresh_token", "refreshToken": refresh_token });
    let output = create_token(&url, &key, &body, http, timeout, session.profile).await?;
    let account = entry.pointer("/accessToken/accountId").cloned().unwrap_or(Value::Null);
    let token = access_token(&output, account, entry.get("accessToken"))?;
    let next = output.get("refreshToken").filter(|t| t.as_str().is_some_and(|t| !t.is_empty())).cloned();
    entry["accessToken"] = token;
    if let Some(next) = next {
        entry["refreshToken"] = next;
    }
    Ok(entry)
}

/// `awsume NAME --logout`: the session's entry goes (as `aws logout` does); true when there was one.
pub fn sign_out(arn: &str) -> Result<bool> {
    let path = cache_path(arn);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(anyhow!("cannot remove {}: {e}", files::display(&path))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_named_by_the_sha256_of_the_arn() {
        let path = cache_path("arn:aws:iam::123456789012:user/alice");
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            format!("{}.json", hex::encode(Sha256::digest(b"arn:aws:iam::123456789012:user/alice")))
        );
        assert!(
            endpoint("eu-west-1").ends_with("eu-west-1.signin.aws.amazon.com")
                || crate::environment::is_set("AWS_ENDPOINT_URL")
        );
    }

    #[test]
    fn token_answers_are_checked_before_anything_is_kept() {
        let keys = json!({ "accessKeyId": "ASIA1", "secretAccessKey": "s", "sessionToken": "t" });
        let previous = json!({ "accessKeyId": "old", "futureField": 7 });
        let made =
            access_token(&json!({ "accessToken": keys, "expiresIn": 900 }), json!("1"), Some(&previous))
                .unwrap();
        assert_eq!((made["accessKeyId"].as_str(), made["futureField"].as_i64()), (Some("ASIA1"), Some(7)));
        for huge in [json!(9_223_372_036_854_775_807i64), json!(1e13), json!(1e300)] {
            let made =
                access_token(&json!({ "accessToken": keys, "expiresIn": huge }), json!(null), None).unwrap();
            let end = DateTime::parse_from_rfc3339(made["expiresAt"].as_str().unwrap()).unwrap();
            assert!(end.with_timezone(&Utc) <= Utc::now() + chrono::Duration::hours(12), "{huge}");
        }
        for ended in [json!(-5), json!(0), json!("soon")] {
            assert!(
                access_token(&json!({ "accessToken": keys, "expiresIn": ended }), json!(null), None).is_err()
            );
        }
        let numeric =
            json!({ "accessToken": { "accessKeyId": 5, "secretAccessKey": "s", "sessionToken": "t" } });
        assert!(access_token(&numeric, json!(null), None).is_err());
    }

    #[test]
    fn an_ended_session_is_told_apart_by_its_type() {
        let err =
            sign_in_again("the aws login session has ended (TOKEN_EXPIRED)", "p").context("profile \"p\"");
        assert!(err.downcast_ref::<SignInAgain>().is_some());
        assert!(format!("{err:#}").contains("sign in again: `awsume p --login`"), "{err:#}");
        assert!(anyhow!("sign in again:").downcast_ref::<SignInAgain>().is_none());
    }
}
