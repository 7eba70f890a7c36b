//! Console sessions from `aws login` (`login_session = ARN` profiles): the AWS CLI's cache entry
//! (`$AWS_LOGIN_CACHE_DIRECTORY`, else `~/.aws/login/cache`, named by the SHA-256 of the ARN) gives
//! 15-minute credentials; within 5 minutes of their end they are refreshed through the sign-in
//! service's CreateOAuth2Token with a DPoP proof of the entry's own key, and the entry is written
//! back whole (0600, atomic) with every field the AWS CLI wrote. `sign_in` is `aws login` on this
//! device (PKCE, loopback callback). botocore reads and refreshes the same entries.
//!
//! Not aws-config's `credentials-login` provider: it writes the entry with a plain write (the
//! umask's mode, not atomic) and drops fields it does not know (`signInRegion` among them), and it
//! cannot sign in; one small client over our HTTP stack does all three.

mod dpop;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::callback::{Callback, Pkce, percent_decode, percent_encode, state};
use super::http::Http;
use crate::browser::Browser;
use crate::credentials::{Credentials, Secret, account_in};
use crate::files;
use crate::messages::{self, debug, info};

/// Credentials are refreshed when less than this is left of them (the AWS CLI's margin).
const REFRESH_MARGIN: chrono::Duration = chrono::Duration::minutes(5);
const SAME_DEVICE: &str = "arn:aws:signin:::devtools/same-device";
const CROSS_DEVICE: &str = "arn:aws:signin:::devtools/cross-device";
/// How long a sign-in in the browser may take.
const SIGN_IN_WAIT: Duration = Duration::from_secs(300);

/// A `login_session` profile as resolution needs it.
pub struct Session<'a> {
    pub profile: &'a str,
    pub arn: &'a str,
    /// The profile's region: where the sign-in service is asked when the entry names none.
    pub region: Option<&'a str>,
    /// Where a new sign-in happens when the session is missing or has ended (a person at a
    /// terminal); `None`: say how to sign in instead.
    pub sign_in: Option<Device<'a>>,
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

