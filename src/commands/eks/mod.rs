//! `awsume eks token --cluster NAME [--profile P] [--role-arn ARN] [--region R]`: the credential
//! kubectl's exec plugin wants (ExecCredential JSON), made as `aws eks get-token` makes it but from
//! any profile awsume resolves (its caches, MFA sessions, keychain, SSO, SAML), and kept (0600,
//! the process cache's lock) until a minute before it ends, so the commonest kubectl call costs no
//! resolution, no signing and no STS call. `awsume eks kubeconfig` (`kubeconfig.rs`) writes the
//! kubeconfig entry that runs it.

mod kubeconfig;

use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use serde_json::json;

use crate::aws::eks;
use crate::cache::{Printed, ProcessCache};
use crate::cli::{EksCommand, EksTokenArgs};
use crate::credentials::Secret;
use crate::request::{Prepared, Request, prepare};
use crate::{deliver, messages, resolve};

/// kubectl's exec credential API versions, the default first (as the AWS CLI's).
const API_VERSIONS: [&str; 2] = ["client.authentication.k8s.io/v1beta1", "client.authentication.k8s.io/v1"];

pub fn run(args: crate::cli::EksArgs) -> Result<ExitCode> {
    match args.command {
        EksCommand::Token(token) => token_command(&token),
        EksCommand::Kubeconfig(args) => kubeconfig::run(&args),
    }
}

fn token_command(args: &EksTokenArgs) -> Result<ExitCode> {
    messages::set_level(args.common.info, args.common.debug);
    let api_version = api_version();
    // Kept apart per profile (or, for the shell's credentials, their key), role, cluster, region
    // and API version.
    let named = args.profile.clone().or_else(crate::environment::profile);
    let who = named.clone().or_else(|| crate::environment::var("AWS_ACCESS_KEY_ID")).unwrap_or_default();
    let key = [
        who,
        args.role_arn.clone().unwrap_or_default(),
        args.cluster.clone(),
        args.common.region.clone().unwrap_or_default(),
        api_version.to_string(),
    ];
    // A minute of margin: kubectl asks again before the token ends.
    let cache = ProcessCache::new(60);
    let path = cache.path("eks token", &key, None);
    let output = cache.once(&path, args.common.refresh, || {
        let Prepared { plan, options, .. } =
            prepare(signer(args.profile.as_deref(), named.clone(), args.role_arn.clone(), &args.common))?;
        let creds = resolve::resolve(&plan, &options)?;
        let region = plan.region.clone().unwrap_or_else(|| "us-east-1".to_string());
        let endpoint = eks::sts_endpoint(&region, plan.endpoint_url.as_deref());
        let now = Utc::now();
        let token = Secret::new(eks::token(&creds, &region, &endpoint, &args.cluster, now.into())?);
        let credential = json!({
            "kind": "ExecCredential",
            "apiVersion": api_version,
            "spec": {},
            "status": { "expirationTimestamp": eks::expiration(now), "token": token.expose() },
        });
        // Kept while the token lasts, and never past the credentials that signed it.
        let ends = now + chrono::Duration::minutes(eks::TOKEN_MINUTES);
        let expires = Some(creds.expiration.map_or(ends, |c| c.min(ends)));
        Ok(Printed { output: Secret::new(format!("{credential:#}\n")), expires })
    })?;
    deliver::stdout(output.expose())?;
    Ok(ExitCode::SUCCESS)
}

/// The request for the credentials that sign: the profile's, or without a profile the shell's, by
/// botocore's chain (as the AWS CLI); `role_arn` is assumed with them, or with the profile's.
fn signer<'a>(
    profile: Option<&'a str>,
    named: Option<String>,
    role_arn: Option<String>,
    common: &'a crate::cli::CommonArgs,
) -> Request<'a> {
    Request {
        default_chain: role_arn.is_none(),
        plan: crate::plan::Options {
            region: common.region.clone(),
            source_profile: role_arn.as_ref().and(named),
            role_arn,
            ..Default::default()
        },
        ..Request::new(profile, common)
    }
}

/// The API version kubectl asked for in `KUBERNETES_EXEC_INFO`, else the default (v1beta1), as the
/// AWS CLI reads it; one it does not support is said, and the default used.
fn api_version() -> &'static str {
    let Some(raw) = crate::environment::var("KUBERNETES_EXEC_INFO") else { return API_VERSIONS[0] };
    let asked = serde_json::from_str::<serde_json::Value>(&raw)
        .ok()
        .and_then(|v| v["apiVersion"].as_str().map(str::to_string));
    match asked.as_deref().and_then(|a| API_VERSIONS.iter().find(|v| **v == a)) {
        Some(version) => version,
        None => {
            messages::note(&format!(
                "KUBERNETES_EXEC_INFO asks for no API version awsume knows; using {}",
                API_VERSIONS[0]
            ));
            API_VERSIONS[0]
        }
    }
}
