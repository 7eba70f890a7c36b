//! One profile's chain: follows `source_profile` from the target to the credentials it stands on,
//! one AssumeRole per role on the way, the MFA session where long-term keys meet `mfa_serial`.

use anyhow::{Result, anyhow, bail};

use super::values::duration_seconds;
use super::{Hop, Options, Plan, Source, session_name};
use crate::config::{Config, Profile};
use crate::credentials::Secret;
use crate::files::display;

pub(super) fn plan(config: &Config, target: &str, opts: &Options) -> Result<Plan> {
    let Walked { chain, mut hops, source } = walk(config, target, opts)?;
    let source_serial = chain.last().and_then(|p| p.get("mfa_serial"));
    let mfa_session_serial = mfa_session_serial(&source, &mut hops, source_serial);
    let default = config.profiles.get("default");
    let region = opts
        .region
        .clone()
        .or_else(|| chain.iter().chain(default.iter()).find_map(|p| p.get("region")).map(str::to_string))
        .or_else(|| opts.settings.region.clone())
        .or_else(|| opts.env_region.clone());
    let target_profile = chain[0];
    Ok(Plan {
        profile: target.to_string(),
        exports_profile: chain.last().is_some_and(|p| p.get("credential_source").is_some()),
        source_profile: chain.last().expect("chain has the target").name.clone(),
        source,
        mfa_session_serial,
        hops,
        region,
        endpoint_url: endpoint_url(config, target_profile),
        ca_bundle: target_profile.get("ca_bundle").map(str::to_string),
        metadata: super::Metadata::of(Some(target_profile)),
        link: None,
        mfa_process: chain.iter().find_map(|p| p.get("mfa_process")).map(str::to_string),
        mfa_prompt: chain.iter().find_map(|p| p.get("mfa_prompt")).map(str::to_string),
    })
}

/// The profiles from the target to its source, the roles on the way (first to assume first) and
/// the credentials at the bottom.
struct Walked<'a> {
    chain: Vec<&'a Profile>,
    hops: Vec<Hop>,
    source: Source,
}

/// Follows `source_profile` from `target` until a profile with credentials of its own.
fn walk<'a>(config: &'a Config, target: &str, opts: &Options) -> Result<Walked<'a>> {
    let mut chain: Vec<&Profile> = Vec::new();
    let mut hops: Vec<Hop> = Vec::new();
    let mut name = target;
    let source = loop {
        let profile = match config.profile(name) {
            Ok(p) => p,
            Err(e) if chain.is_empty() => return Err(e),
            Err(_) => {
                let from = chain.last().expect("chain is not empty");
                bail!(
                    "profile \"{}\": source_profile {name:?} not found in {} or {}",
                    from.name,
                    display(&config.files.config),
                    display(&config.files.credentials)
                );
            }
        };
        if chain.iter().any(|p| p.name == name) {
            let path: Vec<&str> = chain.iter().map(|p| p.name.as_str()).chain([name]).collect();
            bail!(
                "profile \"{target}\": source_profile loop {} in {}",
                path.join(" -> "),
                display(&profile.file)
            );
        }
        let is_target = chain.is_empty();
        chain.push(profile);
        // A source with keys of its own uses them, even when it also names a role (CLI rule).
        if !is_target && let Some(source) = static_keys(profile)? {
            break source;
        }
        // A SAML profile's role_arn names which of the assertion's roles: no AssumeRole.
        if super::is_saml(profile) {
            break Source::Saml(super::saml::settings(profile, is_target, opts)?);
        }
        let Some(role_arn) = profile.get("role_arn") else {
            break own_credentials(config, profile)?;
        };
        if let Some(token) = web_token(profile)? {
            break Source::WebIdentity {
                token,
                role_arn: role_arn.to_string(),
                session_name: hop_session_name(profile, is_target, opts).0,
            };
        }
        hops.push(hop(profile, role_arn, is_target, opts)?);
        match (profile.get("source_profile"), profile.get("credential_source")) {
            (Some(_), Some(_)) => {
                bail!("{}: set source_profile or credential_source, not both", profile.at())
            }
            (Some(next), None) if next == profile.name => match static_keys(profile)? {
                // A role whose source is itself: its own keys assume it.
                Some(source) => break source,
                None => bail!(
                    "profile \"{target}\": source_profile loop {next} -> {next} in {}",
                    display(&profile.file)
                ),
            },
            (Some(next), None) => name = next,
            (None, Some(kind)) => break credential_source(profile, kind)?,
            (None, None) => bail!("{}: role_arn needs source_profile or credential_source", profile.at()),
        }
    };
    hops.reverse();
    Ok(Walked { chain, hops, source })
}

