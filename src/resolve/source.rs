//! Sources that are not profiles' own keys: the calling environment, instance metadata, the
//! container endpoint and web identity token files.

use anyhow::{Context, Result, anyhow, bail};
use aws_credential_types::provider::ProvideCredentials;
use chrono::{DateTime, Utc};

use crate::aws::http::Http;
use crate::credentials::{Credentials, Secret};

/// `credential_source = Environment`: the key variables at call time, never `[default]`.
pub fn environment() -> Result<Credentials> {
    use crate::environment::var;
    let (Some(key), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) else {
        bail!("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set in the environment");
    };
    let token = var("AWS_SESSION_TOKEN").or_else(|| var("AWS_SECURITY_TOKEN"));
    Ok(Credentials::new(key, secret, token, None).in_account(var("AWS_ACCOUNT_ID")))
}

/// aws-config's providers, on our HTTP stack (and so our trust roots and proxy settings).
fn provider_config(http: &Http) -> aws_config::provider_config::ProviderConfig {
    aws_config::provider_config::ProviderConfig::without_region()
        .with_http_client(http.client())
        .with_sleep_impl(aws_smithy_async::rt::sleep::TokioSleep::new())
}

pub async fn container(http: &Http) -> Result<Credentials> {
    let provider =
        aws_config::ecs::EcsCredentialsProvider::builder().configure(&provider_config(http)).build();
    from_provider(provider.provide_credentials().await).context("container credentials endpoint")
}

pub fn web_identity_token(path: &str) -> Result<Secret> {
    let path = crate::files::expand_tilde(path.as_ref());
    let token = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read web_identity_token_file {}", crate::files::display(&path)))?;
    Ok(Secret::new(token.trim()))
}

fn from_provider(result: aws_credential_types::provider::Result) -> Result<Credentials> {
    let c = result.map_err(|e| anyhow!("{}", crate::aws::http::chain(&e)))?;
    Ok(Credentials {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: Secret::new(c.secret_access_key()),
        session_token: c.session_token().map(Secret::new),
        expiration: c.expiry().map(DateTime::<Utc>::from),
        account_id: c.account_id().map(|a| a.as_str().to_string()),
    })
}
