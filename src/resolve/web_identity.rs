//! Web identity: AssumeRoleWithWebIdentity with an OIDC token from a file (read each time) or from
//! a command (`web_identity_token_process`): then the token is kept until its `exp` and the role
//! session in the role cache under a key of ours, each made once for every caller at once (the
//! others wait on the locks and read what the first kept).

use anyhow::{Context, Result};
use chrono::Utc;

use super::{Options, process, source};
use crate::aws::{LazyNet, Net};
use crate::credentials::{Credentials, Secret};
use crate::messages::{debug, info};
use crate::plan::{Hop, WebToken};

/// Whose role and session.
pub struct Who<'a> {
    pub profile: &'a str,
    pub role_arn: &'a str,
    pub session_name: &'a str,
}

pub fn credentials(token: &WebToken, who: &Who<'_>, opts: &Options, net: &LazyNet) -> Result<Credentials> {
    let net = || net.get().with_context(|| format!("profile \"{}\"", who.profile));
    let command = match token {
        WebToken::File(file) => return assume(&source::web_identity_token(file)?, who, net()?),
        WebToken::Process(command) => command,
    };
    let hop = Hop {
        session_name: who.session_name.to_string(),
        saml: Some(format!("web_identity_token_process {command}")),
        ..Hop::new(who.profile, who.role_arn)
    };
    let sharing = !opts.refresh && !opts.renewal;
    let roles = &opts.role_sessions;
    if sharing && let Some(creds) = roles.read(&hop, Utc::now()) {
        info!("role {} from the role cache", who.role_arn);
        return Ok(creds);
    }
    let _assuming = if sharing { roles.lock(&hop).unwrap_or(None) } else { None };
    if sharing && let Some(creds) = roles.read(&hop, Utc::now()) {
        info!("role {} assumed by another run meanwhile", who.role_arn);
        return Ok(creds);
    }
    let outputs = &opts.process_outputs;
    let words = process::words_of("web_identity_token_process", command)?;
    let path = outputs.path("web_identity_token_process", &words, None);
    let chain = opts.profile_chain.as_deref();
    let token = outputs.once(&path, opts.refresh, || {
        info!("running web_identity_token_process of profile \"{}\"", who.profile);
        process::run_token_process(command, chain)
    })?;
    let creds = assume(&token, who, net()?)?;
    if let Err(e) = roles.write(&hop, &creds, None) {
        debug!("not caching the role session: {e:#}");
    }
    Ok(creds)
}

fn assume(token: &Secret, who: &Who<'_>, net: &Net) -> Result<Credentials> {
    info!("AssumeRoleWithWebIdentity {} as {}", who.role_arn, who.session_name);
    net.runtime
        .block_on(net.sts.assume_role_with_web_identity(who.role_arn, who.session_name, token))
        .map(|creds| creds.in_account(crate::credentials::account_in(who.role_arn)))
        .with_context(|| format!("AssumeRoleWithWebIdentity {}", who.role_arn))
}
