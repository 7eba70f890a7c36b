//! SAML profiles: the identity provider's assertion (from the person's browser, `saml_url`, or a
//! command, `saml_process`) exchanged for one of the roles it offers with AssumeRoleWithSAML. The
//! assertion is kept (0600, beside the MFA sessions, under the trust rule) until its NotOnOrAfter, so
//! a second role or a second run within its life signs in no more; the role session goes into the
//! role cache, under a key of its own. One sign-in at a time per identity provider: a lock beside the
//! kept assertion, and whoever waited reads what the first run kept.

mod assertion;
mod devtools;
// The DevTools client is Unix only (`devtools::assertion`): these serve it alone.
#[cfg_attr(not(unix), allow(dead_code))]
mod post;
#[cfg_attr(not(unix), allow(dead_code))]
mod wire;

use std::io::IsTerminal;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use self::assertion::{Assertion, Offer};
use super::place::{Ask, NotHere};
use crate::aws::LazyNet;
use crate::cache::{RoleCache, SessionCache};
use crate::credentials::{Credentials, Secret};
use crate::files;
use crate::messages::{debug, info};
use crate::plan::{Saml, SamlSignIn};

/// A kept assertion is used while at least this much of its life is left.
const KEPT_MARGIN_SECONDS: i64 = 30;
/// The longest an assertion is kept.
const KEPT_AT_MOST: i64 = 3600;

/// What a SAML sign-in needs of the run that asks for it.
pub struct Run<'a> {
    /// The SAML profile.
    pub profile: &'a str,
    pub ask: Ask<'a>,
    /// `-r`: no cached role session, no kept assertion.
    pub refresh: bool,
    /// Where the assertion is kept (beside the MFA sessions).
    pub sessions: &'a SessionCache,
    pub roles: &'a RoleCache,
    pub net: &'a LazyNet,
}

/// Runs `saml_process`'s command and returns its assertion (the chain runs processes).
pub type ProcessRunner<'a> = dyn Fn(&str) -> Result<Secret> + 'a;

/// The role session of a SAML profile: cached while fresh, else from the kept assertion, else
/// after a sign-in (`saml_process` through `process`).
pub fn credentials(saml: &Saml, run: &Run<'_>, process: &ProcessRunner<'_>) -> Result<Credentials> {
    let profile = run.profile;
    let sharing = !run.refresh && !run.ask.renewal;
    let cached = |role: &str| {
        let hop = saml.hop(profile, role);
        sharing.then(|| run.roles.read(&hop, Utc::now())).flatten()
    };
    if let Some(role) = &saml.role_arn
        && let Some(creds) = cached(role)
    {
        info!("role {role} from the role cache");
        return Ok(creds);
    }
    // Without role_arn: the role this sign-in gave last, while its session lasts (the
    // assertion itself lives minutes, the role session hours).
    let remembered = || last_role(run.sessions, saml);
    if saml.role_arn.is_none()
        && let Some(role) = remembered()
        && let Some(creds) = cached(&role)
    {
        info!("role {role} (the last this sign-in gave) from the role cache");
        return Ok(creds);
    }
    let kept = run.sessions.beside(&kept_name(saml));
    let _signing_in =
        files::lock_cache_entry(&kept, crate::waits::OTHER_RUN, "signing in at the identity provider")?;
    if let Some(role) = saml.role_arn.clone().or_else(remembered)
        && let Some(creds) = cached(&role)
    {
        info!("role {role} assumed by another run meanwhile");
        return Ok(creds);
    }
    if run.refresh {
        forget(&kept);
    }
    let mut kept_one = kept_assertion(&kept, run.refresh);
    loop {
        let was_kept = kept_one.is_some();
        let (encoded, assertion) = match kept_one.take() {
            Some(found) => found,
            None => sign_in(saml, run, process, &kept)?,
        };
        match exchange(saml, run, &encoded, &assertion, was_kept) {
            // STS refused what was kept (revoked, or it took a role away): it serves no run; one
            // new sign-in, as `-r` would make.
            Err(e) if was_kept && crate::aws::sts::code_of(&e).is_some() => {
                crate::messages::note(&format!(
                    "{e:#}: the kept SAML assertion is dropped; signing in again"
                ));
                forget(&kept);
            }
            done => return done,
        }
    }
}

