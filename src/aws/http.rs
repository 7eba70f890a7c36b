//! The one HTTP stack: hyper 1 with rustls on ring, the proxy variables (`HTTPS_PROXY`, `NO_PROXY`…)
//! and the trust roots botocore would use: the bundle `AWS_CA_BUNDLE` names, else the profile's
//! `ca_bundle`, else the system's. Every client of ours (STS, SSO, OIDC, IMDS, container) and every
//! plain request (console federation) goes through it; nothing else opens a connection.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_http_client::{Builder, Connector};
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings, SharedHttpClient};
use aws_smithy_types::byte_stream::ByteStream;

use crate::files::{display, expand_tilde};
use crate::messages::debug;

#[derive(Clone)]
pub struct Http {
    tls: TlsContext,
}

/// The CA bundle in force: `AWS_CA_BUNDLE`, then the profile's `ca_bundle` (as botocore ranks them).
pub fn ca_bundle(from_profile: Option<&str>) -> Option<PathBuf> {
    crate::environment::var("AWS_CA_BUNDLE")
        .map(PathBuf::from)
        .or_else(|| from_profile.map(PathBuf::from))
        .map(|p| expand_tilde(&p))
}

impl Http {
    /// The stack with `bundle` as its only trust roots, or the system's without one. An unreadable
    /// bundle, or one without a certificate, is an error naming the file: never a silent fallback.
    pub fn new(bundle: Option<&Path>) -> Result<Self> {
        let trust = match bundle {
            None => TrustStore::default(),
            Some(path) => {
                let pem = std::fs::read(path)
                    .with_context(|| format!("cannot read the CA bundle {}", display(path)))?;
                if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
                    bail!("the CA bundle {} holds no PEM certificate", display(path));
                }
                debug!("trusting only the certificates in {}", display(path));
                TrustStore::empty().with_native_roots(false).with_pem_certificate(pem)
            }
        };
        let tls = TlsContext::builder()
            .with_trust_store(trust)
            .build()
            .map_err(|e| anyhow!("cannot set up TLS: {e}"))?;
        Ok(Self { tls })
    }

    /// For the SDK clients' `http_client(…)`.
    pub fn client(&self) -> SharedHttpClient {
        let tls = self.tls.clone();
        Builder::new().build_with_connector_fn(move |settings, components| {
            let sleep = components.and_then(|c| c.sleep_impl());
            connector(&tls, settings.cloned(), sleep)
        })
    }

    /// One plain GET (no signing, no retries): the status and body. `timeout` bounds the connection
    /// and the answer; `headers` go as given.
    pub async fn get(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        timeout: Duration,
    ) -> Result<(u16, Vec<u8>)> {
        self.send("GET", url, headers, &[], timeout).await.map(|(status, _, body)| (status, body))
    }

    /// One plain request: the status, the response's headers and body.
    pub async fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        timeout: Duration,
    ) -> Result<(u16, Vec<(String, String)>, Vec<u8>)> {
        let settings =
            HttpConnectorSettings::builder().connect_timeout(timeout).read_timeout(timeout).build();
        let sleep = Some(aws_smithy_async::rt::sleep::SharedAsyncSleep::new(TokioSleep::new()));
        let connector = connector(&self.tls, Some(settings), sleep);
        let mut request = http::Request::builder().method(method).uri(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request =
            request.body(aws_smithy_types::body::SdkBody::from(body.to_vec())).context("bad request")?;
        let request = aws_smithy_runtime_api::http::Request::try_from(request).context("bad request")?;
        let response = tokio::time::timeout(timeout * 2, connector.call(request))
            .await
            .map_err(|_| anyhow!("no answer in {} s", (timeout * 2).as_secs()))?
            // The query may hold secrets (a federation session): messages name the endpoint only.
            .map_err(|e| {
                anyhow!("cannot reach {}: {}", url.split('?').next().unwrap_or(""), transport(&e))
            })?;
        let status = response.status().as_u16();
        let response_headers: Vec<(String, String)> =
            response.headers().iter().map(|(k, v)| (k.to_ascii_lowercase(), v.to_string())).collect();
        let body = tokio::time::timeout(timeout, ByteStream::new(response.into_body()).collect())
            .await
            .map_err(|_| anyhow!("no whole answer in {} s", timeout.as_secs()))?
            .context("the answer broke off")?;
        Ok((status, response_headers, body.into_bytes().to_vec()))
    }
}

fn connector(
    tls: &TlsContext,
    settings: Option<HttpConnectorSettings>,
    sleep: Option<aws_smithy_async::rt::sleep::SharedAsyncSleep>,
) -> Connector {
    let mut builder = Connector::builder()
        .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring))
        .tls_context(tls.clone())
        .proxy_config(ProxyConfig::from_env());
    builder.set_connector_settings(settings);
    builder.set_sleep_impl(sleep);
    builder.build()
}

/// An error and its sources, by their `Display` only: the SDK's `Debug` forms (which
/// `DisplayErrorContext` appends) can hold raw response bodies, and so secrets.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.last().is_some_and(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}

/// What went wrong on the way to an endpoint, in a few words.
pub fn transport(err: &(dyn std::error::Error + 'static)) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut texts = Vec::new();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return "connection refused".into(),
                std::io::ErrorKind::ConnectionReset => return "the connection was reset".into(),
                std::io::ErrorKind::TimedOut => return "timed out".into(),
                _ => {}
            }
        }
        texts.push(e.to_string());
        source = e.source();
    }
    let all = texts.join(": ");
    if all.contains("dns error") || all.contains("failed to lookup address") {
        "the host name does not resolve".into()
    } else if let Some(at) = all.find("invalid peer certificate: ") {
        let why = all[at + "invalid peer certificate: ".len()..].split(':').next().unwrap_or("").trim();
        format!(
            "its TLS certificate is not trusted ({why}); if a proxy or a private CA signs it, name that CA's bundle in AWS_CA_BUNDLE"
        )
    } else if all.to_ascii_lowercase().contains("tls") || all.contains("handshake") {
        format!(
            "the TLS handshake failed ({})",
            texts.last().map(String::as_str).unwrap_or("no reason given")
        )
    } else {
        texts.last().cloned().unwrap_or_else(|| "no reason given".into())
    }
}

#[cfg(test)]
mod tests {
    use super::transport;

    #[test]
    fn transport_failures_in_plain_words() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(transport(&refused), "connection refused");
        let dns =
            std::io::Error::other("client error (Connect): dns error: failed to lookup address information");
        assert_eq!(transport(&dns), "the host name does not resolve");
        let tls = std::io::Error::other("io error: invalid peer certificate: UnknownIssuer");
        assert!(transport(&tls).starts_with("its TLS certificate is not trusted (UnknownIssuer)"));
    }
}
