//! `awsume export` (aws-export-credentials' interface): output modes and `--exec`.

use crate::testenv::{TestEnv, static_keys};

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