impl<'a> Device<'a> {
    pub fn chosen(remote: bool, browser: Option<&'a Browser>) -> Self {
        if remote { Self::Other } else { Self::This(browser) }
    }
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
    let host = if region.starts_with("cn-") {
        format!("https://{region}.signin.amazonaws.cn")
    } else if region.starts_with("us-gov-") {
        format!("https://{region}.signin.amazonaws-us-gov.com")
    } else {
        format!("https://{region}.signin.aws.amazon.com")
    };
    super::sts::endpoint_url("AWS_ENDPOINT_URL_SIGNIN", None)
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

/// How to sign in again, in one line.
fn sign_in_hint(profile: &str) -> String {
    format!("{SIGN_IN_AGAIN} `awsume {profile} --login` (or `aws login --profile {profile}`)")
}

pub async fn credentials(session: &Session<'_>, http: &Http, timeout: Duration) -> Result<Credentials> {
    match cached(session, http, timeout).await {
        Err(e) if e.to_string().contains(SIGN_IN_AGAIN) => match session.sign_in {
            Some(device) => {
                messages::note(&format!("{e:#}; signing in now"));
                let region = session.region.unwrap_or("us-east-1");
                let signed = sign_in(session.profile, region, device, http, timeout).await?;
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

/// What every way to sign in again says: the cue that a person could fix it now.
const SIGN_IN_AGAIN: &str = "sign in again:";

async fn cached(session: &Session<'_>, http: &Http, timeout: Duration) -> Result<Credentials> {
    let path = cache_path(session.arn);
    let shown = files::display(&path);
    let Some(text) = files::read_cache(&path)? else {
        bail!("no aws login session for {} in {shown}: {}", session.arn, sign_in_hint(session.profile));
    };
    let entry: Value =
        serde_json::from_str(&text).map_err(|_| anyhow!("{shown} is not an aws login cache entry"))?;
    let creds = credentials_of(&entry).with_context(|| shown.clone())?;
    if creds.valid_for(Utc::now(), REFRESH_MARGIN) {
        debug!("console session from {shown}");
        return Ok(creds);
    }
    let refreshed = refresh(session, entry, http, timeout).await?;
    let json = serde_json::to_string(&refreshed).context("cannot encode the login session")?;
    write_entry(&path, &json)?;
    credentials_of(&refreshed)
}

fn write_entry(path: &std::path::Path, json: &str) -> Result<()> {
    let dir = path.parent().expect("the cache path has a directory");
    files::cache_dir(dir)?;
    files::write_atomic(path, json.as_bytes(), 0o600)
        .with_context(|| format!("cannot write {}", files::display(path)))
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
        let output = answer.get("tokenOutput").cloned().unwrap_or(answer);
        if output.pointer("/accessToken/accessKeyId").is_none() {
            bail!("the sign-in service answered without credentials");
        }
        return Ok(output);
    }
    let code = answer.get("error").and_then(Value::as_str).unwrap_or("");
    match code {
        "TOKEN_EXPIRED" | "USER_CREDENTIALS_CHANGED" => {
            bail!("the aws login session has ended ({code}): {}", sign_in_hint(profile))
        }
        "AUTHCODE_EXPIRED" => {
            bail!("the sign-in's authorization code has expired ({code}): {}", sign_in_hint(profile))
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

async fn refresh(session: &Session<'_>, mut entry: Value, http: &Http, timeout: Duration) -> Result<Value> {
    let text = |name: &str| entry.get(name).and_then(Value::as_str).map(str::to_string);
    let pem = text("dpopKey").map(Secret::new);
    let (Some(pem), Some(client_id), Some(refresh_token)) = (pem, text("clientId"), text("refreshToken"))
    else {
        bail!(
            "the aws login entry cannot be refreshed (no dpopKey, clientId or refreshToken): {}",
            sign_in_hint(session.profile)
        );
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
    let expires = Utc::now()
        + chrono::Duration::seconds(output.get("expiresIn").and_then(Value::as_i64).unwrap_or(900));
    let access = &output["accessToken"];
    entry["accessToken"] = json!({
        "accessKeyId": access["accessKeyId"],
        "secretAccessKey": access["secretAccessKey"],
        "sessionToken": access["sessionToken"],
        "accountId": account,
        "expiresAt": expires.to_rfc3339_opts(SecondsFormat::Secs, true),
    });
    if let Some(next) = output.get("refreshToken").filter(|t| t.is_string()) {
        entry["refreshToken"] = next.clone();
    }
    Ok(entry)
}

/// What `sign_in` made: the session's ARN and its first credentials.
pub struct SignedIn {
    pub arn: String,
    pub credentials: Credentials,
}

/// `aws login`: a new P-256 key, PKCE (`SHA-256`), a state value, the authorize page, the code
/// back (on 127.0.0.1 from this machine's browser, or pasted from another device's page), then
/// CreateOAuth2Token with a DPoP proof. The session's ARN is the ID token's `sub`; the entry is
/// written as the AWS CLI writes it.
pub async fn sign_in(
    profile: &str,
    region: &str,
    device: Device<'_>,
    http: &Http,
    timeout: Duration,
) -> Result<SignedIn> {
    let key = dpop::Key::generate()?;
    let pkce = Pkce::new()?;
    let state = state()?;
    let endpoint = endpoint(region);
    let authorize = |client: &str, redirect_uri: &str| {
        format!(
            "{endpoint}/v1/authorize?response_type=code&client_id={}&scope=openid&redirect_uri={}&state={}&code_challenge_method=SHA-256&code_challenge={}",
            percent_encode(client),
            percent_encode(redirect_uri),
            percent_encode(&state),
            pkce.challenge
        )
    };
    let (client, redirect_uri, code) = match device {
        Device::This(browser) => {
            let callback = Callback::bind().await?;
            let redirect_uri = callback.redirect_uri.clone();
            let url = authorize(SAME_DEVICE, &redirect_uri);
            let what = format!("sign in to AWS for profile \"{profile}\"");
            Browser::offer(browser, &url, profile, &what, "--remote");
            (SAME_DEVICE, redirect_uri, callback.code(&state, SIGN_IN_WAIT).await?)
        }
        Device::Other => {
            let redirect_uri = format!("{endpoint}/v1/sessions/confirmation");
            let url = authorize(CROSS_DEVICE, &redirect_uri);
            messages::say(&format!(
                "to sign in to AWS for profile \"{profile}\", open {url} in a browser on any device"
            ));
            let Some(answer) = messages::answer("Enter the authorization code displayed in your browser: ")
                .context("cannot read the authorization code")?
            else {
                bail!("no authorization code: standard input is closed");
            };
            (CROSS_DEVICE, redirect_uri, pasted_code(answer.expose(), &state)?)
        }
    };
    let body = json!({
        "clientId": client,
        "grantType": "authorization_code",
        "code": code.expose(),
        "codeVerifier": pkce.verifier.expose(),
        "redirectUri": redirect_uri,
    });
    let output = create_token(&format!("{endpoint}/v1/token"), &key, &body, http, timeout, profile).await?;
    let id_token = output.get("idToken").and_then(Value::as_str).unwrap_or("");
    let arn =
        subject(id_token).ok_or_else(|| anyhow!("the sign-in service's ID token names no session (sub)"))?;
    let expires = Utc::now()
        + chrono::Duration::seconds(output.get("expiresIn").and_then(Value::as_i64).unwrap_or(900));
    let access = &output["accessToken"];
    let entry = json!({
        "accessToken": {
            "accessKeyId": access["accessKeyId"],
            "secretAccessKey": access["secretAccessKey"],
            "sessionToken": access["sessionToken"],
            "accountId": account_in(&arn),
            "expiresAt": expires.to_rfc3339_opts(SecondsFormat::Secs, true),
        },
        "tokenType": output.get("tokenType").cloned().unwrap_or_else(|| "aws_sigv4".into()),
        "refreshToken": output["refreshToken"],
        "idToken": id_token,
        "clientId": client,
        "dpopKey": key.to_pem()?.expose(),
        "signInRegion": region,
    });
    write_entry(&cache_path(&arn), &entry.to_string())?;
    Ok(SignedIn { credentials: credentials_of(&entry)?, arn })
}

/// The code from what the cross-device page shows: base64 of `state=…&code=…` (standard or URL
/// alphabet, padded or not), for this sign-in's `state` only. Errors never repeat what was pasted.
fn pasted_code(text: &str, state: &str) -> Result<Secret> {
    let decoded = Secret::new(String::from_utf8_lossy(&crate::deliver::quote::base64_decode(text)));
    let (mut pasted_state, mut code) = (None, None);
    for pair in decoded.expose().split('&') {
        match pair.split_once('=') {
            Some(("state", value)) => pasted_state = Some(percent_decode(value)),
            Some(("code", value)) if !value.is_empty() => code = Some(Secret::new(percent_decode(value))),
            _ => {}
        }
    }
    match (pasted_state, code) {
        (Some(pasted), Some(code)) if pasted == state => Ok(code),
        (Some(_), Some(_)) => {
            bail!("the code pasted belongs to another sign-in (its state is not this one's): sign in again")
        }
        _ => bail!("that is not the code the sign-in page shows (base64 of state=…&code=…)"),
    }
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

/// The `sub` claim of a JWT (its payload is not verified: it only names the session to cache).
fn subject(jwt: &str) -> Option<String> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = crate::deliver::quote::base64_decode(payload);
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("sub")?.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::callback::base64url;

    #[test]
    fn entries_are_named_by_the_sha256_of_the_arn_and_the_subject_is_read() {
        let path = cache_path("arn:aws:iam::123456789012:user/alice");
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            format!("{}.json", hex::encode(Sha256::digest(b"arn:aws:iam::123456789012:user/alice")))
        );
        let jwt = format!("h.{}.s", base64url(br#"{"sub":"arn:aws:iam::1:user/a"}"#));
        assert_eq!(subject(&jwt).as_deref(), Some("arn:aws:iam::1:user/a"));
        assert_eq!(subject("nope"), None);
        assert!(
            endpoint("eu-west-1").ends_with("eu-west-1.signin.aws.amazon.com")
                || std::env::var_os("AWS_ENDPOINT_URL").is_some()
        );
    }

    #[test]
    fn a_pasted_code_is_read_in_either_alphabet_for_this_sign_in_only() {
        let base64 = crate::deliver::quote::base64;
        // Bytes that encode to `+`/`/` in the standard alphabet, `-`/`_` in the URL one.
        let shown = base64(b"state=s1&code=a%3E%3F%3E~~~?>>");
        assert!(shown.contains('+') || shown.contains('/'), "{shown}");
        for pasted in [shown.clone(), shown.replace('+', "-").replace('/', "_").trim_end_matches('=').into()]
        {
            assert_eq!(pasted_code(&format!(" {pasted}\n"), "s1").unwrap().expose(), "a>?>~~~?>>");
        }
        let err = pasted_code(&shown, "s2").unwrap_err().to_string();
        assert!(err.contains("another sign-in") && !err.contains("a>?"), "{err}");
        assert!(pasted_code(&base64(b"state=s1"), "s1").is_err(), "no code");
        assert!(pasted_code(&base64(b"state=s1&code="), "s1").is_err(), "an empty code");
        assert!(pasted_code("", "s1").is_err());
    }
}
