//! Property tests of reading and planning on generated AWS files: every pair plans or fails in one
//! line, and the targeted read (whole or through a map) equals the whole read.

use super::Options;
use super::plan;
use crate::config::Config;

/// Files that read: distinct sections, distinct keys, whose names and references (`source_profile`,
/// `sso_session`, `services`) meet, so a chain reaches across them in either file.
fn well_formed_file(config: bool) -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    const NAMES: &[&str] = &["a", "b", "c", "d", "default", "\"q a\"", "s"];
    const SETTINGS: &[&str] = &[
        "source_profile = a",
        "source_profile = b",
        "source_profile = c",
        "source_profile = default",
        "role_arn = arn:aws:iam::123456789012:role/r",
        "aws_access_key_id = AKIA1",
        "aws_secret_access_key = SECRETVALUE",
        "region = eu-west-1",
        "Region = us-east-2",
        "sso_session = s",
        "sso_start_url = https://x.awsapps.com/start",
        "sso_region = eu-west-1",
        "sso_account_id = 1",
        "sso_role_name = R",
        "services = s",
        "sts =\n  endpoint_url = http://x",
        "credential_source = Environment",
        "mfa_serial = arn:aws:iam::1:mfa/m",
    ];
    let section = (proptest::sample::select(NAMES), proptest::sample::subsequence(SETTINGS, 0..5), 0..4u8)
        .prop_map(move |(name, settings, kind)| {
            let header = match (config, kind) {
                (false, _) => name.trim_matches('"').to_string(),
                (true, 0) if name == "default" => "default".to_string(),
                (true, 1) => format!("sso-session {name}"),
                (true, 2) => format!("services {name}"),
                (true, _) => format!("profile {name}"),
            };
            let keys: Vec<&str> =
                settings.iter().map(|s| s.split(['=', ' ']).next().unwrap_or_default()).collect();
            let distinct =
                keys.iter().enumerate().all(|(i, k)| !keys[..i].iter().any(|o| o.eq_ignore_ascii_case(k)));
            let body = if distinct { settings.join("\n") } else { String::new() };
            let text = format!("[{header}]\n{body}\n");
            (header, text)
        });
    proptest::collection::vec(section, 0..8).prop_map(|sections| {
        let mut seen = Vec::new();
        let mut text = String::new();
        for (header, section) in sections {
            if !seen.contains(&header) {
                seen.push(header);
                text.push_str(&section);
            }
        }
        text
    })
}

