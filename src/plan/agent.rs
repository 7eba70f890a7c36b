//! `--agent[=NAME]`: the credentials an AI agent or other automation gets, scoped. The target's
//! own role is assumed once more with a session policy (by default the managed `ReadOnlyAccess` of
//! the role's partition; `agent_policy_arns` and `agent_policy`, a JSON file, replace it), for a
//! short while (`agent_duration`, default an hour), with `SourceIdentity` and the session tag
//! `awsume-agent=NAME`, so CloudTrail tells the agent's calls from the person's. `agent_role_arn`
//! names another role, assumed with the target's credentials. Each key is read from the profile,
//! then from awsume's settings. Pure: the policy file is named here and read by the request.

use anyhow::{Result, bail};

use super::{Hop, Plan, session_name};
use crate::config::Config;

/// The session tag naming the agent.
pub const TAG: &str = "awsume-agent";
/// How long an agent's session lasts unless `agent_duration` says otherwise.
const DURATION: i32 = 3600;

/// Scopes `plan` (for `target`) for the agent `name`. `settings`: awsume's `agent_*` settings.
pub fn scope(
    plan: &mut Plan,
    config: &Config,
    target: &str,
    name: &str,
    settings: &[(String, String)],
) -> Result<()> {
    let profile = config.profiles.get(target);
    let get = |key: &str| {
        profile
            .and_then(|p| p.get(key))
            .map(str::to_string)
            .or_else(|| settings.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    };
    let duration = match get("agent_duration") {
        Some(text) => match text.parse::<i32>() {
            Ok(seconds) if (900..=43200).contains(&seconds) => seconds,
            _ => bail!(
                "profile \"{target}\": agent_duration {text:?} is not a number of seconds from 900 to 43200"
            ),
        },
        None => DURATION,
    };
    let hop = match (get("agent_role_arn"), plan.hops.last_mut()) {
        (Some(role), _) => {
            plan.hops.push(Hop::new(target, &role));
            plan.hops.last_mut().expect("just pushed")
        }
        (None, Some(last)) => last,
        (None, None) => bail!(
            "profile \"{target}\" assumes no role, so --agent has none to scope: set agent_role_arn (in the profile or awsume's settings) to the role an agent gets"
        ),
    };
    let partition = hop.role_arn.split(':').nth(1).unwrap_or("aws").to_string();
    let arns: Vec<String> = get("agent_policy_arns")
        .map(|list| list.split(',').map(str::trim).filter(|a| !a.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    let file = get("agent_policy");
    hop.policy_arns = if arns.is_empty() && file.is_none() {
        vec![format!("arn:{partition}:iam::aws:policy/ReadOnlyAccess")]
    } else {
        arns
    };
    // Read by the request (`file://`, as `--session-policy` takes a file).
    hop.policy = file.map(|path| format!("file://{path}"));
    hop.duration_seconds = Some(duration);
    // The person's chain keeps its own source identity (AWS refuses to change one): else the agent's.
    hop.source_identity.get_or_insert_with(|| session_name(name));
    hop.tags.retain(|(key, _)| key != TAG);
    hop.tags.push((TAG.to_string(), name.to_string()));
    Ok(())
}

/// The agent a hop's session is for, if it is one.
pub fn of(hop: &Hop) -> Option<&str> {
    hop.tags.iter().find(|(key, _)| key == TAG).map(|(_, name)| name.as_str())
}
