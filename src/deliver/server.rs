//! Credential servers for SDKs that cannot run a credential_process: an IMDSv2 look-alike
//! (`--imds`) and the container credentials endpoint (`--container`). Loopback by default, one
//! request at a time (SDKs ask rarely), credentials re-resolved before they expire. Never logs a
//! secret; answers only requests that carry the right token.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use chrono::Utc;

use crate::credentials::{Credentials, Secret};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Imds,
    Container,
}

/// `PORT` (loopback) or `HOST:PORT`.
pub fn address(text: &str) -> Result<SocketAddr> {
    let full = if text.contains(':') { text.to_string() } else { format!("127.0.0.1:{text}") };
    full.parse().map_err(|_| anyhow!("{text:?} is not PORT or HOST:PORT (an IP address)"))
}

/// Credentials are re-resolved when less than this is left.
const REFRESH_MARGIN: chrono::Duration = chrono::Duration::minutes(15);
const ROLE_NAME: &str = "awsume";

struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
}

fn read_request(stream: &TcpStream) -> Result<Request> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.take(64 * 1024));
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    Ok(Request { method, path, headers })
}

fn respond(stream: &TcpStream, status: &str, content_type: &str, body: &str) {
    respond_with(stream, status, content_type, "", body);
}

fn respond_with(mut stream: &TcpStream, status: &str, content_type: &str, extra_headers: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra_headers}Connection: close\r\n\r\n{body}",
        body.len()
    );
}

/// The token container clients must send: `AWS_CONTAINER_AUTHORIZATION_TOKEN`, else a new one.
pub fn container_token() -> Result<Secret> {
    match crate::environment::var("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
        Some(token) => Ok(Secret::new(token)),
        None => crate::files::random_hex(24).map(Secret::new),
    }
}

/// Serves until killed. `refresh` resolves the credentials again when they near their expiry.
pub fn serve(
    kind: Kind,
    listener: TcpListener,
    container_token: Option<&Secret>,
    mut creds: Credentials,
    mut refresh: impl FnMut() -> Result<Credentials>,
) -> Result<()> {
    let mut imds_tokens: Vec<(String, Instant)> = Vec::new();
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let Ok(request) = read_request(&stream) else { continue };
        if !creds.valid_for(Utc::now(), REFRESH_MARGIN) {
            match refresh() {
                Ok(fresh) => creds = fresh,
                Err(e) => {
                    crate::messages::error(&e.context("cannot refresh the credentials"));
                    respond(
                        &stream,
                        "503 Service Unavailable",
                        "text/plain",
                        "credentials could not be refreshed",
                    );
                    continue;
                }
            }
        }
        match kind {
            Kind::Imds => imds(&stream, &request, &creds, &mut imds_tokens)?,
            Kind::Container => {
                let given = request.headers.get("authorization").map(String::as_str);
                if given != container_token.map(Secret::expose) {
                    respond(&stream, "401 Unauthorized", "text/plain", "wrong or missing Authorization");
                } else {
                    respond(&stream, "200 OK", "application/json", &body(&creds, false));
                }
            }
        }
    }
    Ok(())
}

fn imds(
    stream: &TcpStream,
    request: &Request,
    creds: &Credentials,
    tokens: &mut Vec<(String, Instant)>,
) -> Result<()> {
    tokens.retain(|(_, until)| *until > Instant::now());
    if request.method == "PUT" && request.path == "/latest/api/token" {
        let ttl =
            request.headers.get("x-aws-ec2-metadata-token-ttl-seconds").and_then(|t| t.parse::<u64>().ok());
        let Some(ttl) = ttl.filter(|t| (1..=21_600).contains(t)) else {
            respond(stream, "400 Bad Request", "text/plain", "missing or bad token TTL");
            return Ok(());
        };
        let token = crate::files::random_hex(24)?;
        tokens.push((token.clone(), Instant::now() + Duration::from_secs(ttl)));
        let ttl_header = format!("X-aws-ec2-metadata-token-ttl-seconds: {ttl}\r\n");
        respond_with(stream, "200 OK", "text/plain", &ttl_header, &token);
        return Ok(());
    }
    let token = request.headers.get("x-aws-ec2-metadata-token");
    if !token.is_some_and(|t| tokens.iter().any(|(known, _)| known == t)) {
        respond(stream, "401 Unauthorized", "text/plain", "");
        return Ok(());
    }
    match request.path.as_str() {
        "/latest/meta-data/iam/security-credentials/" | "/latest/meta-data/iam/security-credentials" => {
            respond(stream, "200 OK", "text/plain", ROLE_NAME)
        }
        path if path == format!("/latest/meta-data/iam/security-credentials/{ROLE_NAME}") => {
            respond(stream, "200 OK", "application/json", &body(creds, true))
        }
        _ => respond(stream, "404 Not Found", "text/plain", ""),
    }
    Ok(())
}

fn body(creds: &Credentials, imds: bool) -> String {
    // Long-term keys get a nominal hour: both protocols require an expiry.
    let expiration = creds.expiration_rfc3339().unwrap_or_else(|| {
        (Utc::now() + chrono::Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    });
    let mut json = serde_json::json!({
        "AccessKeyId": creds.access_key_id,
        "SecretAccessKey": creds.secret_access_key.expose(),
        "Token": creds.session_token.as_ref().map(|t| t.expose()).unwrap_or_default(),
        "Expiration": expiration,
    });
    if imds {
        json["Code"] = "Success".into();
        json["Type"] = "AWS-HMAC".into();
        json["LastUpdated"] = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true).into();
    }
    json.to_string()
}