/// The serial of the MFA session long-term keys get first (GetSessionToken), taken from the first
/// role when it names one: that role is then assumed with the session, no second code. A role of
/// more than an hour with MFA is assumed directly with the code (AWS forbids chaining past 1 h).
fn mfa_session_serial(source: &Source, hops: &mut [Hop], source_serial: Option<&str>) -> Option<String> {
    let long_term = matches!(source, Source::Static { session_token: None, .. } | Source::Keychain { .. });
    if !long_term {
        return None;
    }
    match hops.first_mut() {
        None => source_serial.map(str::to_string),
        Some(first) if first.mfa_serial.is_some() && first.duration_seconds.is_some_and(|d| d > 3600) => None,
        Some(first) => first.mfa_serial.take().or(source_serial.map(str::to_string)),
    }
}

fn static_keys(profile: &Profile) -> Result<Option<Source>> {
    for key in ["aws_access_key_id", "aws_secret_access_key", "aws_session_token"] {
        if profile.get(key).is_some_and(|v| v.contains('\0')) {
            bail!("{}: {key} holds a NUL byte, which no environment can carry", profile.at());
        }
    }
    match (profile.get("aws_access_key_id"), profile.get("aws_secret_access_key")) {
        (Some(key), Some(secret)) => Ok(Some(Source::Static {
            access_key_id: key.to_string(),
            secret_access_key: Secret::new(secret),
            session_token: profile.get("aws_session_token").map(Secret::new),
            account_id: profile.get("aws_account_id").map(str::to_string),
        })),
        (None, None) => Ok(None),
        (Some(_), None) => Err(missing(profile, "aws_access_key_id", "aws_secret_access_key")),
        (None, Some(_)) => Err(missing(profile, "aws_secret_access_key", "aws_access_key_id")),
    }
}

fn missing(profile: &Profile, has: &str, lacks: &str) -> anyhow::Error {
    anyhow!("{}: {has} is set but {lacks} is not", profile.at())
}

/// Where the profile's web identity token comes from, if it has one.
fn web_token(profile: &Profile) -> Result<Option<super::WebToken>> {
    use super::WebToken;
    match (profile.get("web_identity_token_file"), profile.get("web_identity_token_process")) {
        (Some(_), Some(_)) => {
            bail!("{}: set web_identity_token_file or web_identity_token_process, not both", profile.at())
        }
        (Some(file), None) => Ok(Some(WebToken::File(file.to_string()))),
        (None, Some(command)) => Ok(Some(WebToken::Process(command.to_string()))),
        (None, None) => Ok(None),
    }
}

/// A profile without a role: its own keys, process or SSO.
fn own_credentials(config: &Config, profile: &Profile) -> Result<Source> {
    if let Some(source) = static_keys(profile)? {
        return Ok(source);
    }
    if let Some(command) = profile.get("credential_process") {
        // awsume's own line reads the keychain: in-process, and MFA applies as to keys in a file.
        if let Some(name) = keychain_profile(command) {
            return Ok(Source::Keychain { profile: name });
        }
        let cache = match profile.get("credential_process_cache") {
            None => false,
            Some(v) if v.eq_ignore_ascii_case("true") => true,
            Some(v) if v.eq_ignore_ascii_case("false") => false,
            Some(v) => bail!("{}: credential_process_cache {v:?} is neither true nor false", profile.at()),
        };
        return Ok(Source::Process { command: command.to_string(), cache });
    }
    if let Some(arn) = profile.get("login_session") {
        let redirect_port = super::sso::port(profile, "login_redirect_port")?;
        return Ok(Source::Login { session_arn: arn.to_string(), redirect_port });
    }
    if ["sso_account_id", "sso_session", "sso_start_url"].iter().any(|k| profile.get(k).is_some()) {
        return Ok(Source::Sso(super::sso::settings(config, profile)?));
    }
    let hint = if profile.get("credential_source").is_some() || web_token(profile)?.is_some() {
        "credential_source and web identity tokens need role_arn"
    } else {
        "set aws_access_key_id and aws_secret_access_key, role_arn, credential_process, sso_account_id, saml_url or login_session (awsume NAME --login)"
    };
    bail!("{} has no credentials: {hint}", profile.at())
}

fn credential_source(profile: &Profile, kind: &str) -> Result<Source> {
    match kind {
        "Environment" => Ok(Source::Environment),
        "Ec2InstanceMetadata" => Ok(Source::Ec2InstanceMetadata),
        "EcsContainer" => Ok(Source::EcsContainer),
        other => bail!(
            "{}: credential_source {other:?} is not one of Environment, Ec2InstanceMetadata, EcsContainer",
            profile.at()
        ),
    }
}

