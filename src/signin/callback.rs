//! What a browser sign-in needs on this side (IAM Identity Center's authorization code flow, `aws
//! login`): a PKCE pair (RFC 7636), a `state` value, and a one-shot listener on loopback that takes
//! the redirect `/oauth/callback?code=…&state=…`. The listener binds 127.0.0.1 only, waits a bounded
//! time, serves connections side by side with a short budget each, checks `state`, answers with a
//! short page, and serves nothing else: another path is a 404, a wrong or missing `state` an error
//! page, and the wait goes on for the real redirect.

use std::time::Duration;

use anyhow::{Result, anyhow};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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

/// `--redirect-port` and the `redirect-port` setting, for every sign-in of this run.
static PORTS: std::sync::OnceLock<(Option<u16>, Option<u16>)> = std::sync::OnceLock::new();

/// Sets this run's `--redirect-port` and setting (the first call wins).
pub fn set_ports(flag: Option<u16>, setting: Option<u16>) {
    let _ = PORTS.set((flag, setting));
}

/// The port a callback listens on: the flag, else `own`, else the setting; `None`: any free one.
pub fn port(own: Option<u16>) -> Option<u16> {
    let (flag, setting) = PORTS.get().copied().unwrap_or_default();
    flag.or(own).or(setting)
}

/// The listener the browser is sent back to.
pub struct Callback {
    listener: TcpListener,
    pub redirect_uri: String,
}

impl Callback {
    /// Listens on 127.0.0.1 (never beyond this machine): on `--redirect-port`, else the session's
    /// or profile's own port (`own`), else the `redirect-port` setting, else a free port.
    pub async fn bind(own: Option<u16>) -> Result<Self> {
        let port = port(own);
        let listener = TcpListener::bind(("127.0.0.1", port.unwrap_or(0))).await.map_err(|e| match port {
            Some(port) if e.kind() == std::io::ErrorKind::AddrInUse => anyhow!(
                "port {port} on 127.0.0.1 is in use, so the sign-in cannot come back there: free it, or choose another (--redirect-port, sso_redirect_port, login_redirect_port, the redirect-port setting)"
            ),
            _ => anyhow!("cannot listen on 127.0.0.1 for the sign-in: {e}"),
        })?;
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

    /// Connections are served side by side, each with `REQUEST_BUDGET` to send its request line: an
    /// idle or dripping one holds up nobody. Anything but this sign-in's redirect (another path, a
    /// wrong or missing `state`) gets its page and the wait goes on; the redirect ends it.
    async fn serve(self, state: &str) -> Result<Secret> {
        let (outcomes, mut decided) = tokio::sync::mpsc::channel(8);
        let state = state.to_string();
        let accepting = tokio::spawn(async move {
            while let Ok((stream, _)) = self.listener.accept().await {
                let (outcomes, state) = (outcomes.clone(), state.clone());
                tokio::spawn(async move {
                    if let Some(outcome) = answer(stream, &state).await {
                        let _ = outcomes.send(outcome).await;
                    }
                });
            }
        });
        let outcome = decided.recv().await;
        accepting.abort();
        outcome.unwrap_or_else(|| Err(anyhow!("the sign-in's listener stopped")))
    }
}

/// How long one connection may take to send its request line.
const REQUEST_BUDGET: Duration = Duration::from_secs(2);

/// The request line, read to its CRLF however it is split (at most 8 KiB, within the budget).
async fn request_line(stream: &mut TcpStream) -> Option<String> {
    let read = async {
        let mut line = Vec::new();
        let mut buf = [0u8; 1024];
        while !line.windows(2).any(|w| w == b"\r\n") {
            let n = stream.read(&mut buf).await.ok().filter(|&n| n > 0)?;
            line.extend_from_slice(&buf[..n]);
            if line.len() > 8192 {
                return None;
            }
        }
        let end = line.windows(2).position(|w| w == b"\r\n")?;
        Some(String::from_utf8_lossy(&line[..end]).into_owned())
    };
    tokio::time::timeout(REQUEST_BUDGET, read).await.ok().flatten()
}

/// One connection's answer, and what it decides: the code, a refusal, or nothing (`None`).
async fn answer(mut stream: TcpStream, state: &str) -> Option<Result<Secret>> {
    let line = request_line(&mut stream).await?;
    let target = line.split_whitespace().nth(1).unwrap_or("");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let get = |name: &str| {
        query.split('&').find_map(|p| p.strip_prefix(name)?.strip_prefix('=')).map(percent_decode)
    };
    let (status, text, outcome) = if path != CALLBACK_PATH {
        ("404 Not Found", "Not here.", None)
    } else if get("state").as_deref() != Some(state) {
        ("400 Bad Request", "This sign-in is not the one awsume started.", None)
    } else if let Some(error) = get("error") {
        let why = get("error_description").unwrap_or_default();
        (
            "200 OK",
            "The sign-in was not completed.",
            Some(Err(anyhow!("the sign-in was refused: {error} {why}"))),
        )
    } else {
        match get("code").filter(|c| !c.is_empty()) {
            Some(code) => (
                "200 OK",
                "Signed in. You can close this tab and go back to the terminal.",
                Some(Ok(Secret::new(code))),
            ),
            None => {
                ("400 Bad Request", "No code.", Some(Err(anyhow!("the sign-in came back without a code"))))
            }
        }
    };
    let _ = stream.write_all(&page(status, text)).await;
    outcome
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