/// The role `assertion` offers for `saml` (chosen), remembered where no `role_arn` names one, and
/// its session: from the role cache, else AssumeRoleWithSAML (then cached).
fn exchange(
    saml: &Saml,
    run: &Run<'_>,
    encoded: &Secret,
    assertion: &Assertion,
    was_kept: bool,
) -> Result<Credentials> {
    let profile = run.profile;
    let sharing = !run.refresh && !run.ask.renewal;
    let offer = choose(saml, assertion, profile, run.ask.renewal).map_err(|e| {
        // The IdP may offer other roles now than when the kept assertion was made.
        if was_kept && saml.role_arn.is_some() {
            anyhow!("{e:#} (in the kept assertion; -r signs in again)")
        } else {
            e
        }
    })?;
    if saml.role_arn.is_none() {
        // A role cache entry is no secret, nor is which role: a file that cannot be written costs
        // only the next run a look at the assertion.
        if let Err(e) = files::write_cache(&last_role_path(run.sessions, saml), offer.role_arn.as_bytes()) {
            debug!("not remembering the role: {e:#}");
        }
        let hop = saml.hop(profile, &offer.role_arn);
        if let Some(creds) = sharing.then(|| run.roles.read(&hop, Utc::now())).flatten() {
            info!("role {} from the role cache", offer.role_arn);
            return Ok(creds);
        }
    }
    let principal = saml.principal_arn.clone().unwrap_or_else(|| offer.principal_arn.clone());
    let duration = saml.duration_seconds.or(assertion.session_duration);
    info!("AssumeRoleWithSAML {} with {principal}", offer.role_arn);
    let net = run.net.get()?;
    let (creds, assumed) = net
        .runtime
        .block_on(net.sts.assume_role_with_saml(&offer.role_arn, &principal, duration, encoded))
        .with_context(|| format!("AssumeRoleWithSAML {}", offer.role_arn))?;
    let hop = saml.hop(profile, &offer.role_arn);
    if let Err(e) = run.roles.write(&hop, &creds, assumed.as_ref()) {
        debug!("not caching the role session: {e:#}");
    }
    Ok(creds)
}

/// The kept assertion while enough of its life is left (a file that is unreadable, untrusted or
/// not an assertion is no assertion; none with `-r`).
fn kept_assertion(path: &std::path::Path, refresh: bool) -> Option<(Secret, Assertion)> {
    if refresh {
        return None;
    }
    let text = Secret::new(files::read_cache(path).ok()??);
    let assertion = assertion::read(text.expose()).ok()?;
    // Kept an hour at most, whatever it says (AWS takes an assertion for 5 minutes after it is
    // issued; one that claims years may not keep a planted role around).
    let kept_at = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    let ends = assertion
        .not_on_or_after?
        .min(DateTime::<Utc>::from(kept_at) + chrono::Duration::seconds(KEPT_AT_MOST));
    if ends - Utc::now() < chrono::Duration::seconds(KEPT_MARGIN_SECONDS) {
        debug!("the kept SAML assertion has ended");
        // Of no use to anyone now: not left lying about.
        forget(path);
        return None;
    }
    info!("SAML assertion from {}, until {}", files::display(path), crate::cache::format_local(ends));
    Some((text, assertion))
}

/// A new assertion from the browser or the command, kept for the next run while it lasts.
fn sign_in(
    saml: &Saml,
    run: &Run<'_>,
    process: &ProcessRunner<'_>,
    kept: &std::path::Path,
) -> Result<(Secret, Assertion)> {
    let encoded = match &saml.sign_in {
        SamlSignIn::Process(command) => {
            info!("running saml_process of profile \"{}\"", run.profile);
            process(command)?
        }
        SamlSignIn::Url(url) => {
            let named = saml.browser.is_some() || crate::environment::var("AWSUME_SAML_BROWSER").is_some();
            match super::place::own_browser(&run.ask, named) {
                Ok(()) => {}
                Err(NotHere::Renewal) => bail!(
                    "the SAML sign-in has ended and a new one needs the browser (auto-refresh asks nobody)"
                ),
                Err(NotHere::RuledOut(flag)) => bail!(
                    "saml_url signs in through a browser awsume starts on this machine, which {flag} rules out: use saml_process"
                ),
                Err(NotHere::NoDisplay(why)) => bail!(
                    "{why}, so no browser can sign in here: use saml_process, or name a headless one with saml_browser"
                ),
            }
            let runtime = crate::runtime::get()?;
            runtime.block_on(devtools::assertion(saml.browser.as_deref(), url, crate::waits::PERSON))?
        }
    };
    let assertion = assertion::read(encoded.expose())?;
    match assertion.not_on_or_after {
        Some(ends) if ends - Utc::now() >= chrono::Duration::seconds(KEPT_MARGIN_SECONDS) => {
            if let Err(e) = files::write_cache(kept, encoded.expose().as_bytes()) {
                debug!("not keeping the SAML assertion: {e:#}");
            }
        }
        _ => debug!("the SAML assertion ends too soon to serve another run: not kept"),
    }
    Ok((encoded, assertion))
}