/// Generated config files: mostly well-formed, so the planner sees thousands of profiles; the
/// rest hostile. Secrets carry a marker no message may show.
fn generated_file() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    const NAMES: &[&str] = &["a", "b", "c", "d", "default", "x y", "ü", ""];
    const KEYS: &[&str] = &[
        "role_arn",
        "source_profile",
        "credential_source",
        "mfa_serial",
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "region",
        "duration_seconds",
        "external_id",
        "credential_process",
        "web_identity_token_file",
        "sso_account_id",
        "sso_role_name",
        "sso_session",
        "sso_start_url",
        "sso_region",
        "role_session_name",
        "endpoint_url",
        "services",
        "Region",
        "s3",
    ];
    const VALUES: &[&str] = &[
        "a",
        "b",
        "c",
        "default",
        "arn:aws:iam::1:role/r",
        "Environment",
        "Ec2InstanceMetadata",
        "EcsContainer",
        "Bogus",
        "AKIA1",
        "3600",
        "-1",
        "99999999999",
        "eu-west-1",
        "/bin/true",
        "",
        "x y",
    ];
    let name = proptest::sample::select(NAMES);
    let key = proptest::sample::select(KEYS);
    let value = proptest::sample::select(VALUES);
    let setting = (key.clone(), value.clone(), proptest::sample::select(&[" = ", "=", ": ", " =  "][..]))
        .prop_map(|(k, v, sep)| {
            let v = if k.contains("secret") || k.contains("token") { "SECRETVALUE" } else { v };
            format!("{k}{sep}{v}")
        });
    let line = prop_oneof![
        5 => name.clone().prop_map(|n| format!("[profile {n}]")),
        3 => name.clone().prop_map(|n| format!("[{n}]")),
        1 => proptest::sample::select(&["[sso-session s]", "[services s]", "[profile \"q a\"]",
            "[profile a b]", "[", "[]", "[profile]"][..]).prop_map(String::from),
        3 => proptest::sample::select(&["", " ", "# c", "; c", "  # indented"][..]).prop_map(String::from),
        1 => "(\\PC|\t|\u{1}|\u{7f}|\u{feff}|=|:|\\[|\\]|#|;|\"|'){0,40}",
        1 => (key.clone(), value).prop_map(|(k, v)| format!("  {k} = {v}")),
        1 => key.prop_map(String::from),
        24 => setting,
    ];
    (name, proptest::collection::vec(line, 0..16), any::<bool>()).prop_map(|(first, lines, crlf)| {
        let mut all = vec![format!("[profile {first}]")];
        all.extend(lines);
        all.join(if crlf { "\r\n" } else { "\n" })
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]
    /// The targeted read holds exactly what the whole read holds for every section it reaches,
    /// and the same plan (or the same error) comes of it, for any pair of files and any profile.
    #[test]
    fn the_targeted_read_equals_the_whole_read(
        (config_text, credentials_text) in proptest::prop_oneof![
            (generated_file(), generated_file()),
            (well_formed_file(true), well_formed_file(false)),
        ],
        pick in 0usize..64,
    ) {
        use crate::config::{Files, ini};
        let files = || Files { config: "/h/.aws/config".into(), credentials: "/h/.aws/credentials".into() };
        let whole = ini::parse(&config_text).and_then(|c| Ok((c, ini::parse(&credentials_text)?)));
        let whole = whole.map(|(c, k)| Config::from_sections(files(), c, k));
        let mut names: Vec<String> = whole.as_ref().map(|c| c.profiles.keys().cloned().collect()).unwrap_or_default();
        names.push("absent".into());
        let target = names[pick % names.len()].clone();
        for mapped in [false, true] {
            let targeted = Config::reaching_texts(files(), &config_text, &credentials_text, &target, mapped);
            match (&whole, targeted) {
                (Ok(whole), Ok(targeted)) => {
                    for (name, profile) in &targeted.profiles {
                        proptest::prop_assert_eq!(Some(profile), whole.profiles.get(name));
                    }
                    for (name, session) in &targeted.sso_sessions {
                        proptest::prop_assert_eq!(Some(session), whole.sso_sessions.get(name));
                    }
                    for (name, services) in &targeted.services {
                        proptest::prop_assert_eq!(Some(services), whole.services.get(name));
                    }
                    let opts = crate::plan::Options::default();
                    let planned = |c: &Config| match crate::plan::plan(c, &target, &opts) {
                        Ok(plan) => format!("{plan:?}"),
                        Err(e) => format!("{e:#}"),
                    };
                    proptest::prop_assert_eq!(planned(whole), planned(&targeted));
                }
                (Err(_), Err(_)) => {}
                (whole, targeted) => proptest::prop_assert!(false, "{:?} / {:?}", whole.is_ok(), targeted.is_ok()),
            }
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3_000))]
    /// Any pair of files: reading fails with one line naming a line, or every profile plans or
    /// fails with one line that shows no secret. Never a panic.
    #[test]
    fn generated_files_plan_or_fail_in_one_line(config_text in generated_file(), credentials_text in generated_file()) {
        use crate::config::{Files, ini};
        let files = Files { config: "/h/.aws/config".into(), credentials: "/h/.aws/credentials".into() };
        match (ini::parse(&config_text), ini::parse(&credentials_text)) {
            (Ok(config), Ok(credentials)) => {
                let config = Config::from_sections(files, config, credentials);
                for name in config.profiles.keys() {
                    if let Err(e) = plan(&config, name, &Options::default()) {
                        // As printed: values may span continuation lines, the message may not.
                        let text = crate::messages::one_line(&e);
                        proptest::prop_assert!(!text.contains('\n') && !text.contains("SECRETVALUE"), "{}", text);
                    }
                }
            }
            (Err(e), _) | (_, Err(e)) => {
                proptest::prop_assert!(e.line >= 1 && !e.to_string().contains('\n'), "{}", e);
            }
        }
    }
}
