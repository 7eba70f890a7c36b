//! What a browser sign-in needs on this side (IAM Identity Center's authorization code flow, `aws
//! login`): a PKCE pair (RFC 7636), a `state` value, and a one-shot listener on loopback that takes
//! the redirect `/oauth/callback?code=…&state=…`. The listener binds 127.0.0.1 only, waits a bounded
//! time, checks `state`, answers with a short page, and serves nothing else: any other request is a
//! 404 and the wait goes on; a wrong `state` ends the sign-in.

use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::credentials::Secret;
use crate::encoding::{base64url, percent_decode, random_bytes};

/// The redirect path both sign-ins use.
pub const CALLBACK_PATH: &str = "/oauth/callback";

/// A PKCE pair: the verifier stays here, its SHA-256 goes in the authorize URL.
pub struct Pkce {
    pub verifier: Secret,
    pub challenge: String,
}

impl Pkce {
    /// A 64-character verifier from RFC 7636's unreserved characters, and its S256 challenge.
    pub fn new() -> Result<Self> {
        let verifier = base64url(&random_bytes(48)?);
        let challenge = base64url(&Sha256::digest(verifier.as_bytes()));
        Ok(Self { verifier: Secret::new(verifier), challenge })
    }
}

/// A fresh `state` value: the callback must bring it back.
pub fn state() -> Result<String> {
    Ok(base64url(&random_bytes(24)?))
}

/// The listener the browser is sent back to.
pub struct Callback {
    listener: TcpListener,
    pub redirect_uri: String,
}

impl Callback {
    /// Listens on a free port of 127.0.0.1 (never beyond this machine).
    pub async fn bind() -> Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| anyhow!("cannot listen on 127.0.0.1 for the sign-in: {e}"))?;
        let port = listener.local_addr()?.port();
        Ok(Self { listener, redirect_uri: format!("http://127.0.0.1:{port}{CALLBACK_PATH}") })
    }

    /// Waits (at most `limit`) for the redirect with `state`; returns its `code`.
    pub async fn code(self, state: &str, limit: Duration) -> Result<Secret> {
        tokio::time::timeout(limit, self.serve(state)).await.map_err(|_| {
            anyhow!(
                "no sign-in came back within {} s (was the page opened in a browser on this machine?)",
                limit.as_secs()
            )
        })?
    }

    async fn serve(self, state: &str) -> Result<Secret> {
        loop {
            let (mut stream, _) = self.listener.accept().await?;
            // A client that sends nothing in time is dropped, and the wait goes on.
            let mut buf = vec![0u8; 8192];
            let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await else {
                continue;
            };
            let request = String::from_utf8_lossy(&buf[..n]);
            let target = request.lines().next().and_then(|l| l.split_whitespace().nth(1)).unwrap_or("");
            let (path, query) = target.split_once('?').unwrap_or((target, ""));
            if path != CALLBACK_PATH {
                let _ = stream.write_all(&page("404 Not Found", "Not here.")).await;
                continue;
            }
            let get = |name: &str| {
                query.split('&').find_map(|p| p.strip_prefix(name)?.strip_prefix('=')).map(percent_decode)
            };
            if get("state").as_deref() != Some(state) {
                let _ = stream
                    .write_all(&page("400 Bad Request", "This sign-in is not the one awsume started."))
                    .await;
                bail!(
                    "the sign-in came back with another state: not the one awsume started, so it was refused"
                );
            }
            if let Some(error) = get("error") {
                let _ = stream.write_all(&page("200 OK", "The sign-in was not completed.")).await;
                let why = get("error_description").unwrap_or_default();
                bail!("the sign-in was refused: {error} {why}");
            }
            let Some(code) = get("code").filter(|c| !c.is_empty()) else {
                let _ = stream.write_all(&page("400 Bad Request", "No code.")).await;
                bail!("the sign-in came back without a code");
            };
            let _ = stream
                .write_all(&page("200 OK", "Signed in. You can close this tab and go back to the terminal."))
                .await;
            return Ok(Secret::new(code));
        }
    }
}

fn page(status: &str, text: &str) -> Vec<u8> {
    let body = format!("<!doctype html><meta charset=\"utf-8\"><title>awsume</title><p>{text}</p>\n");
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_is_rfc_7636() {
        // RFC 7636 appendix B.
        let challenge = base64url(&Sha256::digest(b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert_eq!(challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        let pair = Pkce::new().unwrap();
        assert_eq!(pair.verifier.expose().len(), 64);
        assert!(pair.verifier.expose().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }
}
