//! EKS authentication tokens, as `aws eks get-token` makes them: `k8s-aws-v1.` and the base64url
//! (no padding) of an STS `GetCallerIdentity` URL presigned for 60 seconds with the header
//! `x-k8s-aws-id: CLUSTER` signed in, by the SDK's own SigV4 signer. EKS reads the identity by
//! calling that URL; the token is good for 15 minutes from its signing (the AWS CLI says 14).

use std::time::{Duration, SystemTime};

use anyhow::{Result, anyhow, bail};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign};
use aws_sigv4::sign::v4;
use chrono::{DateTime, Utc};

use crate::credentials::Credentials;

/// How long the presigned URL is good for (the AWS CLI's `URL_TIMEOUT`).
const URL_LIFE: Duration = Duration::from_secs(60);
/// What the AWS CLI tells kubectl the token lasts (EKS accepts it for 15 minutes).
pub const TOKEN_MINUTES: i64 = 14;

/// STS's regional endpoint for `region` (its partition's DNS suffix), or the override the SDKs
/// honour (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the profile's `endpoint_url`).
pub fn sts_endpoint(region: &str, from_profile: Option<&str>) -> String {
    super::sts::endpoint_url("AWS_ENDPOINT_URL_STS", from_profile)
        .unwrap_or_else(|| super::partition::of_region(region).endpoint("sts", region))
}

/// EKS's endpoint for `region`, or the override the SDKs honour (`AWS_ENDPOINT_URL_EKS`,
/// `AWS_ENDPOINT_URL`, the profile's `endpoint_url`).
pub fn eks_endpoint(region: &str, from_profile: Option<&str>) -> String {
    super::sts::endpoint_url("AWS_ENDPOINT_URL_EKS", from_profile)
        .unwrap_or_else(|| super::partition::of_region(region).endpoint("eks", region))
}

/// What a kubeconfig needs of a cluster: its ARN, API server and certificate authority (base64).
pub struct Cluster {
    pub arn: String,
    pub endpoint: String,
    pub ca_data: String,
}

/// EKS's DescribeCluster (`GET /clusters/NAME`, SigV4 for `eks`) over our one HTTP stack: one
/// call, no EKS client.
pub async fn describe_cluster(
    http: &super::http::Http,
    creds: &Credentials,
    region: &str,
    endpoint: &str,
    name: &str,
    timeout: Duration,
) -> Result<Cluster> {
    let url =
        format!("{}/clusters/{}", endpoint.trim_end_matches('/'), crate::encoding::percent_encode(name));
    let signed = super::sigv4_headers(creds, ("eks", region), ("GET", &url), &[], &[])?;
    let signed: Vec<(&str, &str)> = signed.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let (status, response_headers, body) = http.send("GET", &url, &signed, &[], timeout).await?;
    let answer: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    if status != 200 {
        let kind = response_headers.iter().find(|(k, _)| k == "x-amzn-errortype").map(|(_, v)| v.as_str());
        let kind = kind.map_or(format!("HTTP {status}"), |k| k.split(':').next().unwrap_or(k).to_string());
        let message = answer["message"].as_str().or(answer["Message"].as_str()).unwrap_or("");
        bail!("eks:DescribeCluster of {name:?} in {region}: {kind}: {}", crate::messages::flat(message));
    }
    let cluster = &answer["cluster"];
    let field = |value: &serde_json::Value| value.as_str().filter(|v| !v.is_empty()).map(str::to_string);
    match (
        field(&cluster["arn"]),
        field(&cluster["endpoint"]),
        field(&cluster["certificateAuthority"]["data"]),
    ) {
        (Some(arn), Some(endpoint), Some(ca_data)) => Ok(Cluster { arn, endpoint, ca_data }),
        _ => bail!(
            "eks:DescribeCluster of {name:?} in {region}: no endpoint and certificate yet (is the cluster still being created?)"
        ),
    }
}

/// The token for `cluster`, signed by `creds` for STS in `region` at `endpoint`, at `now`.
pub fn token(
    creds: &Credentials,
    region: &str,
    endpoint: &str,
    cluster: &str,
    now: SystemTime,
) -> Result<String> {
    let url = format!("{}/?Action=GetCallerIdentity&Version=2011-06-15", endpoint.trim_end_matches('/'));
    let identity = super::signing_identity(creds);
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(URL_LIFE);
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(now)
        .settings(settings)
        .build()
        .map_err(|e| anyhow!("cannot sign the EKS token: {e}"))?
        .into();
    let host = url.split("://").nth(1).and_then(|r| r.split('/').next()).unwrap_or_default().to_string();
    let headers = [("host", host.as_str()), ("x-k8s-aws-id", cluster)];
    let signable = SignableRequest::new("GET", &url, headers.iter().copied(), SignableBody::Bytes(&[]))
        .map_err(|e| anyhow!("cannot sign the EKS token: {e}"))?;
    let (instructions, _) =
        sign(signable, &params).map_err(|e| anyhow!("cannot sign the EKS token: {e}"))?.into_parts();
    let mut presigned = url;
    for (name, value) in instructions.params() {
        presigned.push_str(&format!("&{name}={}", crate::encoding::percent_encode(value)));
    }
    Ok(format!("k8s-aws-v1.{}", crate::encoding::base64url(presigned.as_bytes())))
}

/// When kubectl should ask again: `TOKEN_MINUTES` after signing, as the AWS CLI writes it.
pub fn expiration(signed: DateTime<Utc>) -> String {
    (signed + chrono::Duration::minutes(TOKEN_MINUTES)).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
