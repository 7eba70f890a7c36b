//! `export --imds` / `export --container`: where the endpoint listens, what the user is told to
//! point SDKs (or a container) at, then the serving (`server.rs`; HTTPS from `tls.rs` with `--tls`).

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result, bail};

use super::server::{self, Kind};
use crate::credentials::Credentials;
use crate::files::display;
use crate::messages;

/// Where and how to listen: `[HOST:]PORT` as given, `--bind`, `--allow-remote`, `--tls`.
pub struct Listen<'a> {
    pub at: &'a str,
    pub bind: Option<IpAddr>,
    pub allow_remote: bool,
    pub tls: bool,
}

impl Listen<'_> {
    /// The address: loopback unless `--bind` or the HOST says otherwise, and beyond loopback only
    /// with `--allow-remote` (plain HTTP) or `--tls` (HTTPS, and the token is always required).
    fn address(&self) -> Result<SocketAddr> {
        let text = match self.bind {
            Some(_) if self.at.contains(':') => {
                bail!("the address is given twice: --bind, and the HOST of {:?} (give PORT only)", self.at)
            }
            Some(ip) => SocketAddr::new(ip, self.at.parse().context("not a port")?).to_string(),
            None => self.at.to_string(),
        };
        server::address(&text, self.allow_remote || self.tls)
    }
}

/// Tells the user how to reach the endpoint, then serves until killed.
pub fn run(
    kind: Kind,
    listen: &Listen,
    creds: Credentials,
    refresh: impl FnMut() -> Result<Credentials> + Send,
) -> Result<()> {
    let address = listen.address()?;
    let listener =
        std::net::TcpListener::bind(address).with_context(|| format!("cannot listen on {address}"))?;
    let bound = listener.local_addr()?;
    let tls = match listen.tls {
        true => Some(super::tls::endpoint(bound)?),
        false => None,
    };
    if !bound.ip().is_loopback() && tls.is_none() {
        messages::note(&format!(
            "warning: {bound} is reachable from other machines and serves credentials over plain HTTP (--allow-remote)"
        ));
    }
    if kind == Kind::Imds && !cfg!(target_os = "linux") {
        messages::note(
            "on this system any local user can ask this endpoint: only Linux tells whose a connection is",
        );
    }
    let token = match kind {
        Kind::Container => Some(server::container_token()?),
        Kind::Imds => None,
    };
    // A token the user set is theirs to pass on; one made here is shown.
    let shown_token =
        token.as_ref().filter(|_| !crate::environment::is_set("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
    let how = match (kind, &tls) {
        (Kind::Imds, _) => {
            format!("IMDSv2 on http://{bound}: set AWS_EC2_METADATA_SERVICE_ENDPOINT=http://{bound}/")
        }
        (Kind::Container, None) => {
            let token = shown_token.map(|t| format!(" AWS_CONTAINER_AUTHORIZATION_TOKEN={}", t.expose()));
            format!(
                "container credentials on http://{bound}/: set AWS_CONTAINER_CREDENTIALS_FULL_URI=http://{bound}/{}",
                token.unwrap_or_default()
            )
        }
        (Kind::Container, Some((_, ca, names))) => {
            let port = bound.port();
            let host =
                names.iter().find(|ip| !ip.is_loopback()).map_or("localhost".to_string(), |ip| match ip {
                    IpAddr::V6(v6) => format!("[{v6}]"),
                    IpAddr::V4(v4) => v4.to_string(),
                });
            let names: Vec<String> = names.iter().map(ToString::to_string).collect();
            let token = shown_token.map_or("(yours)".to_string(), |t| t.expose().to_string());
            // One note a line: a note is one line.
            messages::note(&format!(
                "in a container: AWS_CONTAINER_CREDENTIALS_FULL_URI=https://{host}:{port}/ (the certificate names {}, localhost and host.docker.internal)",
                names.join(", ")
            ));
            messages::note(&format!("in a container: AWS_CONTAINER_AUTHORIZATION_TOKEN={token}"));
            messages::note(&format!(
                "in a container: trust the CA {}: NODE_EXTRA_CA_CERTS (Node), SSL_CERT_FILE (Go, SDKs on OpenSSL), Java's trust store (keytool -importcert); AWS_CA_BUNDLE does not reach botocore's container provider (add the CA to its certifi bundle)",
                display(ca)
            ));
            format!("container credentials over HTTPS on {bound}")
        }
    };
    messages::note(&format!("serving {how} (Ctrl-C to stop)"));
    let config = tls.map(|(config, _, _)| config);
    server::serve(kind, listener, token.as_ref(), config, creds, refresh, &AtomicBool::new(false))
}
