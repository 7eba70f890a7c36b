//! `awsume export` (aws-export-credentials' interface): output modes and `--exec`.

use crate::testenv::{TestEnv, mode, start_server, static_keys};

fn role_env() -> TestEnv {
    let env = TestEnv::new();
    env.config("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\nregion = eu-west-2\n");
    env.credentials(&static_keys("base", "AKIABASE", "base/secret"));
    env
}

#[test]
fn default_output_is_pretty_json_and_profile_comes_from_the_environment() {
    let env = role_env();
    let mut cmd = env.awsume(&["export"]);
    cmd.env("AWS_PROFILE", "r");
    let out = crate::testenv::run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIA"), "{}", out.stdout);
    assert_eq!(out.json()["Version"], 1);
}

#[test]
fn env_and_env_export_lines_are_safe_to_eval() {
    let env = role_env();
    let out = env.run(&["export", "--profile", "r", "--env-export"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let names: Vec<&str> = out.stdout.lines().map(|l| l.split('=').next().unwrap()).collect();
    assert_eq!(
        names,
        [
            "export AWS_ACCESS_KEY_ID",
            "export AWS_SECRET_ACCESS_KEY",
            "export AWS_SESSION_TOKEN",
            "export AWS_CREDENTIAL_EXPIRATION",
            "export AWS_REGION",
            "export AWS_DEFAULT_REGION"
        ]
    );
    let plain = env.run(&["export", "--profile", "base", "--env"]);
    assert_eq!(plain.stdout, "AWS_ACCESS_KEY_ID=AKIABASE\nAWS_SECRET_ACCESS_KEY=base/secret\n");
    let script = format!("{}\nprintf '%s' \"$AWS_SECRET_ACCESS_KEY\"", plain.stdout);
    let mut sh = env.command("sh");
    sh.args(["-c", &script]);
    assert_eq!(crate::testenv::run(sh, None).stdout, "base/secret");
}

#[test]
fn modes_are_mutually_exclusive() {
    let env = role_env();
    let out = env.run(&["export", "--json", "--env"]);
    assert_eq!(out.status, 2);
    assert!(out.stdout.is_empty());
}

#[test]
fn exec_passes_argv_environment_and_exit_status() {
    let env = role_env();
    for code in [0, 1, 7, 255] {
        let out = env.run(&["export", "--profile", "base", "--exec", "sh", "-c", &format!("exit {code}")]);
        assert_eq!(out.status, code, "{}", out.stderr);
    }
    let mut cmd = env.awsume(&[
        "export",
        "--profile",
        "r",
        "--exec",
        "sh",
        "-c",
        "printf '%s|' \"$1\" \"$2\" \"${AWS_PROFILE-none}\" \"$AWS_REGION\" \"${AWS_SESSION_TOKEN:+token}\"",
        "sh",
        "a b'c",
        "$X --profile",
    ]);
    cmd.env("AWS_PROFILE", "r");
    let out = crate::testenv::run(cmd, None);
    assert_eq!(out.stdout, "a b'c|$X --profile|none|eu-west-2|token|", "{}", out.stderr);
    let missing = env.run(&["export", "--profile", "base", "--exec", "no-such-command-awsume"]);
    assert_eq!(missing.status, 127);
    assert!(missing.stderr.contains("cannot run \"no-such-command-awsume\""), "{}", missing.stderr);
}

#[test]
fn invoked_as_aws_export_credentials_it_is_export() {
    let env = role_env();
    let link = env.path("aws-export-credentials");
    std::os::unix::fs::symlink(crate::testenv::BIN, &link).unwrap();
    let mut cmd = env.command(link.to_str().unwrap());
    cmd.args(["--profile", "base", "--json"]);
    let out = crate::testenv::run(cmd, None);
    assert_eq!(
        out.stdout, "{\"Version\":1,\"AccessKeyId\":\"AKIABASE\",\"SecretAccessKey\":\"base/secret\"}\n",
        "{}",
        out.stderr
    );
}

#[test]
fn credentials_file_profile_rewrites_one_section_and_keeps_every_other_byte() {
    let env = role_env();
    let original = "# my keys, do not lose\n[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base/secret\n\n\
                    [exported]\naws_access_key_id = OLD\naws_session_token = OLD\n\n; keep me\n[other]\nregion: \"quoted\" \n";
    env.credentials(original);
    std::fs::set_permissions(
        env.path(".aws/credentials"),
        std::os::unix::fs::PermissionsExt::from_mode(0o640),
    )
    .unwrap();
    let out = env.run(&["export", "--profile", "r", "-c", "exported"]);
    assert_eq!((out.status, out.stdout.as_str()), (0, ""), "{}", out.stderr);
    let written = std::fs::read_to_string(env.path(".aws/credentials")).unwrap();
    let (before, rest) = written.split_at(written.find("[exported]").unwrap());
    assert_eq!(before, &original[..original.find("[exported]").unwrap()]);
    assert!(rest.ends_with("\n\n; keep me\n[other]\nregion: \"quoted\" \n"), "{rest}");
    for key in [
        "aws_access_key_id = ASIA",
        "aws_session_token = ",
        "aws_credential_expiration = ",
        "expiration = ",
        "region = eu-west-2",
        "manager = awsume",
    ] {
        assert!(rest.contains(key), "{key}: {rest}");
    }
    assert_eq!(
        mode(&env.path(".aws/credentials")),
        0o600,
        "secrets went in: the group loses read (it was 0640)"
    );
    // The written profile works as a profile.
    let json = env.run(&["export", "--profile", "exported", "--json"]).json();
    assert!(json["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
}

#[test]
fn credentials_file_profile_refuses_user_keys_unless_forced_and_creates_0600() {
    let env = role_env();
    let refused = env.run(&["export", "--profile", "r", "-c", "base"]);
    refused.assert_clean_failure("section [base] holds long-term keys");
    assert!(std::fs::read_to_string(env.path(".aws/credentials")).unwrap().contains("AKIABASE"));
    let forced = env.run(&["export", "--profile", "r", "-c", "base", "--force"]);
    assert_eq!(forced.status, 0, "{}", forced.stderr);
    // A credentials file that does not exist yet, in a directory that does not either.
    let fresh = TestEnv::new();
    let mut cmd = fresh.awsume(&["export", "--profile", "r", "-c", "new"]);
    cmd.env("AWS_SHARED_CREDENTIALS_FILE", fresh.path("new-dir/credentials"));
    fresh.config("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n");
    let out = crate::testenv::run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(mode(&fresh.path("new-dir/credentials")), 0o600);
    assert_eq!(mode(&fresh.path("new-dir")), 0o700);
}

#[test]
fn cache_file_is_reused_for_the_same_identity_only() {
    let env = role_env();
    env.config("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n[profile r2]\nrole_arn = arn:aws:iam::1:role/r2\nsource_profile = base\n");
    let cache = env.path("cache/creds.json");
    let cache = cache.to_str().unwrap();
    let first = env.run(&["export", "--profile", "r", "--cache-file", cache, "--json"]);
    assert_eq!(first.status, 0, "{}", first.stderr);
    assert_eq!(mode(&env.path("cache/creds.json")), 0o600);
    let second = env.run(&["export", "--profile", "r", "--cache-file", cache, "--json"]);
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(env.actions().len(), 1, "a valid cache means no STS call");
    let exec = env.run(&[
        "export",
        "--profile",
        "r",
        "--cache-file",
        cache,
        "--exec",
        "sh",
        "-c",
        "printf %s \"$AWS_ACCESS_KEY_ID\"",
    ]);
    assert_eq!(exec.stdout, first.json()["AccessKeyId"].as_str().unwrap(), "{}", exec.stderr);
    let other = env.run(&["export", "--profile", "r2", "--cache-file", cache, "--json", "--debug"]);
    assert_ne!(other.json()["AccessKeyId"], first.json()["AccessKeyId"], "another profile is a miss");
    assert!(other.stderr.contains("holds credentials of profile \"r\""), "{}", other.stderr);
    let refreshed = env.run(&["export", "--profile", "r2", "--cache-file", cache, "--refresh"]);
    refreshed.ok();
    assert_eq!(env.actions().len(), 3);
    env.write("cache/creds.json", "{ torn");
    let corrupt = env.run(&["export", "--profile", "r2", "--cache-file", cache, "--debug"]);
    assert_eq!(corrupt.status, 0, "{}", corrupt.stderr);
    assert!(corrupt.stderr.contains("not an awsume export cache"), "{}", corrupt.stderr);
    assert!(std::fs::read_to_string(env.path("cache/creds.json")).unwrap().contains("\"Profile\": \"r2\""));
    let buffer = env.run(&[
        "export",
        "--profile",
        "r2",
        "--cache-file",
        cache,
        "--cache-expiration-buffer",
        "120",
        "--info",
    ]);
    buffer.ok();
    // A one-hour session is inside a two-hour buffer: resolved again (from the role session cache).
    assert!(buffer.stderr.contains("from ~/.aws/cli/cache/"), "{}", buffer.stderr);
    assert_eq!(env.actions().len(), 3, "the role session cache answered");
    let static_keys =
        env.run(&["export", "--profile", "base", "--cache-file", env.path("static.json").to_str().unwrap()]);
    static_keys.ok();
    assert!(!env.path("static.json").exists(), "long-term keys are never cached");
}

#[test]
fn ensure_temporary_exchanges_long_term_keys() {
    let env = role_env();
    let json = env.run(&["export", "--profile", "base", "--ensure-temporary", "--json"]).json();
    assert!(json["SessionToken"].is_string());
    assert_eq!(env.actions(), ["GetSessionToken"]);
    assert_eq!(env.calls()[0]["key"], "AKIABASE");
    assert!(env.calls()[0]["params"].get("SerialNumber").is_none());
}

#[test]
fn imds_server_feeds_the_sdks_instance_metadata_provider() {
    let env = role_env();
    env.config(
        "[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n\
         [profile on-imds]\nrole_arn = arn:aws:iam::2:role/from-imds\ncredential_source = Ec2InstanceMetadata\n",
    );
    let (mut server, address) = start_server(&env, &["export", "--profile", "r", "--imds", "0"], &[]);
    let served = env.calls()[0].clone();
    assert_eq!(served["action"], "AssumeRole");
    let mut cmd = env.awsume(&["export", "--profile", "on-imds"]);
    cmd.env_remove("AWS_EC2_METADATA_DISABLED")
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", format!("http://{address}/"));
    let out = crate::testenv::run(cmd, None);
    server.kill().unwrap();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let calls = env.calls();
    assert_eq!(calls.len(), 2, "the server resolved once; the client assumed once");
    assert!(calls[1]["key"].as_str().unwrap().starts_with("ASIA"), "signed with the served role credentials");
}

#[test]
fn container_server_checks_the_authorization_token() {
    let env = role_env();
    env.config(
        "[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n\
         [profile on-ecs]\nrole_arn = arn:aws:iam::2:role/from-ecs\ncredential_source = EcsContainer\n",
    );
    let token = [("AWS_CONTAINER_AUTHORIZATION_TOKEN", "let-me-in")];
    let (mut server, address) = start_server(&env, &["export", "--profile", "r", "--container", "0"], &token);
    let client = |token: &str| {
        let mut cmd = env.awsume(&["export", "--profile", "on-ecs"]);
        cmd.env("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("http://{address}/creds"))
            .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", token);
        crate::testenv::run(cmd, None)
    };
    let good = client("let-me-in");
    let bad = {
        // Past the role session the good client cached: the token is what is checked.
        let mut cmd = env.awsume(&["export", "--profile", "on-ecs", "--refresh"]);
        cmd.env("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("http://{address}/creds"))
            .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", "guess");
        crate::testenv::run(cmd, None)
    };
    server.kill().unwrap();
    assert_eq!(good.status, 0, "{}", good.stderr);
    assert_eq!(bad.status, 1);
    assert!(bad.stderr.contains("profile \"on-ecs\": credential_source EcsContainer"), "{}", bad.stderr);
    assert!(
        bad.stderr.len() < 400 && !bad.stderr.contains("SdkBody"),
        "no raw responses in messages: {}",
        bad.stderr
    );
}

#[test]
fn exec_child_owns_stdin_and_a_signal_death_reads_as_128_plus_n() {
    let env = role_env();
    let mut cmd = env.awsume(&["export", "--profile", "base", "--exec", "cat"]);
    cmd.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped());
    let out = crate::testenv::run(cmd, Some("from stdin\n"));
    assert_eq!(out.stdout, "from stdin\n");
    let mut sh = env.command("sh");
    sh.args([
        "-c",
        "\"$0\" export --profile base --exec sh -c 'kill -TERM $$'; echo \"status $?\"",
        crate::testenv::BIN,
    ]);
    assert_eq!(crate::testenv::run(sh, None).stdout, "status 143\n");
}

#[test]
fn the_python_aws_sdk_reads_what_dash_c_wrote() {
    let env = role_env();
    env.credentials(
        "# keep\n[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base/secret\r\n[z]\nx = 1",
    );
    let out = env.run(&["export", "--profile", "r", "-c", "exported", "--json"]);
    assert_eq!(out.status, 2, "-c and --json are exclusive");
    let out = env.run(&["export", "--profile", "r", "-c", "exported"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let ours = env.run(&["export", "--profile", "exported", "--json"]).json();
    let python = crate::testenv::python();
    let mut boto = env.command(&python);
    boto.args(["-c", "import boto3; c = boto3.Session(profile_name='exported').get_credentials(); print(c.access_key, c.token)"]);
    let read = crate::testenv::run(boto, None);
    assert_eq!(
        read.stdout.trim(),
        format!("{} {}", ours["AccessKeyId"].as_str().unwrap(), ours["SessionToken"].as_str().unwrap()),
        "{}",
        read.stderr
    );
}

#[test]
fn unwritable_targets_fail_with_one_line_and_write_nothing() {
    let env = role_env();
    env.write("a-file", "not a directory");
    let mut cmd = env.awsume(&["export", "--profile", "r", "-c", "x"]);
    cmd.env("AWS_SHARED_CREDENTIALS_FILE", env.path("a-file/credentials"));
    // The source keys must still be found: put them in the config file.
    env.config("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n");
    crate::testenv::run(cmd, None).assert_clean_failure("cannot create ~/a-file");
    let cache = env.path("a-file/cache.json");
    env.run(&["export", "--profile", "r", "--cache-file", cache.to_str().unwrap()])
        .assert_clean_failure("cannot create ~/a-file");
    assert_eq!(std::fs::read_to_string(env.path("a-file")).unwrap(), "not a directory");
}

#[test]
fn credential_server_re_resolves_credentials_near_expiry() {
    let env = role_env();
    env.config(
        "[profile short]\nrole_arn = arn:aws:iam::1:role/short\nsource_profile = base\nduration_seconds = 900\n\
         [profile on-imds]\nrole_arn = arn:aws:iam::2:role/from-imds\ncredential_source = Ec2InstanceMetadata\n",
    );
    let (mut server, address) = start_server(&env, &["export", "--profile", "short", "--imds", "0"], &[]);
    for _ in 0..2 {
        let mut cmd = env.awsume(&["export", "--profile", "on-imds"]);
        cmd.env_remove("AWS_EC2_METADATA_DISABLED")
            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", format!("http://{address}/"));
        crate::testenv::run(cmd, None).ok();
    }
    server.kill().unwrap();
    let served = env.calls().iter().filter(|c| c["params"]["RoleArn"] == "arn:aws:iam::1:role/short").count();
    assert!(served >= 3, "15-minute credentials are renewed when asked for: {served} AssumeRole calls");
}

/// `--format sts`: the `aws sts` answer's shape, exactly the four fields under `Credentials`, as
/// hooks that run a command for credentials (Claude Code's `awsCredentialExport`) read it.
#[test]
fn format_sts_prints_the_aws_sts_shape() {
    let env = role_env();
    let out = env.run(&["export", "--profile", "r", "--format", "sts"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let json = out.json();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["Credentials"]);
    let mut inner: Vec<&str> = json["Credentials"].as_object().unwrap().keys().map(String::as_str).collect();
    inner.sort_unstable();
    assert_eq!(inner, ["AccessKeyId", "Expiration", "SecretAccessKey", "SessionToken"]);
    assert!(json["Credentials"]["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    // As Python reads an `aws sts assume-role` answer.
    let mut py = env.command(crate::testenv::python());
    py.args(["-c", "import json, sys, datetime; c = json.load(sys.stdin)['Credentials']; datetime.datetime.fromisoformat(c['Expiration']); print(c['AccessKeyId'])"]);
    let read = crate::testenv::run(py, Some(&out.stdout));
    assert_eq!(read.stdout.trim(), json["Credentials"]["AccessKeyId"].as_str().unwrap(), "{}", read.stderr);
}