/// The kept assertion's file name: a digest of where it came from.
fn kept_name(saml: &Saml) -> String {
    let digest = hex::encode(Sha256::digest(saml.origin().as_bytes()));
    format!("saml-{}", &digest[..32])
}

/// Where the role a sign-in gave last is remembered (profiles without `role_arn`).
fn last_role_path(sessions: &SessionCache, saml: &Saml) -> std::path::PathBuf {
    sessions.beside(&format!("{}.role", kept_name(saml)))
}

/// The role `saml` names, else the one its sign-in gave last: whose session `-l more` shows.
pub fn role_of(sessions: &SessionCache, saml: &Saml) -> Option<String> {
    saml.role_arn.clone().or_else(|| last_role(sessions, saml))
}

fn last_role(sessions: &SessionCache, saml: &Saml) -> Option<String> {
    let text = files::read_cache(&last_role_path(sessions, saml)).ok()??;
    Some(text.trim().to_string()).filter(|role| role.starts_with("arn:"))
}

/// `-r`: the kept assertion is forgotten.
fn forget(path: &std::path::Path) {
    match std::fs::remove_file(path) {
        Ok(()) => info!("forgot the kept SAML assertion"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => debug!("cannot remove {}: {e}", files::display(path)),
    }
}

/// The role to assume: `role_arn`; else the only one offered; else the person's choice at a
/// terminal; else an error naming them.
fn choose(saml: &Saml, assertion: &Assertion, profile: &str, renewal: bool) -> Result<Offer> {
    let offers = &assertion.offers;
    let listed = || listed(offers);
    if let Some(role) = &saml.role_arn {
        return offers.iter().find(|o| &o.role_arn == role).cloned().ok_or_else(|| {
            anyhow!("role_arn {role} is not among the roles the SAML assertion offers: {}", listed())
        });
    }
    if let [only] = offers.as_slice() {
        return Ok(only.clone());
    }
    if renewal || !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        bail!(
            "the SAML assertion offers {} roles; name one with role_arn in profile \"{profile}\": {}",
            offers.len(),
            listed()
        );
    }
    pick(offers)
}

/// The roles offered, for a message: the first 20, then how many more (an identity provider may
/// offer thousands).
fn listed(offers: &[Offer]) -> String {
    const SHOWN: usize = 20;
    let first: Vec<&str> = offers.iter().take(SHOWN).map(|o| o.role_arn.as_str()).collect();
    match offers.len().saturating_sub(SHOWN) {
        0 => first.join(", "),
        more => format!("{} and {more} more", first.join(", ")),
    }
}

/// One of `offers`, picked at the terminal (drawn on stderr).
fn pick(offers: &[Offer]) -> Result<Offer> {
    let labels: Vec<String> = offers
        .iter()
        .map(|o| {
            let account = crate::credentials::account_in(&o.role_arn).unwrap_or_default();
            let name = o.role_arn.rsplit_once(":role/").map_or(o.role_arn.as_str(), |(_, n)| n);
            format!("{account}  {name}")
        })
        .collect();
    let answer = inquire::Select::new("role", labels.clone())
        .with_help_message("type to filter, ↑↓ to move, Enter to assume, Esc to leave")
        .raw_prompt_skippable();
    match answer {
        Ok(Some(picked)) => Ok(offers[picked.index].clone()),
        Ok(None) | Err(inquire::InquireError::OperationInterrupted) => {
            bail!("no role picked: nothing changed")
        }
        Err(e) => bail!("the role picker failed: {e}"),
    }
}
