//! Instance metadata (IMDS) as botocore asks it: a session token first (IMDSv2), the role's name,
//! then its credentials; IMDSv1 only where the token request is refused (403, 404, 405) or times
//! out, and never with `ec2_metadata_v1_disabled`. botocore's settings: attempts and timeout
//! (`AWS_METADATA_SERVICE_NUM_ATTEMPTS`/`_TIMEOUT`, default 1 and 1 s), the endpoint and its mode.
//! An answer that is not a success says its status, never what a client library guessed.

use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, Utc};

use crate::aws::http::Http;
use crate::credentials::Credentials;
use crate::plan::Metadata;

const TOKEN_PATH: &str = "latest/api/token";
const ROLE_PATH: &str = "latest/meta-data/iam/security-credentials/";

/// The metadata settings in force: the environment's variables, then the profile's keys (botocore).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub endpoint: String,
    pub attempts: u32,
    pub timeout: Duration,
    pub v1_disabled: bool,
}

impl Settings {
    pub fn new(profile: &Metadata) -> Result<Self> {
        let pick = |var: &str, key: &str, own: &Option<String>| {
            crate::environment::var(var)
                .map(|v| (v, var.to_string()))
                .or_else(|| own.clone().map(|v| (v, key.to_string())))
        };
        let number = |var: &str, key: &str, own: &Option<String>, default: u32| -> Result<u32> {
            match pick(var, key, own) {
                None => Ok(default),
                Some((text, from)) => text
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite() && *n >= 0.0 && *n <= 3600.0)
                    .map(|n| n.ceil() as u32)
                    .ok_or_else(|| anyhow!("{from} {text:?} is not a number of 0 to 3600")),
            }
        };
        let attempts = number(
            "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
            "metadata_service_num_attempts",
            &profile.attempts,
            1,
        )?
        .max(1);
        let timeout =
            number("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout", &profile.timeout, 1)?.max(1);
        let v1_disabled =
            pick("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled", &profile.v1_disabled)
                .is_some_and(|(v, _)| v.eq_ignore_ascii_case("true"));
        let mode = pick(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
            "ec2_metadata_service_endpoint_mode",
            &profile.endpoint_mode,
        )
        .map(|(v, _)| v);
        let endpoint = match pick(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            "ec2_metadata_service_endpoint",
            &profile.endpoint,
        ) {
            Some((url, _)) => url,
            None if mode.as_deref().is_some_and(|m| m.eq_ignore_ascii_case("ipv6")) => {
                "http://[fd00:ec2::254]".into()
            }
            None => "http://169.254.169.254".into(),
        };
        let endpoint = if endpoint.ends_with('/') { endpoint } else { format!("{endpoint}/") };
        Ok(Self { endpoint, attempts, timeout: Duration::from_secs(timeout.into()), v1_disabled })
    }
}

/// What one request got: an answer with a status, or none at all (refused, timed out).
enum Answer {
    Status(u16, Vec<u8>),
    Nothing(anyhow::Error),
}

/// One request, tried `settings.attempts` times while the answer may change on a second try.
async fn ask(
    http: &Http,
    settings: &Settings,
    method: &str,
    path: &str,
    header: Option<(&str, &str)>,
) -> Answer {
    let url = format!("{}{path}", settings.endpoint);
    let headers: Vec<(&str, &str)> = header.into_iter().collect();
    let mut last = Answer::Nothing(anyhow!("no attempt"));
    for _ in 0..settings.attempts {
        last = match http.send(method, &url, &headers, &[], settings.timeout).await {
            Ok((status, _, body)) => Answer::Status(status, body),
            Err(e) => Answer::Nothing(e),
        };
        if let Answer::Status(200 | 400..=499, _) = last {
            break;
        }
    }
    last
}

pub async fn credentials(http: &Http, settings: &Settings) -> Result<Credentials> {
    let ttl = Some(("x-aws-ec2-metadata-token-ttl-seconds", "21600"));
    // Why there is no token, when there is none: said before whatever IMDSv1 answers then.
    let (token, without) = match ask(http, settings, "PUT", TOKEN_PATH, ttl).await {
        Answer::Status(200, body) => (Some(String::from_utf8_lossy(&body).trim().to_string()), String::new()),
        Answer::Status(400, _) => bail!("the token request was refused (HTTP 400)"),
        Answer::Status(status, _) => (None, format!("HTTP {status} to the token request")),
        Answer::Nothing(e) => (None, format!("{e:#}")),
    };
    let without = token.is_none().then_some(without);
    if let Some(why) = &without {
        if settings.v1_disabled {
            bail!("{why}, and IMDSv1 is disabled (ec2_metadata_v1_disabled)");
        }
        crate::messages::debug!("IMDS: {why}; trying IMDSv1, as botocore does");
    }
    let failed = |what: String| match &without {
        Some(why) => anyhow!("{why}; then, without a token (IMDSv1): {what}"),
        None => anyhow!("{what}"),
    };
    let header = token.as_deref().map(|t| ("x-aws-ec2-metadata-token", t));
    let role = match ask(http, settings, "GET", ROLE_PATH, header).await {
        Answer::Status(200, body) => {
            String::from_utf8_lossy(&body).lines().next().unwrap_or("").trim().to_string()
        }
        Answer::Status(404, _) => return Err(failed("this instance has no IAM role (HTTP 404)".into())),
        Answer::Status(status, _) => return Err(failed(format!("HTTP {status} for the role name"))),
        Answer::Nothing(e) => return Err(failed(format!("{e:#}"))),
    };
    if role.is_empty() || !role.bytes().all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b)) {
        bail!("the role name it gave is not one");
    }
    let body = match ask(http, settings, "GET", &format!("{ROLE_PATH}{role}"), header).await {
        Answer::Status(200, body) => body,
        Answer::Status(status, _) => {
            return Err(failed(format!("HTTP {status} for the credentials of role {role}")));
        }
        Answer::Nothing(e) => return Err(failed(format!("{e:#}"))),
    };
    parse(&body).ok_or_else(|| anyhow!("the credentials of role {role} are not the JSON AWS documents"))
}

fn parse(body: &[u8]) -> Option<Credentials> {
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = |k: &str| json.get(k).and_then(serde_json::Value::as_str);
    if text("Code").is_some_and(|c| c != "Success") {
        return None;
    }
    let expiration =
        text("Expiration").and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&Utc));
    Some(Credentials::new(
        text("AccessKeyId")?,
        text("SecretAccessKey")?,
        text("Token").map(str::to_string),
        expiration,
    ))
}
