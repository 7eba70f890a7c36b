//! Resolving every common kind of profile against a real STS (moto), asserting what a user sees and
//! what STS received.

use crate::testenv::{TestEnv, static_keys};

const MFA: &str = "arn:aws:iam::123456789012:mfa/alice";

/// A user with MFA, two roles on it, a three-hop chain and a plain static profile.
fn mfa_env() -> TestEnv {
    let env = TestEnv::new();
    env.config(&format!(
        "[profile alice]\nmfa_serial = {MFA}\nregion = eu-west-1\n\
         [profile admin]\nrole_arn = arn:aws:iam::111111111111:role/admin\nsource_profile = alice\n\
         [profile reader]\nrole_arn = arn:aws:iam::222222222222:role/reader\nsource_profile = alice\n"
    ));
    env.credentials(&static_keys("alice", "AKIAALICE", "alice-secret"));
    env
}

fn chain_env() -> TestEnv {
    let env = TestEnv::new();
    env.config(
        "[profile one]\nrole_arn = arn:aws:iam::111111111111:role/one\nsource_profile = base\n\
         [profile two]\nrole_arn = arn:aws:iam::222222222222:role/two\nsource_profile = one\n\
         [profile three]\nrole_arn = arn:aws:iam::333333333333:role/three\nsource_profile = two\n",
    );
    env.credentials(&static_keys("base", "AKIABASE", "base-secret"));
    env
}

