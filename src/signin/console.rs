//! Console sign-in by federation: temporary credentials go to `getSigninToken` as they are;
//! long-term keys first become a federation token (`GetFederationToken`, as aws-vault does). The
//! sign-in endpoint is the partition's (`AWS_ENDPOINT_URL_SIGNIN` overrides it). The link it
//! returns signs anyone in for 15 minutes: it is never logged, and errors never show it.

use anyhow::{Context, Result, anyhow, bail};

use crate::aws::LazyNet;
use crate::aws::partition::{self, Partition};
use crate::credentials::Credentials;
use crate::encoding::percent_encode as encode;
use crate::messages::info;
use crate::plan::Plan;

/// Where the console should open and how the session is named.
pub struct Console {
    /// A console path (`ec2`, `cloudformation`, `codesuite/codebuild`…) or a whole URL.
    pub destination: String,
    /// The federated user's name when long-term keys sign in (the profile's).
    pub name: String,
    /// `--role-duration`: how long a federation token lasts (12 hours otherwise).
    pub duration: Option<i32>,
}

/// A policy that allows what the IAM user may do: a federation token's rights are the
/// intersection of this and the user's own.
const EVERYTHING_THE_USER_MAY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// The partition: the region's (where a pattern knows it), else the role ARN's, else `aws`.
fn partition(plan: &Plan) -> &'static Partition {
    let by_region = plan.region.as_deref().map(partition::of_region).filter(|p| p.id != "aws");
    let by_arn = || plan.hops.last().and_then(|h| h.role_arn.split(':').nth(1)).and_then(partition::by_id);
    by_region.or_else(by_arn).unwrap_or(&partition::PARTITIONS[0])
}

/// The console's multi-session opt-in page for `region`, coming back to that region's console home
/// (`AWS_ENDPOINT_URL_SIGNIN` overrides the host). Multi-session is the `aws` partition's.
pub fn opt_in_url(region: &str) -> Result<String> {
    let partition = partition::of_region(region);
    if partition.id != "aws" {
        bail!(
            "--console-opt-in: multi-session is the aws partition's console, and {region} is in {}",
            partition.id
        );
    }
    let signin = super::login::endpoint(region);
    let home = format!("https://{region}.console.aws.amazon.com/console/home?region={region}");
    Ok(format!("{}/sessions/v1/opt-in?redirect_uri={}", signin.trim_end_matches('/'), encode(&home)))
}

/// A console URL copied from a multi-session console names a session host (`{account}-{8
/// characters}.{region}.console…`): as `Destination` it fails (HTTP 400), the plain host does not.
/// The label is dropped; path, query and fragment kept.
fn without_session_label(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let Some((label, after)) = rest.split_once('.') else { return url.to_string() };
    let bytes = label.as_bytes();
    let session = bytes.len() == 21
        && bytes[12] == b'-'
        && bytes[..12].iter().all(u8::is_ascii_digit)
        && bytes[13..].iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if session { format!("{scheme}://{after}") } else { url.to_string() }
}

/// STS takes federated user names of 2–32 characters from `[\w+=,.@-]`.
fn federated_name(profile: &str) -> String {
    let name: String = profile
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) { c } else { '-' })
        .take(32)
        .collect();
    if name.len() < 2 { format!("awsume-{name}") } else { name }
}

/// The console sign-in link for `creds` (what `plan` resolved to); `long_term`: the long-term keys
/// that make a federation token first (getSigninToken takes role or federation sessions only).
pub fn url(
    plan: &Plan,
    creds: &Credentials,
    long_term: Option<&Credentials>,
    console: &Console,
    net: &LazyNet,
) -> Result<String> {
    let session = match long_term {
        Some(keys) => {
            let name = federated_name(&console.name);
            let duration = console.duration.unwrap_or(43_200);
            info!("GetFederationToken as {name} for {duration} s, signed by {}", keys.access_key_id);
            let net = net.get()?;
            net.runtime
                .block_on(net.sts.get_federation_token(keys, &name, duration, EVERYTHING_THE_USER_MAY))
                .with_context(|| format!("profile \"{}\": GetFederationToken", plan.profile))?
        }
        None => creds.clone(),
    };
    let partition = partition(plan);
    let Some((signin, console_host)) = partition.console else {
        bail!("profile \"{}\": awsume knows no console sign-in in partition {}", plan.profile, partition.id);
    };
    let signin = crate::aws::sts::endpoint_url("AWS_ENDPOINT_URL_SIGNIN", None)
        .unwrap_or_else(|| format!("https://{signin}"));
    let federation = format!("{}/federation", signin.trim_end_matches('/'));
    let json = serde_json::json!({
        "sessionId": session.access_key_id,
        "sessionKey": session.secret_access_key.expose(),
        "sessionToken": session.session_token.as_ref().map(|t| t.expose()).unwrap_or_default(),
    });
    info!("getSigninToken at {federation} for {}", session.access_key_id);
    let request = format!("{federation}?Action=getSigninToken&Session={}", encode(&json.to_string()));
    let timeout = net.timeout().min(std::time::Duration::from_secs(10));
    let net = net.get()?;
    let (status, body) = net
        .runtime
        .block_on(net.http.get(&request, &[], timeout))
        .with_context(|| format!("getSigninToken at {federation}"))?;
    if status != 200 {
        bail!("getSigninToken at {federation}: HTTP {status}");
    }
    let token = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("SigninToken").and_then(|t| t.as_str()).map(str::to_string))
        .ok_or_else(|| anyhow!("getSigninToken at {federation}: no SigninToken in the answer"))?;
    let destination = if console.destination.contains("://") {
        without_session_label(&console.destination)
    } else {
        let path = console.destination.trim_matches('/');
        match plan.region.as_deref() {
            Some(region) => format!("https://{region}.{console_host}/{path}/home?region={region}"),
            None => format!("https://{console_host}/{path}/home"),
        }
    };
    // A plain `Action=login`, never a logout first: with multi-session on, a logout bounce would
    // end the other identities' sessions in that browser, and without it AWS itself says "You must
    // first log out" where needed (granted's bounce predates multi-session).
    Ok(format!(
        "{federation}?Action=login&Issuer=awsume&Destination={}&SigninToken={}",
        encode(&destination),
        encode(&token)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_hosts_and_encoding() {
        assert_eq!(
            federated_name("prod admin/with a very long name indeed"),
            "prod-admin-with-a-very-long-name"
        );
        assert_eq!(federated_name("x"), "awsume-x");
        let with = |region: &str| Plan { region: Some(region.into()), ..crate::plan::environment(None) };
        assert_eq!(partition(&with("us-gov-west-1")).console.unwrap().0, "signin.amazonaws-us-gov.com");
        assert_eq!(partition(&with("cn-north-1")).console.unwrap().1, "console.amazonaws.cn");
        assert_eq!(partition(&with("eusc-de-east-1")).console.unwrap().1, "console.amazonaws-eusc.eu");
        assert_eq!(
            without_session_label(
                "https://123456789012-ab12cd34.eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:"
            ),
            "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:"
        );
        for kept in [
            "https://eu-west-1.console.aws.amazon.com/x",
            "https://12345678901-ab12cd34.x/",
            "https://123456789012-AB12CD34.x/",
            "no-scheme",
        ] {
            assert_eq!(without_session_label(kept), kept);
        }
        assert_eq!(encode("a b/c?d=é"), "a%20b%2Fc%3Fd%3D%C3%A9");
    }
}
