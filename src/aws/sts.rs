//! The one STS client: explicit region, explicit credentials, bounded timeouts, endpoint overrides.
//! One client (one HTTP connection pool) serves every hop; each call carries its own credentials.
//! Also the settings, endpoint rules and error wording every AWS client of ours shares.

use std::time::Duration;

use anyhow::{Result, anyhow};
use aws_sdk_sts::config::{Region, timeout::TimeoutConfig};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use chrono::{DateTime, Utc};

use super::http::{Http, chain, transport};
use crate::cache::AssumedRole;
use crate::credentials::{Credentials, Secret, account_in};
use crate::messages::debug;
use crate::plan::Hop;

pub struct Sts {
    client: aws_sdk_sts::Client,
    /// Where requests go, for messages.
    pub endpoint: String,
}

/// The service's own variable (`AWS_ENDPOINT_URL_STS`), `AWS_ENDPOINT_URL`, then the profile's, as
/// the SDKs rank them.
pub fn endpoint_url(service_var: &str, from_profile: Option<&str>) -> Option<String> {
    use crate::environment::var as env;
    if env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return None;
    }
    env(service_var).or_else(|| env("AWS_ENDPOINT_URL")).or(from_profile.map(str::to_string))
}

/// Retries and timeouts for every client: `timeout` bounds each call as a whole, retries included.
pub fn timeouts(timeout: Duration) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .read_timeout(timeout.min(Duration::from_secs(10)))
        .operation_attempt_timeout(timeout.min(Duration::from_secs(15)))
        .operation_timeout(timeout)
        .build()
}

/// Applies the shared settings to any SDK crate's config builder (they share method names, not a
/// trait): the one HTTP stack, latest behaviour, standard retries, bounded timeouts.
macro_rules! client_config {
    ($builder:expr, $http:expr, $timeout:expr) => {
        $builder
            .http_client($http.client())
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .retry_config(aws_sdk_sts::config::retry::RetryConfig::standard().with_max_attempts(3))
            .timeout_config($crate::aws::sts::timeouts($timeout))
    };
}
pub(crate) use client_config;

/// Sends one operation signed by `creds`; a failure is one line naming the endpoint.
macro_rules! send_signed {
    ($self:ident, $operation:expr, $creds:expr) => {
        $operation
            .customize()
            .config_override(signed_by($creds))
            .send()
            .await
            .map_err(|e| failed(e, &$self.endpoint))
    };
}

impl Sts {
    /// `timeout` bounds each call as a whole, retries included.
    pub fn new(region: &str, endpoint: Option<String>, http: &Http, timeout: Duration) -> Self {
        let shown =
            endpoint.clone().unwrap_or_else(|| super::partition::of_region(region).endpoint("sts", region));
        let mut config = client_config!(aws_sdk_sts::Config::builder(), http, timeout)
            .region(Region::new(region.to_string()));
        if let Some(url) = endpoint {
            config = config.endpoint_url(url);
        }
        Self { client: aws_sdk_sts::Client::from_conf(config.build()), endpoint: shown }
    }

    /// The role session and who STS says it is.
    pub async fn assume_role(
        &self,
        creds: &Credentials,
        hop: &Hop,
        mfa_code: Option<&Secret>,
    ) -> Result<(Credentials, Option<AssumedRole>)> {
        let out = send_signed!(
            self,
            self.client
                .assume_role()
                .role_arn(&hop.role_arn)
                .role_session_name(&hop.session_name)
                .set_external_id(hop.external_id.clone())
                .set_duration_seconds(hop.duration_seconds)
                .set_source_identity(hop.source_identity.clone())
                .set_policy(hop.policy.clone())
                .set_policy_arns(policy_arns(&hop.policy_arns)?)
                .set_tags(tags(&hop.tags)?)
                .set_serial_number(mfa_code.and(hop.mfa_serial.clone()))
                .set_token_code(mfa_code.map(|c| c.expose().to_string())),
            creds
        )?;
        role_session(out.credentials(), out.assumed_role_user(), &hop.role_arn)
    }

    /// A session for long-term keys, with an MFA `(serial, code)` where one is given.
    pub async fn get_session_token(
        &self,
        creds: &Credentials,
        mfa: Option<(&str, &Secret)>,
    ) -> Result<Credentials> {
        let out = send_signed!(
            self,
            self.client
                .get_session_token()
                .set_serial_number(mfa.map(|(serial, _)| serial.to_string()))
                .set_token_code(mfa.map(|(_, code)| code.expose().to_string())),
            creds
        )?;
        from_sts(out.credentials())
    }

    /// A federated user's session for long-term keys (console sign-in), limited by `policy`.
    pub async fn get_federation_token(
        &self,
        creds: &Credentials,
        name: &str,
        duration: i32,
        policy: &str,
    ) -> Result<Credentials> {
        let out = send_signed!(
            self,
            self.client.get_federation_token().name(name).duration_seconds(duration).policy(policy),
            creds
        )?;
        from_sts(out.credentials())
    }

    /// Who `creds` are: (account, ARN, user id).
    pub async fn get_caller_identity(&self, creds: &Credentials) -> Result<(String, String, String)> {
        let out = send_signed!(self, self.client.get_caller_identity(), creds)?;
        let field = |v: Option<&str>| v.unwrap_or("-").to_string();
        Ok((field(out.account()), field(out.arn()), field(out.user_id())))
    }