fn hop(profile: &Profile, role_arn: &str, is_target: bool, opts: &Options) -> Result<Hop> {
    let flag = |value: &Option<String>| if is_target { value.clone() } else { None };
    let duration_seconds = duration_seconds(profile, is_target, opts)?.or(if is_target {
        opts.settings.role_duration
    } else {
        None
    });
    let (session_name, session_name_chosen) = hop_session_name(profile, is_target, opts);
    Ok(Hop {
        profile: profile.name.clone(),
        role_arn: role_arn.to_string(),
        session_name,
        session_name_chosen,
        external_id: flag(&opts.external_id).or_else(|| profile.get("external_id").map(str::to_string)),
        duration_seconds,
        mfa_serial: profile.get("mfa_serial").map(str::to_string),
        profile_mfa_serial: profile.get("mfa_serial").map(str::to_string),
        source_identity: profile.get("source_identity").map(str::to_string),
        tags: Vec::new(),
        policy: None,
        policy_arns: Vec::new(),
        saml: None,
    })
}

/// The session name, and whether it was chosen (flag, profile, setting) rather than defaulted to
/// the profile's name.
fn hop_session_name(profile: &Profile, is_target: bool, opts: &Options) -> (String, bool) {
    let flag = if is_target { opts.session_name.as_deref() } else { None };
    let chosen = flag.or(profile.get("role_session_name")).or(if is_target {
        opts.settings.role_session_name.as_deref()
    } else {
        None
    });
    (session_name(chosen.unwrap_or(&profile.name)), chosen.is_some())
}

/// `endpoint_url` for STS: the profile's `[services]` section's `sts` block, then its `endpoint_url`.
fn endpoint_url(config: &Config, profile: &Profile) -> Option<String> {
    let from_services = profile
        .get("services")
        .and_then(|name| config.services.get(name))
        .and_then(|s| s.get("sts"))
        .and_then(|block| {
            block.lines().find_map(|line| {
                let (k, v) = line.split_once('=')?;
                (k.trim().eq_ignore_ascii_case("endpoint_url")).then(|| v.trim().to_string())
            })
        });
    from_services.or_else(|| profile.get("endpoint_url").map(str::to_string))
}

