//! The three IAM calls key rotation needs (CreateAccessKey, DeleteAccessKey, and GetUser's
//! stand-in GetCallerIdentity is STS's), as IAM's query API over our one HTTP stack, signed with
//! SigV4 by the SDK's own signer: no IAM client for three calls.

use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::Net;
use super::http::Http;
use crate::credentials::{Credentials, Secret};
use crate::encoding::percent_encode;

/// IAM's endpoint: `AWS_ENDPOINT_URL_IAM`, `AWS_ENDPOINT_URL`, else the global one.
fn endpoint() -> String {
    super::sts::endpoint_url("AWS_ENDPOINT_URL_IAM", None)
        .unwrap_or_else(|| "https://iam.amazonaws.com/".into())
}

/// One signed query call; the answer's XML, or the error's code and message.
async fn call(
    http: &Http,
    creds: &Credentials,
    action: &str,
    params: &[(&str, &str)],
    timeout: Duration,
) -> Result<String> {
    let mut body = format!("Action={action}&Version=2010-05-08");
    for (key, value) in params {
        body.push_str(&format!("&{key}={}", percent_encode(value)));
    }
    let url = endpoint();
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let headers = [("content-type", content_type)];
    let signed =
        super::sigv4_headers(creds, ("iam", "us-east-1"), ("POST", &url), &headers, body.as_bytes())?;
    let mut all: Vec<(&str, &str)> = vec![("content-type", content_type)];
    all.extend(signed.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let (status, _, answer) = http.send("POST", &url, &all, body.as_bytes(), timeout).await?;
    let text = String::from_utf8_lossy(&answer).into_owned();
    if status == 200 {
        return Ok(text);
    }
    match (element(&text, "Code"), element(&text, "Message")) {
        (Some(code), Some(message)) => bail!("{action}: {code}: {message}"),
        _ => bail!("{action}: HTTP {status} from {}", url.split('?').next().unwrap_or(&url)),
    }
}

/// The text of the first `<name>…</name>` in `xml`.
fn element(xml: &str, name: &str) -> Option<String> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(xml[start..end].to_string())
}

/// A new access key for `user`, signed by `creds` (long-term keys, or their MFA session).
pub async fn create_access_key(
    http: &Http,
    creds: &Credentials,
    user: &str,
    timeout: Duration,
) -> Result<Credentials> {
    let xml = call(http, creds, "CreateAccessKey", &[("UserName", user)], timeout).await?;
    match (element(&xml, "AccessKeyId"), element(&xml, "SecretAccessKey")) {
        (Some(id), Some(secret)) => Ok(Credentials::new(id, Secret::new(secret).expose(), None, None)),
        _ => bail!("CreateAccessKey answered without a key"),
    }
}

pub async fn delete_access_key(
    http: &Http,
    creds: &Credentials,
    user: &str,
    key_id: &str,
    timeout: Duration,
) -> Result<()> {
    call(http, creds, "DeleteAccessKey", &[("UserName", user), ("AccessKeyId", key_id)], timeout)
        .await
        .map(|_| ())
}

/// IAM, for `awsume keys rotate`: who a key belongs to, a new key, its first use, the old one gone.
pub struct Iam {
    net: Net,
    timeout: std::time::Duration,
}

impl Iam {
    pub fn new(timeout: std::time::Duration) -> Result<Self> {
        Ok(Self { net: Net::new(&super::Where::region("us-east-1", timeout))?, timeout })
    }

    /// The IAM user `creds` belong to (the last part of the caller's `user/…` ARN).
    pub fn user_of(&self, creds: &Credentials) -> Result<String> {
        let (_, arn, _) = self
            .net
            .runtime
            .block_on(self.net.sts.get_caller_identity(creds))
            .context("GetCallerIdentity")?;
        match arn.split_once(":user/") {
            Some((_, path)) => Ok(path.rsplit('/').next().unwrap_or(path).to_string()),
            None => bail!("the key belongs to {arn}, not to an IAM user: only an IAM user's keys rotate"),
        }
    }

    pub fn create(&self, signer: &Credentials, user: &str) -> Result<Credentials> {
        self.net.runtime.block_on(create_access_key(&self.net.http, signer, user, self.timeout))
    }

    /// The new key answers GetCallerIdentity; IAM is eventually consistent: tried for ten seconds.
    pub fn check(&self, new: &Credentials) -> Result<()> {
        let started = std::time::Instant::now();
        loop {
            match self.net.runtime.block_on(self.net.sts.get_caller_identity(new)) {
                Ok(_) => return Ok(()),
                Err(e) if started.elapsed() > std::time::Duration::from_secs(10) => return Err(e),
                Err(_) => std::thread::sleep(std::time::Duration::from_millis(500)),
            }
        }
    }

    pub fn delete(&self, signer: &Credentials, user: &str, key_id: &str) -> Result<()> {
        self.net.runtime.block_on(delete_access_key(&self.net.http, signer, user, key_id, self.timeout))
    }
}

#[cfg(test)]
mod tests {
    use super::element;

    #[test]
    fn elements_of_an_answer() {
        let xml = "<CreateAccessKeyResult><AccessKey><AccessKeyId>AKIA2</AccessKeyId><SecretAccessKey>s/+</SecretAccessKey></AccessKey></CreateAccessKeyResult>";
        assert_eq!(element(xml, "AccessKeyId").as_deref(), Some("AKIA2"));
        assert_eq!(element(xml, "Code"), None);
    }
}