    pub async fn assume_role_with_web_identity(
        &self,
        role_arn: &str,
        session_name: &str,
        token: &Secret,
    ) -> Result<Credentials> {
        let out = self
            .client
            .assume_role_with_web_identity()
            .role_arn(role_arn)
            .role_session_name(session_name)
            .web_identity_token(token.expose())
            .send()
            .await
            .map_err(|e| failed(e, &self.endpoint))?;
        from_sts(out.credentials())
    }

    /// A role from an identity provider's assertion (unsigned: the assertion is the proof).
    pub async fn assume_role_with_saml(
        &self,
        role_arn: &str,
        principal_arn: &str,
        duration_seconds: Option<i32>,
        assertion: &Secret,
    ) -> Result<(Credentials, Option<AssumedRole>)> {
        let out = self
            .client
            .assume_role_with_saml()
            .role_arn(role_arn)
            .principal_arn(principal_arn)
            .saml_assertion(assertion.expose())
            .set_duration_seconds(duration_seconds)
            .send()
            .await
            .map_err(|e| failed(e, &self.endpoint))?;
        role_session(out.credentials(), out.assumed_role_user(), role_arn)
    }
}

/// A role session and who STS says it is, in the account of the assumed role's ARN (else of the
/// role asked for).
fn role_session(
    credentials: Option<&aws_sdk_sts::types::Credentials>,
    user: Option<&aws_sdk_sts::types::AssumedRoleUser>,
    role_arn: &str,
) -> Result<(Credentials, Option<AssumedRole>)> {
    let assumed = user.map(|u| AssumedRole { id: u.assumed_role_id().to_string(), arn: u.arn().to_string() });
    let account = assumed.as_ref().and_then(|a| account_in(&a.arn)).or_else(|| account_in(role_arn));
    Ok((from_sts(credentials)?.in_account(account), assumed))
}

/// A call that failed, said in one line (`describe`); `code` is the service's error code when it
/// answered with one (`AccessDenied`), for callers that act on it.
#[derive(Debug)]
pub struct Failed {
    pub code: Option<String>,
    pub line: String,
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line)
    }
}

impl std::error::Error for Failed {}

/// `describe`'s line as an error that keeps the service's code.
pub fn failed<E>(err: SdkError<E, HttpResponse>, endpoint: &str) -> anyhow::Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let code = match &err {
        SdkError::ServiceError(service) => service.err().code().map(str::to_string),
        _ => None,
    };
    anyhow::Error::new(Failed { code, line: describe(err, endpoint) })
}

/// The service's error code of a failed call, when it answered with one.
pub fn code_of(err: &anyhow::Error) -> Option<&str> {
    err.downcast_ref::<Failed>()?.code.as_deref()
}

fn policy_arns(arns: &[String]) -> Result<Option<Vec<aws_sdk_sts::types::PolicyDescriptorType>>> {
    Ok((!arns.is_empty()).then(|| {
        arns.iter().map(|a| aws_sdk_sts::types::PolicyDescriptorType::builder().arn(a).build()).collect()
    }))
}

fn tags(tags: &[(String, String)]) -> Result<Option<Vec<aws_sdk_sts::types::Tag>>> {
    if tags.is_empty() {
        return Ok(None);
    }
    let built: Result<Vec<_>, _> =
        tags.iter().map(|(k, v)| aws_sdk_sts::types::Tag::builder().key(k).value(v).build()).collect();
    Ok(Some(built.map_err(|e| anyhow!("bad session tag: {e}"))?))
}

fn signed_by(creds: &Credentials) -> aws_sdk_sts::config::Builder {
    let sdk = aws_sdk_sts::config::Credentials::new(
        creds.access_key_id.clone(),
        creds.secret_access_key.expose(),
        creds.session_token.as_ref().map(|t| t.expose().to_string()),
        creds.expiration.map(std::time::SystemTime::from),
        "awsume",
    );
    aws_sdk_sts::config::Builder::default().credentials_provider(sdk)
}

fn from_sts(creds: Option<&aws_sdk_sts::types::Credentials>) -> Result<Credentials> {
    let c = creds.ok_or_else(|| anyhow!("STS answered without credentials"))?;
    let exp = c.expiration();
    Ok(Credentials {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: Secret::new(c.secret_access_key()),
        session_token: Some(Secret::new(c.session_token())),
        expiration: DateTime::<Utc>::from_timestamp(exp.secs(), exp.subsec_nanos()),
        account_id: None,
    })
}

/// One line for people: the service's code and message, or what went wrong on the way, in plain
/// words (a refused connection, a name that does not resolve, a timeout, an untrusted certificate).
/// The SDK's whole chain of causes is for `--debug`.
pub fn describe<E>(err: SdkError<E, HttpResponse>, endpoint: &str) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    debug!("{endpoint}: {}", chain(&err));
    let text = match &err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            match (e.code(), e.message()) {
                (Some(code), message) => format!("{code}: {}", message.unwrap_or("no message")),
                // Not AWS's answer: a proxy's or a load balancer's error page, say.
                (None, _) => not_aws(service.raw().status().as_u16(), endpoint),
            }
        }
        SdkError::ResponseError(response) => not_aws(response.raw().status().as_u16(), endpoint),
        SdkError::TimeoutError(_) => format!("no answer from {endpoint} in time"),
        SdkError::DispatchFailure(d) if d.is_timeout() => format!("no answer from {endpoint} in time"),
        SdkError::DispatchFailure(_) => format!("cannot reach {endpoint}: {}", transport(&err)),
        _ => chain(&err),
    };
    crate::messages::flat(&text)
}

fn not_aws(status: u16, endpoint: &str) -> String {
    format!("HTTP {status} from {endpoint}, which is not an answer from AWS (a proxy in the way?)")
}