/// The profile a `credential_process` line of awsume's reads (`… keys process NAME`), if it is one.
pub fn keychain_profile(command: &str) -> Option<String> {
    let words = shell_words::split(command).ok()?;
    // `awsume`, or `awsume.exe` on Windows.
    let program = std::path::Path::new(words.first()?).file_stem()?.to_str()?;
    match &words[1..] {
        [keys, process, name]
            if program.eq_ignore_ascii_case("awsume") && keys == "keys" && process == "process" =>
        {
            Some(name.clone())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{plan_of, roles};
    use super::super::{Options, plan};
    use crate::config::tests::config;

    #[test]
    fn chains_and_sources() {
        let cases: &[(&str, &str, &[&str], Option<&str>)] = &[
            // target, source kind, roles in call order, MFA session serial
            ("plain", "static keys", &[], None),
            ("temp", "static session", &[], None),
            ("user", "static keys", &[], Some("arn:aws:iam::1:mfa/user")),
            ("role", "static keys", &["r"], Some("arn:aws:iam::1:mfa/user")),
            ("role-mfa-on-role", "static keys", &["r2"], Some("arn:aws:iam::1:mfa/plain")),
            ("long-role", "static keys", &["long"], None),
            ("hop3", "static keys", &["r", "two", "three"], Some("arn:aws:iam::1:mfa/user")),
            ("env-role", "credential_source Environment", &["env"], None),
            ("keyed-role", "static keys", &["keyed"], None),
            ("uses-keyed-role", "static keys", &["outer"], None),
            ("proc", "credential_process", &[], None),
            ("web", "web identity", &[], None),
        ];
        for (target, kind, expected_roles, mfa) in cases {
            let p = plan_of(target, &Options::default()).unwrap();
            assert_eq!(p.source.kind(), *kind, "{target}");
            assert_eq!(roles(&p), *expected_roles, "{target}");
            assert_eq!(p.mfa_session_serial.as_deref(), *mfa, "{target}");
        }
        let long = plan_of("long-role", &Options::default()).unwrap();
        assert_eq!(long.hops[0].mfa_serial.as_deref(), Some("arn:aws:iam::1:mfa/plain"));
        assert_eq!(long.hops[0].duration_seconds, Some(43200));
        assert!(plan_of("env-role", &Options::default()).unwrap().exports_profile);
    }

    #[test]
    fn bad_chains_name_the_problem() {
        let cases = [
            ("loop-a", "source_profile loop loop-a -> loop-b -> loop-a in /h/.aws/config"),
            (
                "orphan",
                "profile \"orphan\" in /h/.aws/config: role_arn needs source_profile or credential_source",
            ),
            ("both", "not both"),
            ("missing-source", "profile \"missing-source\": source_profile \"nowhere\" not found"),
            ("empty", "profile \"empty\" in /h/.aws/config has no credentials"),
            ("half", "aws_access_key_id is set but aws_secret_access_key is not"),
            ("nope", "profile \"nope\" not found in /h/.aws/config or /h/.aws/credentials"),
        ];
        for (target, needle) in cases {
            let err = plan_of(target, &Options::default()).unwrap_err().to_string();
            assert!(err.contains(needle), "{target}: {err}");
        }
    }

    #[test]
    fn region_precedence() {
        let flag =
            Options { region: Some("flag".into()), env_region: Some("env".into()), ..Default::default() };
        let env = Options { env_region: Some("env".into()), ..Default::default() };
        let cases = [
            ("role-mfa-on-role", &flag, Some("flag")),
            ("role-mfa-on-role", &env, Some("role-region")),
            ("plain", &env, Some("default-region")),
        ];
        for (target, opts, expected) in cases {
            assert_eq!(plan_of(target, opts).unwrap().region.as_deref(), expected, "{target}");
        }
        let no_default =
            plan(&config("[profile a]\n", "[a]\naws_access_key_id=A\naws_secret_access_key=S\n"), "a", &env);
        assert_eq!(no_default.unwrap().region.as_deref(), Some("env"));
        let none = plan(
            &config("", "[a]\naws_access_key_id=A\naws_secret_access_key=S\n"),
            "a",
            &Options::default(),
        );
        assert_eq!(none.unwrap().sts_region(), "us-east-1");
    }

    #[test]
    fn session_name_duration_and_external_id_precedence() {
        let flags = Options {
            session_name: Some("flag-name".into()),
            role_duration: Some(900),
            external_id: Some("flag-ext".into()),
            ..Default::default()
        };
        let p = plan_of("hop3", &flags).unwrap();
        let (r, two, three) = (&p.hops[0], &p.hops[1], &p.hops[2]);
        // Flags reach the target's hop only; files give each hop its own settings.
        assert_eq!(
            (three.session_name.as_str(), three.duration_seconds, three.external_id.as_deref()),
            ("flag-name", Some(900), Some("flag-ext"))
        );
        assert_eq!(
            (two.session_name.as_str(), two.external_id.as_deref()),
            ("custom-name", Some("ext-from-file"))
        );
        assert_eq!(
            (r.session_name.as_str(), r.duration_seconds, r.external_id.as_deref()),
            ("role", None, None)
        );
        let p = plan_of("hop3", &Options::default()).unwrap();
        assert_eq!(p.hops[2].session_name, "hop3");
    }

    #[test]
    fn endpoint_from_services_section_then_profile() {
        let c = config(
            "[profile a]\nendpoint_url = http://profile\nservices = s\n[services s]\nsts =\n  endpoint_url = http://services\n[profile b]\nendpoint_url = http://profile\n",
            "[a]\naws_access_key_id=A\naws_secret_access_key=S\n[b]\naws_access_key_id=A\naws_secret_access_key=S\n",
        );
        assert_eq!(
            plan(&c, "a", &Options::default()).unwrap().endpoint_url.as_deref(),
            Some("http://services")
        );
        assert_eq!(
            plan(&c, "b", &Options::default()).unwrap().endpoint_url.as_deref(),
            Some("http://profile")
        );
    }

    #[test]
    fn awsume_settings_rank_after_the_profile() {
        let settings = crate::settings::Settings {
            role_duration: Some(1800),
            region: Some("settings-region".into()),
            role_session_name: Some("from-settings".into()),
            ..Default::default()
        };
        let opts = Options { settings, env_region: Some("env".into()), ..Default::default() };
        let role = plan_of("role", &opts).unwrap();
        assert_eq!(role.hops[0].session_name, "from-settings");
        assert_eq!(role.hops[0].duration_seconds, Some(1800));
        assert_eq!(role.region.as_deref(), Some("default-region"), "[default] region ranks first");
        let long = plan_of("long-role", &opts).unwrap();
        assert_eq!(long.hops[0].duration_seconds, Some(43200), "the profile's duration_seconds ranks first");
        let hop3 = plan_of("hop3", &opts).unwrap();
        assert_eq!(hop3.hops[0].session_name, "role", "only the target role takes the setting");
        let no_default =
            config("[profile p]\nrole_arn = arn:aws:iam::1:role/p\ncredential_source = Environment\n", "");
        assert_eq!(plan(&no_default, "p", &opts).unwrap().region.as_deref(), Some("settings-region"));
        let flagged = Options { session_name: Some("flag".into()), ..opts };
        assert_eq!(plan_of("role", &flagged).unwrap().hops[0].session_name, "flag");
    }
}