#[test]
fn static_profile_needs_no_sts_call() {
    let env = TestEnv::new();
    env.credentials(&static_keys("dev", "AKIADEV", "dev/secret+key"));
    let out = env.run(&["export", "--profile", "dev", "--json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "{\"Version\":1,\"AccessKeyId\":\"AKIADEV\",\"SecretAccessKey\":\"dev/secret+key\"}\n"
    );
    assert!(env.calls().is_empty());
}

#[test]
fn static_profile_with_session_token() {
    let env = TestEnv::new();
    env.credentials(
        "[tmp]\naws_access_key_id = ASIATMP\naws_secret_access_key = s\naws_session_token = tok\n",
    );
    let json = env.run(&["export", "--profile", "tmp", "--json"]).json();
    assert_eq!(json["SessionToken"], "tok");
    let shown = env.run(&["tmp", "-s", "--shell", "bash"]);
    assert!(
        shown.stdout.contains("export AWS_SECURITY_TOKEN='tok'\nexport AWS_SESSION_TOKEN='tok'\n"),
        "{}",
        shown.stdout
    );
}

#[test]
fn role_is_assumed_once_with_the_profile_name_as_session_name() {
    let env = chain_env();
    let json = env.run(&["export", "--profile", "one"]).json();
    assert!(json["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert!(json["Expiration"].as_str().unwrap().ends_with('Z'));
    let calls = env.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["action"], "AssumeRole");
    assert_eq!(calls[0]["key"], "AKIABASE");
    assert_eq!(calls[0]["params"]["RoleSessionName"], "one");
    assert_eq!(calls[0]["params"]["RoleArn"], "arn:aws:iam::111111111111:role/one");
}

#[test]
fn three_hop_chain_signs_each_hop_with_the_previous_credentials() {
    let env = chain_env();
    let json = env.run(&["export", "--profile", "three"]).json();
    let calls = env.calls();
    assert_eq!(env.actions(), ["AssumeRole"; 3]);
    let roles: Vec<&str> = calls.iter().map(|c| c["params"]["RoleArn"].as_str().unwrap()).collect();
    assert_eq!(
        roles,
        [
            "arn:aws:iam::111111111111:role/one",
            "arn:aws:iam::222222222222:role/two",
            "arn:aws:iam::333333333333:role/three"
        ]
    );
    let keys: Vec<&str> = calls.iter().map(|c| c["key"].as_str().unwrap()).collect();
    assert_eq!(keys[0], "AKIABASE");
    assert!(keys[1].starts_with("ASIA") && keys[2].starts_with("ASIA") && keys[1] != keys[2], "{keys:?}");
    assert_ne!(json["AccessKeyId"].as_str().unwrap(), keys[2], "the result is the last hop's");
}

#[test]
fn mfa_user_session_is_cached_and_reused() {
    let env = mfa_env();
    let first = env.run_stdin(&["export", "--profile", "alice", "--json"], "123456\n");
    assert_eq!(first.status, 0, "{}", first.stderr);
    assert!(first.stderr.contains(&format!("Enter MFA code for {MFA}: ")), "{}", first.stderr);
    let calls = env.calls();
    assert_eq!(env.actions(), ["GetSessionToken"]);
    assert_eq!(calls[0]["key"], "AKIAALICE");
    assert_eq!(calls[0]["params"]["SerialNumber"], MFA);
    assert_eq!(calls[0]["params"]["TokenCode"], "123456");
    let cache = env.path(".awsume/cache/aws-credentials-AKIAALICE");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&cache).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    // Second run: no prompt (stdin is closed), no STS call.
    let second = env.run(&["export", "--profile", "alice", "--json"]);
    assert_eq!(second.status, 0, "{}", second.stderr);
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(env.calls().len(), 1);
}

#[test]
fn mfa_session_is_reused_by_second_role() {
    let env = mfa_env();
    let admin = env.run_stdin(&["export", "--profile", "admin"], "654321\n");
    assert_eq!(admin.status, 0, "{}", admin.stderr);
    let reader = env.run(&["export", "--profile", "reader"]);
    assert_eq!(reader.status, 0, "second role must not prompt: {}", reader.stderr);
    assert_eq!(env.actions(), ["GetSessionToken", "AssumeRole", "AssumeRole"]);
    let calls = env.calls();
    assert_eq!(calls[1]["key"], calls[2]["key"], "both roles signed by the one MFA session");
    assert_ne!(calls[1]["key"], "AKIAALICE");
    assert!(calls[1]["params"].get("TokenCode").is_none());
}

#[test]
fn refresh_ignores_the_cached_session() {
    let env = mfa_env();
    env.run_stdin(&["export", "--profile", "alice"], "111111\n").ok();
    let again = env.run_stdin(&["export", "--profile", "alice", "--refresh"], "222222\n");
    assert_eq!(again.status, 0, "{}", again.stderr);
    assert_eq!(env.actions(), ["GetSessionToken", "GetSessionToken"]);
    assert_eq!(env.calls()[1]["params"]["TokenCode"], "222222");
}

/// A cache file as Python awsume writes it: its name, fields and local-time Expiration.
fn python_awsume_cache(env: &TestEnv, expiration: &str) {
    env.write(
        ".awsume/cache/aws-credentials-AKIAALICE",
        &format!(
            "{{\"AccessKeyId\": \"ASIAFROMPYTHON\", \"SecretAccessKey\": \"py-secret\", \"SessionToken\": \"py-token\", \
             \"Expiration\": \"{expiration}\", \"Region\": \"eu-west-1\"}}"
        ),
    );
}

fn local_time(offset_hours: i64) -> String {
    let out = std::process::Command::new("date")
        .args(["-d", &format!("{offset_hours} hours"), "+%Y-%m-%d %H:%M:%S"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn python_awsume_cache_is_used_as_is() {
    let env = mfa_env();
    python_awsume_cache(&env, &local_time(6));
    let out = env.run(&["export", "--profile", "alice", "--json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.json()["AccessKeyId"], "ASIAFROMPYTHON");
    assert!(env.calls().is_empty());
    let role = env.run(&["export", "--profile", "admin"]);
    assert_eq!(role.status, 0, "{}", role.stderr);
    assert_eq!(env.calls()[0]["key"], "ASIAFROMPYTHON");
}

#[test]
fn expired_cache_prompts_again() {
    let env = mfa_env();
    python_awsume_cache(&env, &local_time(-1));
    let out = env.run_stdin(&["export", "--profile", "alice"], "333333\n");
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("expired"), "{}", out.stderr);
    assert_eq!(env.actions(), ["GetSessionToken"]);
    let written = std::fs::read_to_string(env.path(".awsume/cache/aws-credentials-AKIAALICE")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_ne!(json["AccessKeyId"], "ASIAFROMPYTHON");
    let exp = json["Expiration"].as_str().unwrap();
    assert_eq!(exp.len(), 19, "local time as %Y-%m-%d %H:%M:%S: {exp}");
    assert!(exp > local_time(11).as_str() && exp < local_time(13).as_str(), "12 h session: {exp}");
}

#[test]
fn credential_source_environment_signs_with_the_environment_keys() {
    let env = TestEnv::new();
    env.config("[profile ci]\nrole_arn = arn:aws:iam::1:role/ci\ncredential_source = Environment\n");
    env.credentials(&static_keys("default", "AKIADEFAULT", "default-secret"));
    let out = run_with(
        &env,
        &["export", "--profile", "ci"],
        &[("AWS_ACCESS_KEY_ID", "AKIAFROMENV"), ("AWS_SECRET_ACCESS_KEY", "env-secret")],
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(env.calls()[0]["key"], "AKIAFROMENV");
}

fn run_with(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> crate::testenv::Output {
    let mut cmd = env.awsume(args);
    cmd.envs(vars.iter().copied());
    crate::testenv::run(cmd, None)
}

#[test]
fn credential_process_runs_without_a_shell_with_quoted_arguments_and_tilde() {
    let env = TestEnv::new();
    let script = env.write(
        "bin/creds",
        "#!/bin/sh\n[ \"$1\" = 'two words' ] && [ \"$2\" = '$HOME' ] || { echo \"bad args: $*\" >&2; exit 3; }\n\
         printf '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", \"SecretAccessKey\": \"proc-secret\", \"SessionToken\": \"proc-token\", \"Expiration\": \"2099-01-01T00:00:00Z\"}'\n",
    );
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    env.config("[profile proc]\ncredential_process = ~/bin/creds \"two words\" '$HOME'\n");
    let json = env.run(&["export", "--profile", "proc"]).json();
    assert_eq!(json["AccessKeyId"], "AKIAPROC");
    assert_eq!(json["Expiration"], "2099-01-01T00:00:00Z");
}

#[test]
fn web_identity_assumes_with_the_token_file() {
    let env = TestEnv::new();
    env.write("token", "eyJ.web.token\n");
    env.config("[profile web]\nrole_arn = arn:aws:iam::1:role/web\nweb_identity_token_file = ~/token\n");
    let out = env.run(&["export", "--profile", "web"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let calls = env.calls();
    assert_eq!(calls[0]["action"], "AssumeRoleWithWebIdentity");
    assert_eq!(calls[0]["params"]["WebIdentityToken"], "eyJ.web.token");
    assert_eq!(calls[0]["params"]["RoleSessionName"], "web");
}

#[test]
fn flags_beat_profile_settings_for_session_name_duration_external_id_and_region() {
    let env = chain_env();
    env.config(
        "[profile one]\nrole_arn = arn:aws:iam::1:role/one\nsource_profile = base\nrole_session_name = file-name\n\
         duration_seconds = 1800\nexternal_id = file-ext\nregion = eu-central-1\n",
    );
    env.run(&["export", "--profile", "one"]).ok();
    let out = env.run(&[
        "one",
        "-s",
        "--shell",
        "bash",
        "--session-name",
        "flag-name",
        "--role-duration",
        "900",
        "--external-id",
        "flag-ext",
        "--region",
        "ap-south-1",
    ]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.contains("export AWS_REGION='ap-south-1'"), "{}", out.stdout);
    let calls = env.calls();
    let params = |i: usize, k: &str| calls[i]["params"][k].as_str().unwrap_or("").to_string();
    assert_eq!(
        (params(0, "RoleSessionName"), params(0, "DurationSeconds"), params(0, "ExternalId")),
        ("file-name".into(), "1800".into(), "file-ext".into())
    );
    assert_eq!(
        (params(1, "RoleSessionName"), params(1, "DurationSeconds"), params(1, "ExternalId")),
        ("flag-name".into(), "900".into(), "flag-ext".into())
    );
}

#[test]
fn sts_endpoint_variable_beats_the_global_one() {
    let env = chain_env();
    let out = run_with(
        &env,
        &["export", "--profile", "one"],
        &[("AWS_ENDPOINT_URL", "http://127.0.0.1:9/"), ("AWS_ENDPOINT_URL_STS", env.endpoint.as_str())],
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(env.actions(), ["AssumeRole"]);
}

#[test]
fn throttled_call_is_retried() {
    let env = chain_env();
    env.config("[profile t]\nrole_arn = arn:aws:iam::1:role/throttled\nsource_profile = base\n");
    let out = env.run(&["export", "--profile", "t"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(env.actions(), ["AssumeRole", "AssumeRole"]);
}
