//! The AWS CLI's newer rules: `export --format` as `aws configure export-credentials` prints it,
//! AccountId carried as botocore 1.37+ does, and the credential_process recursion guard.

use std::time::Instant;

use crate::testenv::{BIN, Sh, TestEnv, static_keys};

fn role_env() -> TestEnv {
    let env = TestEnv::new();
    env.config(
        "[profile r]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\nregion = eu-west-1\n\
         [profile base]\naws_account_id = 222222222222\n",
    );
    env.credentials(&static_keys("base", "AKIABASE", "base/secret+"));
    env
}

#[test]
fn export_formats_are_the_aws_clis_lines_and_each_shell_reads_them() {
    let env = role_env();
    let process = env.run(&["export", "--profile", "r", "--format", "process"]);
    assert_eq!(process.status, 0, "{}", process.stderr);
    let json = process.json();
    let keys: Vec<&str> = process
        .stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"').and_then(|l| l.split('"').next()))
        .collect();
    assert_eq!(
        keys,
        ["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "AccountId"]
    );
    assert!(json["Expiration"].as_str().unwrap().ends_with("+00:00"), "Python's isoformat: {json}");
    let key = json["AccessKeyId"].as_str().unwrap().to_string();
    let names = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| l.split(['=', ' ', ':']).find(|w| w.starts_with("AWS_")).unwrap().to_string())
            .collect()
    };
    for (format, first) in [
        ("env", format!("export AWS_ACCESS_KEY_ID={key}")),
        ("env-no-export", format!("AWS_ACCESS_KEY_ID={key}")),
        ("powershell", format!("$Env:AWS_ACCESS_KEY_ID=\"{key}\"")),
        ("windows-cmd", format!("set AWS_ACCESS_KEY_ID={key}")),
        ("fish", format!("set -gx AWS_ACCESS_KEY_ID {key}")),
    ] {
        let out = env.run(&["export", "--profile", "r", "--format", format]);
        assert_eq!(out.status, 0, "{format}: {}", out.stderr);
        assert_eq!(out.stdout.lines().next(), Some(first.as_str()), "{format}");
        assert_eq!(
            names(&out.stdout),
            ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION"],
            "{format}"
        );
    }
    // What bash and fish read back is the credentials.
    let bash = Sh::Bash.run(
        &env,
        &format!(
            "eval \"$('{BIN}' export --profile base --format env)\"; printf '%s' \"$AWS_SECRET_ACCESS_KEY\""
        ),
        &[],
    );
    assert_eq!(bash.stdout, "base/secret+", "{}", bash.stderr);
    let fish = Sh::Fish.run(
        &env,
        &format!("'{BIN}' export --profile base --format fish | source; printf '%s' $AWS_SECRET_ACCESS_KEY"),
        &[],
    );
    assert_eq!(fish.stdout, "base/secret+", "{}", fish.stderr);
    env.run(&["export", "--profile", "r", "--format", "yaml"]).assert_usage_error("yaml");
}

#[test]
fn account_id_from_a_role_from_aws_account_id_and_from_a_process() {
    let env = role_env();
    let role = env.run(&["export", "--profile", "r", "--json"]).json();
    assert_eq!(role["AccountId"], "111111111111");
    // The role cache entry carries it, as botocore 1.37+ writes it.
    // The entry, beside the lock file that one AssumeRole at a time needs.
    let cached: Vec<_> = std::fs::read_dir(env.path(".aws/cli/cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    let entry: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cached[0]).unwrap()).unwrap();
    assert_eq!(entry["Credentials"]["AccountId"], "111111111111");
    assert_eq!(
        env.run(&["export", "--profile", "r", "--json"]).json()["AccountId"],
        "111111111111",
        "read back"
    );
    assert_eq!(env.run(&["export", "--profile", "base", "--json"]).json()["AccountId"], "222222222222");
    let listed = env.run(&["-l"]);
    assert!(
        listed.stdout.lines().any(|l| l.starts_with("base ") && l.contains("222222222222")),
        "-l shows aws_account_id: {}",
        listed.stdout
    );
    let process = env.write(
        "proc",
        "#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"ASIAP\",\"SecretAccessKey\":\"s\",\"AccountId\":\"333333333333\"}'\n",
    );
    std::fs::set_permissions(&process, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    env.config(&format!("[profile p]\ncredential_process = {}\n", process.display()));
    assert_eq!(env.run(&["export", "--profile", "p", "--json"]).json()["AccountId"], "333333333333");
}

#[test]
fn a_credential_process_that_runs_itself_stops_at_once() {
    let env = TestEnv::new();
    env.config(&format!(
        "[profile loop]\ncredential_process = '{BIN}' export --profile loop\n\
         [profile a]\ncredential_process = '{BIN}' export --profile b\n\
         [profile b]\ncredential_process = '{BIN}' export --profile a\n"
    ));
    let started = Instant::now();
    let out = env.run(&["export", "--profile", "loop"]);
    assert!(started.elapsed() < crate::testenv::PROMPTLY, "{:?}", started.elapsed());
    out.assert_clean_failure("credential_process runs itself: profile cycle loop -> loop");
    let out = env.run(&["export", "--profile", "a"]);
    out.assert_clean_failure("profile cycle a -> b -> a");
    // The AWS CLI's own variable: a chain it started counts, and one too long is refused.
    let mut cmd = env.awsume(&["export", "--profile", "loop"]);
    cmd.env("_AWS_CLI_PROFILE_CHAIN", "w,x,y,z");
    crate::testenv::run(cmd, None)
        .assert_clean_failure("credential_process chain too deep (4 levels): w -> x -> y -> z");
}
