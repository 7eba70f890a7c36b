//! awsume's own command line beyond `awsume PROFILE`: ad hoc roles, session options, output
//! profiles and `--clean`, `--who`, `--info`, `-l more`, the settings file and fuzzy matching, and
//! every text-printing flag through the real shell functions.

use std::collections::BTreeMap;

use crate::testenv::{ALICE_WITH_MFA, SHELLS, Sh, TestEnv, managed, run, static_keys};

const ADHOC: &str = "arn:aws:iam::111111111111:role/adhoc";

fn env_with_alice() -> TestEnv {
    let env = TestEnv::new();
    env.config(&format!(
        "{ALICE_WITH_MFA}\
         [profile plain]\nregion = us-west-2\n\
         [profile staging]\nrole_arn = arn:aws:iam::222222222222:role/staging\nsource_profile = plain\n"
    ));
    env.credentials(&format!(
        "{}{}",
        static_keys("alice", "AKIAALICE", "alice-secret"),
        static_keys("plain", "AKIAPLAIN", "plain-secret")
    ));
    env
}

/// The statements `-s` prints for bash, as name → value.
fn shown(out: &crate::testenv::Output) -> BTreeMap<String, String> {
    assert_eq!(out.status, 0, "{}", out.stderr);
    out.stdout
        .lines()
        .filter_map(|l| l.strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .map(|(n, v)| (n.to_string(), v.trim_matches('\'').to_string()))
        .collect()
}

#[test]
fn role_arn_short_form_on_a_source_profile_shares_its_mfa_session() {
    let env = env_with_alice();
    let first = env.run_stdin(
        &["-s", "--shell", "bash", "--role-arn", "111111111111:adhoc", "--source-profile", "alice"],
        "123456\n",
    );
    let vars = shown(&first);
    assert_eq!(vars["AWSUME_PROFILE"], ADHOC, "named after the role, as awsume names it");
    assert_eq!(vars["AWS_REGION"], "eu-west-1", "the source profile's region");
    assert_eq!(env.actions(), ["GetSessionToken", "AssumeRole"]);
    let calls = env.calls();
    assert_eq!(calls[1]["params"]["RoleArn"], ADHOC);
    assert_eq!(calls[1]["params"]["RoleSessionName"], "awsume-cli-role");
    // The profile `admin` on the same user: the cached MFA session serves it, no prompt.
    let admin = env.run(&["-s", "--shell", "bash", "admin"]);
    assert_eq!(admin.status, 0, "{}", admin.stderr);
    let gov = env.run(&[
        "-s",
        "--role-arn",
        "aws-us-gov:111111111111:ops",
        "--source-profile",
        "alice",
        "--session-name",
        "me",
        "--external-id",
        "x-1",
        "--role-duration",
        "900",
    ]);
    assert_eq!(gov.status, 0, "{}", gov.stderr);
    assert_eq!(env.actions(), ["GetSessionToken", "AssumeRole", "AssumeRole", "AssumeRole"]);
    let last = &env.calls()[3]["params"];
    assert_eq!(last["RoleArn"], "arn:aws-us-gov:iam::111111111111:role/ops");
    assert_eq!(
        (&last["RoleSessionName"], &last["ExternalId"], &last["DurationSeconds"]),
        (&"me".into(), &"x-1".into(), &"900".into())
    );
}

#[test]
fn role_arn_without_a_source_uses_the_shells_credentials() {
    let env = env_with_alice();
    let mut cmd = env.awsume(&["-s", "--shell", "bash", "--role-arn", ADHOC, "--region", "eu-north-1"]);
    cmd.env("AWS_ACCESS_KEY_ID", "AKIASHELL").env("AWS_SECRET_ACCESS_KEY", "shell-secret");
    let vars = shown(&run(cmd, None));
    assert_eq!(vars["AWS_REGION"], "eu-north-1");
    assert!(vars["AWS_ACCESS_KEY_ID"].starts_with("ASIA"));
    assert_eq!(env.calls()[0]["key"], "AKIASHELL", "signed with the shell's keys");
    env.run(&["-s", "--role-arn", ADHOC])
        .assert_clean_failure("this shell has no credentials to assume it with");
    for (bad, needle) in [
        ("1234:adhoc", "the account id is 12 digits"),
        ("moon:111111111111:adhoc", "is not an AWS partition"),
        ("arn:aws:iam::111111111111:user/bob", "not a role ARN"),
    ] {
        env.run(&["-s", "--role-arn", bad, "--source-profile", "plain"]).assert_usage_error(needle);
    }
    let unknown = env.run(&["-s", "--role-arn", ADHOC, "--source-profile", "nobody"]);
    unknown.assert_clean_failure("profile \"nobody\" not found");
    let both = env.run(&["-s", "plain", "--role-arn", ADHOC]);
    assert_eq!(both.status, 2, "a profile and --role-arn together is a usage error: {}", both.stderr);
    assert_eq!(env.calls().len(), 1);
}

#[test]
fn session_tags_policies_and_source_identity_reach_assume_role() {
    let env = env_with_alice();
    let policy =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    let file = env.write("policy.json", policy);
    let out = env.run(&[
        "-s",
        "staging",
        "--tags",
        "team=core,cost=",
        "--session-policy",
        &format!("file://{}", file.display()),
        "--session-policy-arns",
        "arn:aws:iam::aws:policy/ReadOnlyAccess,arn:aws:iam::aws:policy/Billing",
        "--source-identity",
        "alice",
    ]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let params = &env.calls()[0]["params"];
    assert_eq!(
        (&params["Tags.member.1.Key"], &params["Tags.member.1.Value"]),
        (&"team".into(), &"core".into())
    );
    assert_eq!((&params["Tags.member.2.Key"], &params["Tags.member.2.Value"]), (&"cost".into(), &"".into()));
    assert_eq!(params["Policy"], policy);
    assert_eq!(params["PolicyArns.member.2.arn"], "arn:aws:iam::aws:policy/Billing");
    assert_eq!(params["SourceIdentity"], "alice");
    env.run(&["-s", "plain", "--tags", "a=b"]).assert_clean_failure("assumes no role");
    env.run(&["-s", "staging", "--tags", "novalue"]).assert_usage_error("each tag is Key=Value");
    assert_eq!(env.calls().len(), 1);
}

#[test]
fn output_profile_writes_an_awsume_section_and_refuses_the_users() {
    let env = env_with_alice();
    let creds = env.path(".aws/credentials");
    let before = std::fs::read_to_string(&creds).unwrap();
    let user = format!(
        "{before}\n# my own session, hands off\n[handmade]\naws_access_key_id = ASIAHAND\naws_session_token = t\n"
    );
    std::fs::write(&creds, &user).unwrap();
    let out = env.run(&["-s", "staging", "-o", "staging-out"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(&creds).unwrap();
    assert!(written.starts_with(&user), "every byte before the new section is kept");
    let section = &written[user.len()..];
    assert!(section.starts_with("\n[staging-out]\naws_access_key_id = ASIA"), "{section}");
    for key in [
        "aws_session_token = ",
        "expiration = ",
        "aws_credential_expiration = ",
        "region = us-west-2",
        "manager = awsume",
    ] {
        assert!(section.contains(key), "{key} in {section}");
    }
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&creds).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "secrets went in: nobody else may read it (it was 0644)");
    // Again: the same section is replaced in place.
    env.run(&["-s", "staging", "-o", "staging-out"]).ok();
    assert_eq!(std::fs::read_to_string(&creds).unwrap().matches("[staging-out]").count(), 1);
    let now = std::fs::read_to_string(&creds).unwrap();
    env.run(&["-s", "staging", "-o", "handmade"])
        .assert_clean_failure("profile \"handmade\" in ~/.aws/credentials is not awsume-managed");
    env.run(&["-s", "staging", "-o", "admin"])
        .assert_clean_failure("profile \"admin\" in ~/.aws/config is not awsume-managed");
    // In both files: the section -o would overwrite is the credentials file's.
    env.run(&["-s", "staging", "-o", "alice"])
        .assert_clean_failure("profile \"alice\" in ~/.aws/credentials is not awsume-managed");
    assert_eq!(std::fs::read_to_string(&creds).unwrap(), now, "refusals change nothing");
    // The second run reused the cached role session; a refused -o is found before any STS call.
    assert_eq!(env.actions(), ["AssumeRole"], "one role session for all of it");
}

#[test]
fn clean_removes_only_expired_awsume_sections() {
    let env = TestEnv::new();
    let kept = "# top\n[user]\naws_access_key_id = AKIAUSER\naws_secret_access_key = s\nexpiration = 2001-01-01 00:00:00\n\n\
                ; a comment that stays\n[fresh]\naws_access_key_id = ASIAF\naws_credential_expiration = 2999-01-01T00:00:00Z\nmanager = awsume\n";
    let text = format!(
        "{kept}\n[old-one]\naws_access_key_id = ASIAOLD\nexpiration = 2001-01-01 00:00:00\nmanager = awsume\n"
    );
    let middle = text.replace(
        "; a comment",
        "[old-two]\naws_credential_expiration = 2001-01-01T00:00:00Z\nmanager = awsume\n\n; a comment",
    );
    env.credentials(&middle);
    let out = env.run(&["--clean"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("removed 2 expired awsume-managed profile(s) from ~/.aws/credentials"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(env.path(".aws/credentials")).unwrap(), kept);
    env.run(&["--clean"]).ok();
    assert_eq!(
        std::fs::read_to_string(env.path(".aws/credentials")).unwrap(),
        kept,
        "nothing more to remove"
    );
}

#[test]
fn who_names_the_profile_and_the_identity_of_the_shell() {
    let env = env_with_alice();
    let vars = shown(&env.run(&["-s", "--shell", "bash", "staging"]));
    let mut cmd = env.awsume(&["--who"]);
    cmd.envs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Profile:  staging\n"), "{}", out.stdout);
    assert!(out.stdout.contains("ARN:      arn:aws:sts::"), "{}", out.stdout);
    assert!(out.stdout.contains(&format!("Key:      {}\n", vars["AWS_ACCESS_KEY_ID"])), "{}", out.stdout);
    assert!(
        !out.stdout.contains(&vars["AWS_SECRET_ACCESS_KEY"])
            && !out.stdout.contains(&vars["AWS_SESSION_TOKEN"])
    );
    assert_eq!(env.actions(), ["AssumeRole", "GetCallerIdentity"]);
    env.run(&["--whoami"]).assert_clean_failure("no credentials in this shell");
}

#[test]
fn access_denied_names_the_role_and_who_tried() {
    let env = env_with_alice();
    env.config(
        "[profile denied]\nrole_arn = arn:aws:iam::111111111111:role/denied\nsource_profile = plain\n",
    );
    let out = env.run(&["-s", "denied"]);
    out.assert_clean_failure(
        "profile \"denied\": AssumeRole arn:aws:iam::111111111111:role/denied: AccessDenied: ",
    );
    assert!(
        out.stderr.trim_end().ends_with("(tried as arn:aws:sts::123456789012:user/moto)"),
        "{}",
        out.stderr
    );
}

#[test]
fn info_says_each_step_without_a_secret() {
    let env = env_with_alice();
    let out = env.run_stdin(&["-s", "admin", "--info"], "314159\n");
    assert_eq!(out.status, 0, "{}", out.stderr);
    for step in [
        "awsume: info: profile \"admin\"",
        "awsume: info: GetSessionToken for",
        "awsume: info: AssumeRole arn:aws:iam::111111111111:role/admin as admin",
    ] {
        assert!(out.stderr.contains(step), "{step} in {}", out.stderr);
    }
    assert!(!out.stderr.contains("alice-secret") && !out.stderr.contains("314159"), "{}", out.stderr);
    assert!(!out.stderr.contains("debug:"), "--info is not --debug");
}

#[test]
fn list_more_shows_accounts_and_cached_session_expiry_without_network() {
    let env = env_with_alice();
    let before = env.run(&["-l", "more"]);
    assert_eq!(before.status, 0, "{}", before.stderr);
    let alice = |out: &str| out.lines().find(|l| l.starts_with("alice ")).unwrap().to_string();
    assert!(before.stdout.starts_with("PROFILE"), "{}", before.stdout);
    assert!(before.stdout.contains("ACCOUNT") && before.stdout.contains("SESSION EXPIRES"));
    assert!(alice(&before.stdout).contains("123456789012"), "{}", before.stdout);
    assert!(alice(&before.stdout).ends_with(" -"), "no session yet: {}", before.stdout);
    env.run_stdin(&["export", "--profile", "alice"], "123456\n").ok();
    let after = env.run(&["-l", "more"]);
    let year = chrono_year();
    assert!(
        alice(&after.stdout).contains(&format!(" {year}-"))
            || alice(&after.stdout).contains(&format!(" {}-", year + 1)),
        "{}",
        after.stdout
    );
    assert_eq!(env.actions(), ["GetSessionToken"], "-l makes no call");
    assert!(env.run(&["-l", "less"]).status == 2);
}

#[test]
fn list_shows_what_an_invalid_profile_says() {
    let env = TestEnv::new();
    env.config(
        "[default]\nregion = us-east-1\n\
         [profile loop1]\nrole_arn = arn:aws:iam::111111111111:role/one\nsource_profile = loop2\nmfa_serial = arn:aws:iam::111111111111:mfa/me\n\
         [profile loop2]\nrole_arn = arn:aws:iam::111111111111:role/two\nsource_profile = loop1\n",
    );
    let out = env.run(&["-l"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let row = |name: &str| {
        let line = out.stdout.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap();
        line.split_whitespace().map(String::from).collect::<Vec<_>>()
    };
    // A config-only [default] (a region) is not broken: it lacks credentials, and says so.
    assert_eq!(row("default"), ["default", "no", "credentials", "-", "-", "-", "us-east-1", "-"]);
    assert_eq!(
        row("loop1"),
        [
            "loop1",
            "invalid",
            "111111111111",
            "loop2",
            "arn:aws:iam::111111111111:mfa/me",
            "-",
            "arn:aws:iam::111111111111:role/one",
        ]
    );
}

fn chrono_year() -> i32 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    1970 + i32::try_from(secs / 31_556_952).unwrap()
}

#[test]
fn settings_file_config_command_and_fuzzy_match() {
    let env = env_with_alice();
    let set = |args: &[&str]| {
        let out = env.run(&[&["--config"][..], args].concat());
        assert_eq!(out.status, 0, "{args:?}: {}", out.stderr);
        out.stdout
    };
    env.write(".awsume/config.yaml", "# mine\ncolors: true\nplugin:\n  region: nested\n");
    set(&["set", "fuzzy-match", "true"]);
    set(&["set", "role-session-name", "from-settings"]);
    set(&["set", "role-duration", "1800"]);
    assert_eq!(set(&["get", "role-duration"]), "1800\n");
    assert_eq!(set(&["get", "fuzzy-match"]), "true\n");
    assert_eq!(set(&["get", "nothing"]), "null\n");
    let file = std::fs::read_to_string(env.path(".awsume/config.yaml")).unwrap();
    assert_eq!(
        file,
        "# mine\ncolors: true\nplugin:\n  region: nested\nfuzzy-match: true\nrole-session-name: 'from-settings'\nrole-duration: 1800\n"
    );
    assert_eq!(set(&["list"]), file);
    let out = env.run(&["-s", "stagin"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("using profile \"staging\" (fuzzy-match)"), "{}", out.stderr);
    let params = &env.calls()[0]["params"];
    assert_eq!(
        (&params["RoleSessionName"], &params["DurationSeconds"]),
        (&"from-settings".into(), &"1800".into())
    );
    set(&["reset", "fuzzy-match"]);
    set(&["clear", "role-duration"]);
    assert_eq!(set(&["get", "fuzzy-match"]), "false\n");
    env.run(&["-s", "stagin"]).assert_clean_failure("did you mean: staging?");
    env.run(&["--config", "set", "role-duration", "forever"])
        .assert_clean_failure("role-duration \"forever\"");
    env.run(&["--config", "reset", "region"]).assert_clean_failure("region has no default");
    env.run(&["--config", "frobnicate"]).assert_clean_failure("--config takes");
    // XDG_CONFIG_HOME moves the file, as it does for Python awsume.
    let mut cmd = env.awsume(&["--config", "set", "region", "ap-south-1"]);
    cmd.env("XDG_CONFIG_HOME", env.path("xdg"));
    run(cmd, None).ok();
    assert!(
        std::fs::read_to_string(env.path("xdg/awsume/config.yaml")).unwrap().contains("region: 'ap-south-1'")
    );
}

#[test]
fn text_flags_through_the_shell_function_are_printed_not_run() {
    let env = env_with_alice();
    for shell in SHELLS {
        for (args, needle) in
            [("-v", "awsume "), ("--help", "Usage:"), ("-l", "PROFILE"), ("--config get colors", "null")]
        {
            let call = match shell {
                Sh::Nu => format!("awsume {args}"),
                _ => format!("awsume {args}\n{}", shell.dump("env.dump")),
            };
            let out = shell.run(&env, &call, &[("AWS_REGION", "keep-me")]);
            assert_eq!(out.status, 0, "{shell:?} {args}: {}", out.stderr);
            assert!(out.stdout.contains(needle), "{shell:?} {args}: {:?}", out.stdout);
            assert!(
                !out.stderr.contains("command not found") && !out.stderr.contains("Unknown command"),
                "{shell:?} {args}: {}",
                out.stderr
            );
            if !matches!(shell, Sh::Nu) {
                assert_eq!(
                    managed(&env, "env.dump"),
                    BTreeMap::from([("AWS_REGION".into(), "keep-me".into())]),
                    "{shell:?} {args}"
                );
            }
        }
    }
}

#[test]
fn refresh_hook_stops_with_one_line_when_a_person_is_needed() {
    let env = env_with_alice();
    let mut cmd = env.awsume(&["--emit", "bash", "--refresh-hook"]);
    cmd.env("AWSUME_AUTO_REFRESH", "admin").env("AWSUME_REFRESH_AT", "0");
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "\\builtin unset AWSUME_AUTO_REFRESH AWSUME_REFRESH_AT\n", "credentials stay");
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("auto-refresh of \"admin\" stopped: ")
            && out.stderr.contains("the MFA session has ended and a new one needs a code"),
        "{}",
        out.stderr
    );
    assert!(env.calls().is_empty(), "never asks, never calls");
    let static_auto = env.run(&["-s", "--shell", "bash", "plain", "-a"]);
    static_auto.ok();
    assert!(static_auto.stderr.contains("long-term keys: nothing to refresh"), "{}", static_auto.stderr);
    assert!(
        static_auto.stdout.contains("unset ") && !static_auto.stdout.contains("export AWSUME_AUTO_REFRESH")
    );
    let killed = env.run(&["-k", "-s", "--shell", "fish"]);
    assert_eq!(killed.stdout, "set -e -g AWSUME_AUTO_REFRESH\nset -e -g AWSUME_REFRESH_AT\n");
}

#[test]
fn refresh_hook_renews_from_the_mfa_cache_and_keeps_the_shells_region() {
    let env = env_with_alice();
    env.run(&["export", "--profile", "alice", "--mfa-token", "123456"]).ok();
    let mut cmd = env.awsume(&["--emit", "bash", "--refresh-hook"]);
    cmd.env("AWSUME_AUTO_REFRESH", "admin").env("AWSUME_PROFILE", "admin").env("AWS_REGION", "ap-east-9");
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    for line in [
        "export AWS_REGION='ap-east-9'",
        "export AWSUME_AUTO_REFRESH='admin'",
        "export AWS_ACCESS_KEY_ID='ASIA",
    ] {
        assert!(out.stdout.contains(line), "{line} in {}", out.stdout);
    }
    let at: i64 =
        out.stdout.split("AWSUME_REFRESH_AT='").nth(1).unwrap().split('\'').next().unwrap().parse().unwrap();
    let now =
        i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs())
            .unwrap();
    assert!((now + 3600 - 600 - at).abs() < 30, "renews 600 s before the hour ends: {at} vs {now}");
    assert_eq!(env.actions(), ["GetSessionToken", "AssumeRole"]);
}

#[test]
fn auto_refresh_renews_with_the_flags_it_was_given() {
    let env = env_with_alice();
    let first = env.run(&[
        "-s",
        "--shell",
        "bash",
        "staging",
        "-a",
        "--session-name",
        "audit-me",
        "--role-duration",
        "1800",
        "-t",
        "team=core",
    ]);
    let replay = "staging '--session-name=audit-me' '--role-duration=1800' '--tags=team=core'";
    assert_eq!(first.status, 0, "{}", first.stderr);
    let quoted = format!("export AWSUME_AUTO_REFRESH='{}'\n", replay.replace('\'', "'\\''"));
    assert!(first.stdout.contains(&quoted), "{quoted} in {}", first.stdout);
    let mut hook = env.awsume(&["--emit", "bash", "--refresh-hook"]);
    hook.env("AWSUME_AUTO_REFRESH", replay).env("AWSUME_PROFILE", "staging");
    let renewed = run(hook, None);
    assert_eq!((renewed.status, renewed.stderr.as_str()), (0, ""));
    assert!(renewed.stdout.contains("export AWS_ACCESS_KEY_ID='ASIA"), "{}", renewed.stdout);
    let calls = env.calls();
    assert_eq!(calls.len(), 2);
    for call in &calls {
        let params = &call["params"];
        assert_eq!(
            (&params["RoleSessionName"], &params["DurationSeconds"], &params["Tags.member.1.Key"]),
            (&"audit-me".into(), &"1800".into(), &"team".into()),
            "the renewal is the same session: {call}"
        );
    }
    // A line the hook cannot read stops auto-refresh with one line, and changes no credentials.
    let mut broken = env.awsume(&["--emit", "bash", "--refresh-hook"]);
    broken.env("AWSUME_AUTO_REFRESH", "staging '--session-name");
    let stopped = run(broken, None);
    assert_eq!(stopped.stdout, "\\builtin unset AWSUME_AUTO_REFRESH AWSUME_REFRESH_AT\n");
    assert!(stopped.stderr.contains("is not an awsume command line"), "{}", stopped.stderr);
    // -a -o writes a credential_process that could not repeat them: refused before any call.
    env.run(&["-s", "staging", "-a", "-o", "live", "--session-name", "x"])
        .assert_clean_failure("cannot repeat --session-name");
    assert_eq!(env.calls().len(), 2);
}

#[test]
fn auto_refresh_with_output_profile_writes_a_credential_process_for_long_running_programs() {
    let env = env_with_alice();
    let out = env.run_stdin(&["-s", "--shell", "bash", "admin", "-a", "-o", "admin-live"], "123456\n");
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.contains("export AWSUME_AUTO_REFRESH='admin'"), "{}", out.stdout);
    let written = std::fs::read_to_string(env.path(".aws/credentials")).unwrap();
    let bin = crate::testenv::BIN;
    assert!(
        written.ends_with(&format!(
            "\n[admin-live]\ncredential_process = '{bin}' export --profile 'admin'\nregion = eu-west-1\nmanager = awsume\n"
        )),
        "{written}"
    );
    assert!(!written.contains("ASIA"), "no credentials in the file, only the way to get them");
    // boto3 runs it, as any SDK would, and gets fresh role credentials from the cached MFA session.
    let python = crate::testenv::python();
    let mut boto = env.command(&python);
    boto.args(["-c", "import boto3; c = boto3.Session(profile_name='admin-live').get_credentials(); print(c.access_key[:4], bool(c.token))"]);
    let read = run(boto, None);
    assert_eq!(read.stdout.trim(), "ASIA True", "{}", read.stderr);
    assert_eq!(
        env.actions(),
        ["GetSessionToken", "AssumeRole"],
        "one prompt and one role session serve both"
    );
    env.run(&["--clean"]).ok();
    assert!(
        std::fs::read_to_string(env.path(".aws/credentials")).unwrap().contains("[admin-live]"),
        "never expires"
    );
}

/// The help says what the flags do now: `-s` prints and (through the function) applies, the
/// profile's defaults include awsume's own, export without a profile follows botocore's chain.
#[test]
fn help_tells_the_truth() {
    let env = TestEnv::new();
    let help = env.run(&["--help"]).stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for said in [
        "$AWS_DEFAULT_PROFILE, $AWSUME_DEFAULT_PROFILE, the default-profile setting, then \"default\"",
        "Print the commands that set the variables (the shell function applies them too)",
    ] {
        assert!(help.contains(said), "awsume --help lacks {said:?}: {help}");
    }
    assert!(!help.contains("instead of setting them"), "{help}");
    let export = env.run(&["export", "--help"]).stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(export.contains("with neither, botocore's default chain"), "{export}");
}

/// The README's examples use only flags `--help` lists for the command they run (the console
/// plugin's spellings among them), and its rc lines are the ones `--help` and `init --help` give.
#[test]
fn the_readme_and_help_agree() {
    let env = TestEnv::new();
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut examples = 0;
    let mut in_code = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let Some(rest) = line.strip_prefix("awsume ").filter(|_| in_code) else { continue };
        // After `--` the words are another command's (`awsume process -- CMD …`).
        let words: Vec<&str> =
            rest.split('#').next().unwrap().split_whitespace().take_while(|w| *w != "--").collect();
        // The (sub)command the example runs: `awsume keys import …` asks `keys import --help`.
        let mut command: Vec<&str> = Vec::new();
        for word in &words {
            match (command.as_slice(), *word) {
                ([], "export" | "init" | "sso" | "keys" | "process" | "eks") => command.push(word),
                (["sso"], "populate")
                | (["eks"], "token" | "kubeconfig")
                | (["keys"], "add" | "import" | "list" | "remove" | "rotate" | "export-plaintext") => {
                    command.push(word)
                }
                _ => break,
            }
        }
        let help = env.run(&[&command[..], &["--help"]].concat()).ok().stdout.clone();
        for flag in words.iter().filter(|w| w.starts_with('-') && **w != "-" && **w != "--") {
            let flag = flag.split('=').next().unwrap();
            let listed = help.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).any(|w| w == flag);
            assert!(
                listed,
                "README: `awsume {rest}`: {flag} is not in `awsume {} --help`",
                command.join(" ")
            );
        }
        examples += 1;
    }
    assert!(examples > 20, "the README's examples were read ({examples})");
    let help = env.run(&["--help"]).stdout;
    assert!(help.contains("eval \"$(command awsume init bash)\""), "{help}");
    let init = env.run(&["init", "--help"]).stdout;
    for rc in [
        "eval \"$(command awsume init bash)\"",
        "eval \"$(command awsume init zsh)\"",
        "command awsume init fish | source",
    ] {
        assert!(readme.contains(&rc.replace('|', "\\|")) && init.contains(rc), "{rc}");
    }
}
