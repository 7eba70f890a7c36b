//! Role sessions reused while fresh, in the AWS CLI's own cache and shared with it both ways, with
//! the AWS CLI v1 (PyPI) as the real peer.

use std::path::PathBuf;

use crate::testenv::{TestEnv, mode, python, run, static_keys};

fn role_env() -> TestEnv {
    let env = TestEnv::new();
    env.config(
        "[profile r]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\nregion = eu-west-1\n\
         [profile hop1]\nrole_arn = arn:aws:iam::111111111111:role/hop1\nsource_profile = base\n\
         [profile hop2]\nrole_arn = arn:aws:iam::222222222222:role/hop2\nsource_profile = hop1\n\
         [profile hop3]\nrole_arn = arn:aws:iam::333333333333:role/hop3\nsource_profile = hop2\n\
         [profile guarded]\nrole_arn = arn:aws:iam::444444444444:role/guarded\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/base\n",
    );
    env.credentials(&static_keys("base", "AKIABASE", "base-secret"));
    env
}

/// Where botocore itself keeps the session of an AssumeRole with these parameters.
fn cli_cache_file(env: &TestEnv, args: &str) -> PathBuf {
    let mut cmd = env.command(python());
    cmd.args([
        "-c",
        "import hashlib, json, sys; print(hashlib.sha1(json.dumps(json.loads(sys.argv[1]), sort_keys=True).encode()).hexdigest())",
        args,
    ]);
    let out = run(cmd, None);
    env.path(&format!(".aws/cli/cache/{}.json", out.stdout.trim()))
}

/// The AWS CLI v1, with this test's HOME and STS, and no terminal to prompt on (`setsid`).
fn aws(env: &TestEnv, args: &[&str], stdin: Option<&str>) -> crate::testenv::Output {
    let aws = python().with_file_name("aws");
    let mut cmd = env.command("setsid");
    cmd.arg("-w").arg(aws).args(args).env("AWS_DEFAULT_REGION", "us-east-1");
    run(cmd, stdin)
}

fn key_of(json: &serde_json::Value) -> String {
    json["AccessKeyId"].as_str().unwrap().to_string()
}

