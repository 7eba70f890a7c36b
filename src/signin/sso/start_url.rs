//! A custom domain's one redirect to an IAM Identity Center start URL, followed as the AWS CLI
//! (2.36) follows it (`plan::start_url` knows which URLs are start URLs).

use std::time::Duration;

use anyhow::{Result, bail};

use crate::aws::http::Http;
use crate::messages::debug;
use crate::plan::start_url::{allowed, host_of};

/// The start URL to sign in with: `url` when it is an Identity Center one, else where it redirects
/// once, which must be one (no second redirect is followed).
pub async fn resolve(url: &str, http: &Http, timeout: Duration) -> Result<String> {
    if allowed(url) {
        return Ok(url.to_string());
    }
    if host_of(url).is_none() {
        bail!("start URL {url:?} is not an https:// address");
    }
    let (status, headers, _) = http.send("GET", url, &[], &[], timeout).await?;
    let location = headers.iter().find(|(k, _)| k == "location").map(|(_, v)| v.clone());
    let Some(next) = location.filter(|_| (300..400).contains(&status)) else {
        bail!(
            "start URL {url} is not an IAM Identity Center address and does not redirect to one (HTTP {status})"
        );
    };
    if !allowed(&next) {
        bail!(
            "start URL {url} redirects to {next}, which is not an IAM Identity Center address: not followed"
        );
    }
    debug!("start URL {url} redirects to {next}");
    Ok(next)
}
