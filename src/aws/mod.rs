//! The AWS clients, the floor under every sign-in and the credential chain: the one HTTP/TLS stack
//! (`http`), STS (`sts`), IAM (`iam`), and `Net`, the one way to get "an STS client for this region",
//! with the runtime and the HTTP stack it runs on. Knows nothing of profiles' chains or sign-ins:
//! it must not import `resolve` or `signin`.

pub mod eks;
pub mod http;
pub mod iam;
pub mod partition;
pub mod sts;

use std::cell::OnceCell;
use std::time::Duration;

use anyhow::Result;

use self::http::Http;
use crate::messages::debug;

/// The network side of a run: the one runtime, the HTTP stack (one set of trust roots) and the one
/// STS client (one connection pool for every call; each call carries its own credentials).
pub struct Net {
    pub runtime: &'static tokio::runtime::Runtime,
    pub http: Http,
    pub sts: sts::Sts,
}

/// What a `Net` is built from.
#[derive(Clone, Default)]
pub struct Where {
    /// STS's region (`us-east-1` where none is known).
    pub region: String,
    /// The profile's `endpoint_url`: `AWS_ENDPOINT_URL_STS` and `AWS_ENDPOINT_URL` rank first.
    pub endpoint_url: Option<String>,
    /// The profile's `ca_bundle`: `AWS_CA_BUNDLE` ranks first.
    pub ca_bundle: Option<String>,
    /// The most one call may take, retries included.
    pub timeout: Duration,
}

impl Where {
    /// `region` with no profile settings: the environment's overrides only.
    pub fn region(region: &str, timeout: Duration) -> Self {
        Self { region: region.to_string(), timeout, ..Self::default() }
    }
}

impl Net {
    /// The one constructor: the endpoint and trust roots as the SDKs rank them.
    pub fn new(at: &Where) -> Result<Self> {
        let runtime = crate::runtime::get()?;
        let http = Http::new(http::ca_bundle(at.ca_bundle.as_deref()).as_deref())?;
        let endpoint = sts::endpoint_url("AWS_ENDPOINT_URL_STS", at.endpoint_url.as_deref());
        let sts = sts::Sts::new(&at.region, endpoint, &http, at.timeout);
        debug!("STS endpoint {} (region {})", sts.endpoint, at.region);
        Ok(Self { runtime, http, sts })
    }
}

/// `creds` as the SDK's SigV4 signer takes them (IAM's query calls, EKS tokens).
pub fn signing_identity(
    creds: &crate::credentials::Credentials,
) -> aws_smithy_runtime_api::client::identity::Identity {
    aws_credential_types::Credentials::new(
        creds.access_key_id.clone(),
        creds.secret_access_key.expose(),
        creds.session_token.as_ref().map(|t| t.expose().to_string()),
        None,
        "awsume",
    )
    .into()
}

/// The SigV4 headers (authorization, date, token) for one request to `service` in `region`, by the
/// SDK's signer: what IAM's query calls and EKS's DescribeCluster send besides their own headers.
pub fn sigv4_headers(
    creds: &crate::credentials::Credentials,
    (service, region): (&str, &str),
    (method, url): (&str, &str),
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Vec<(String, String)>> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    let identity = signing_identity(creds);
    let failed = |e: &dyn std::fmt::Display| anyhow::anyhow!("cannot sign the {service} call: {e}");
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(std::time::SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| failed(&e))?
        .into();
    let host = url.split("://").nth(1).and_then(|r| r.split('/').next()).unwrap_or_default();
    let all = headers.iter().copied().chain([("host", host)]);
    let signable =
        SignableRequest::new(method, url, all, SignableBody::Bytes(body)).map_err(|e| failed(&e))?;
    let (instructions, _) = sign(signable, &params).map_err(|e| failed(&e))?.into_parts();
    Ok(instructions.headers().map(|(name, value)| (name.to_string(), value.to_string())).collect())
}

/// A `Net` built on first use: a run that needs no network (a cached session) builds none.
pub struct LazyNet {
    at: Where,
    net: OnceCell<Net>,
}

impl LazyNet {
    pub fn new(at: Where) -> Self {
        Self { at, net: OnceCell::new() }
    }

    pub fn get(&self) -> Result<&Net> {
        if let Some(net) = self.net.get() {
            return Ok(net);
        }
        let net = Net::new(&self.at)?;
        Ok(self.net.get_or_init(|| net))
    }

    pub fn timeout(&self) -> Duration {
        self.at.timeout
    }
}