#[test]
fn a_role_is_assumed_once_while_its_session_is_fresh() {
    let env = role_env();
    let first = env.run(&["export", "--profile", "r"]).json();
    for _ in 0..2 {
        assert_eq!(env.run(&["export", "--profile", "r"]).json(), first, "the same session, expiry and all");
    }
    assert_eq!(env.actions(), ["AssumeRole"]);
    let file = cli_cache_file(&env, r#"{"RoleArn": "arn:aws:iam::111111111111:role/r"}"#);
    assert_eq!((mode(&file), mode(file.parent().unwrap())), (0o600, 0o700), "{}", file.display());
    // --refresh asks STS and overwrites the entry.
    let refreshed = env.run(&["export", "--profile", "r", "--refresh"]).json();
    assert_ne!(key_of(&refreshed), key_of(&first));
    assert_eq!(env.run(&["export", "--profile", "r"]).json(), refreshed);
    assert_eq!(env.actions().len(), 2);
    // A session inside the 15-minute margin, or over, or a file that is not one: a new call.
    let cached = std::fs::read_to_string(&file).unwrap();
    let expiring = |minutes: i64| {
        let at = chrono_like_now_plus(minutes);
        let mut json: serde_json::Value = serde_json::from_str(&cached).unwrap();
        json["Credentials"]["Expiration"] = at.into();
        std::fs::write(&file, json.to_string()).unwrap();
    };
    expiring(10);
    env.run(&["export", "--profile", "r"]).ok();
    expiring(-10);
    env.run(&["export", "--profile", "r"]).ok();
    std::fs::write(&file, "{ not a session").unwrap();
    env.run(&["export", "--profile", "r"]).ok();
    assert_eq!(env.actions().len(), 5);
    // The margin is a setting.
    env.write(".awsume/config.yaml", "role-cache-margin: 3600\n");
    env.run(&["-s", "r"]).ok();
    assert_eq!(env.actions().len(), 6, "an hour's session is inside a 3600 s margin");
}

/// `YYYY-MM-DDTHH:MM:SS+00:00`, `minutes` from now.
fn chrono_like_now_plus(minutes: i64) -> String {
    let mut cmd = std::process::Command::new("date");
    cmd.args(["-u", "-d", &format!("{minutes} minutes"), "+%Y-%m-%dT%H:%M:%S+00:00"]);
    String::from_utf8(cmd.output().unwrap().stdout).unwrap().trim().to_string()
}

#[test]
fn the_aws_cli_uses_what_awsume_cached_and_the_other_way_round() {
    let env = role_env();
    let ours = env.run(&["export", "--profile", "r"]).json();
    let cli = aws(&env, &["sts", "get-caller-identity", "--profile", "r"], None);
    assert_eq!(cli.status, 0, "{}", cli.stderr);
    assert_eq!(env.actions(), ["AssumeRole", "GetCallerIdentity"], "the AWS CLI assumed nothing");
    assert_eq!(env.calls()[1]["key"], key_of(&ours), "it signed with the session awsume cached");

    let env = role_env();
    let cli = aws(&env, &["sts", "get-caller-identity", "--profile", "hop1"], None);
    assert_eq!(cli.status, 0, "{}", cli.stderr);
    let cli_key = env.calls()[1]["key"].as_str().unwrap().to_string();
    let ours = env.run(&["export", "--profile", "hop1"]).json();
    assert_eq!(key_of(&ours), cli_key, "the keys the AWS CLI cached");
    assert_eq!(env.actions(), ["AssumeRole", "GetCallerIdentity"], "awsume assumed nothing");
}

#[test]
fn one_mfa_code_serves_both_tools_within_the_session() {
    let env = role_env();
    let ours = env.run(&["export", "--profile", "guarded", "--mfa-token", "123456"]);
    assert_eq!(ours.status, 0, "{}", ours.stderr);
    // No terminal and nothing on stdin: had the AWS CLI asked for a code, it would have failed.
    let cli = aws(&env, &["sts", "get-caller-identity", "--profile", "guarded"], Some(""));
    assert_eq!(cli.status, 0, "{}", cli.stderr);
    assert_eq!(env.actions(), ["GetSessionToken", "AssumeRole", "GetCallerIdentity"]);

    let env = role_env();
    let cli = aws(&env, &["sts", "get-caller-identity", "--profile", "guarded"], Some("654321\n"));
    assert_eq!(cli.status, 0, "{}", cli.stderr);
    assert_eq!(env.calls()[0]["params"]["TokenCode"], "654321", "the AWS CLI asked once");
    let ours = env.run(&["export", "--profile", "guarded"]);
    assert_eq!(ours.status, 0, "no code asked of awsume: {}", ours.stderr);
    assert_eq!(env.actions(), ["AssumeRole", "GetCallerIdentity"]);
}

#[test]
fn a_chain_starts_at_its_last_fresh_hop() {
    let env = role_env();
    env.run(&["-s", "hop3"]).ok();
    assert_eq!(env.actions().len(), 3);
    let again = env.run(&["-s", "hop3", "--info"]);
    again.ok();
    assert_eq!(env.actions().len(), 3, "a fresh last hop: no call at all");
    assert!(
        again
            .stderr
            .contains("awsume: info: role arn:aws:iam::333333333333:role/hop3 from ~/.aws/cli/cache/"),
        "{}",
        again.stderr
    );
    assert!(again.stderr.contains(", until 20"), "{}", again.stderr);
    for hop in ["arn:aws:iam::111111111111:role/hop1", "arn:aws:iam::333333333333:role/hop3"] {
        std::fs::remove_file(cli_cache_file(&env, &format!(r#"{{"RoleArn": "{hop}"}}"#))).unwrap();
    }
    env.run(&["-s", "hop3"]).ok();
    let calls = env.calls();
    assert_eq!(calls.len(), 4, "only the middle hop fresh: one call");
    assert_eq!(calls[3]["params"]["RoleArn"], "arn:aws:iam::333333333333:role/hop3");
    assert!(calls[3]["key"].as_str().unwrap().starts_with("ASIA"), "signed by hop2's cached session");
    // -l more shows when the cached session ends.
    let list = env.run(&["-l", "more"]);
    let row = list.stdout.lines().find(|l| l.starts_with("hop3 ")).unwrap();
    assert!(row.trim_end().ends_with(|c: char| c.is_ascii_digit()), "{row}");
}
