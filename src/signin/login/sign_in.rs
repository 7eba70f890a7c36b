//! `aws login` itself: a new P-256 key, PKCE (`SHA-256`), a state value, the authorize page, the
//! code back (on 127.0.0.1 from this machine's browser, or pasted from another device's page),
//! then CreateOAuth2Token with a DPoP proof. The session's ARN is the ID token's `sub`; the entry
//! is written as the AWS CLI writes it, by the same builder a refresh uses.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};

use super::{Device, access_token, cache_path, create_token, credentials_of, dpop, endpoint};
use crate::aws::http::Http;
use crate::browser::Browser;
use crate::credentials::{Credentials, Secret, account_in};
use crate::encoding::{base64_decode, percent_decode, percent_encode};
use crate::files;
use crate::messages;
use crate::signin::callback::{Callback, Pkce, state};

const SAME_DEVICE: &str = "arn:aws:signin:::devtools/same-device";
const CROSS_DEVICE: &str = "arn:aws:signin:::devtools/cross-device";
/// The longest pasted code read (a real one is a few hundred bytes).
const PASTE_LIMIT: usize = 64 * 1024;

/// What `sign_in` made: the session's ARN and its first credentials.
pub struct SignedIn {
    pub arn: String,
    pub credentials: Credentials,
}

/// `aws login` for `profile` in `region`, on `device`: the entry is cached, the session returned.
pub async fn sign_in(
    profile: &str,
    region: &str,
    device: Device<'_>,
    redirect_port: Option<u16>,
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
            let callback = Callback::bind(redirect_port).await?;
            let redirect_uri = callback.redirect_uri.clone();
            let url = authorize(SAME_DEVICE, &redirect_uri);
            let what = format!("sign in to AWS for profile \"{profile}\"");
            let _page = Browser::offer(browser, &url, profile, &what, "--remote");
            (SAME_DEVICE, redirect_uri, callback.code(&state, crate::waits::PERSON).await?)
        }
        Device::Other => {
            let redirect_uri = format!("{endpoint}/v1/sessions/confirmation");
            let url = authorize(CROSS_DEVICE, &redirect_uri);
            messages::say(&format!(
                "to sign in to AWS for profile \"{profile}\", open {url} in a browser on any device"
            ));
            let question = "Enter the authorization code displayed in your browser: ";
            let Some(answer) =
                messages::answer(question, PASTE_LIMIT).context("cannot read the authorization code")?
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
    let entry = json!({
        "accessToken": access_token(&output, json!(account_in(&arn)), None)?,
        "tokenType": output.get("tokenType").cloned().unwrap_or_else(|| "aws_sigv4".into()),
        "refreshToken": output["refreshToken"],
        "idToken": id_token,
        "clientId": client,
        "dpopKey": key.to_pem()?.expose(),
        "signInRegion": region,
    });
    files::write_cache(&cache_path(&arn), entry.to_string().as_bytes())?;
    Ok(SignedIn { credentials: credentials_of(&entry)?, arn })
}

/// The code from what the cross-device page shows: base64 of `state=…&code=…` (standard or URL
/// alphabet, padded or not), for this sign-in's `state` only. Errors never repeat what was pasted.
fn pasted_code(text: &str, state: &str) -> Result<Secret> {
    let decoded = Secret::new(String::from_utf8_lossy(&base64_decode(text)));
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

/// The `sub` claim of a JWT (its payload is not verified: it only names the session to cache).
fn subject(jwt: &str) -> Option<String> {
    let payload = jwt.split('.').nth(1)?;
    let claims: Value = serde_json::from_slice(&base64_decode(payload)).ok()?;
    claims.get("sub")?.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::{base64, base64url};

    #[test]
    fn the_subject_is_read() {
        let jwt = format!("h.{}.s", base64url(br#"{"sub":"arn:aws:iam::1:user/a"}"#));
        assert_eq!(subject(&jwt).as_deref(), Some("arn:aws:iam::1:user/a"));
        assert_eq!(subject("nope"), None);
    }

    #[test]
    fn a_pasted_code_is_read_in_either_alphabet_for_this_sign_in_only() {
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
