//! `export --serve --exec`: the command gets a container credentials endpoint of its own that
//! renews the role session while it runs; a real SDK (botocore) reads it as its container provider.

use std::process::Stdio;

use crate::testenv::{TestEnv, python, run, static_keys};

/// A child that asks botocore for credentials three times a second apart (each time they are
/// within botocore's refresh window: 60-second sessions), tries the endpoint without the token,
/// writes what it saw, and exits 7.
const CHILD: &str = r#"
import json, os, sys, time, urllib.request, urllib.error
import botocore.session
session = botocore.session.get_session()
keys = []
for _ in range(3):
    frozen = session.get_credentials().get_frozen_credentials()
    keys.append(frozen.access_key)
    time.sleep(1)
try:
    urllib.request.urlopen(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], timeout=5)
    anonymous = 200
except urllib.error.HTTPError as e:
    anonymous = e.code
names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
         "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_PROFILE"]
seen = {"keys": keys, "anonymous": anonymous, "env": {n: os.environ.get(n) for n in names}}
with open(sys.argv[1], "w") as f:
    json.dump(seen, f)
sys.exit(7)
"#;

fn role_env(extra: &str) -> TestEnv {
    let env = TestEnv::new();
    env.credentials(&static_keys("base", "AKIABASESERVE", "base-secret"));
    env.config(&format!(
        "[profile r]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\nduration_seconds = 60\nregion = eu-west-1\n{extra}"
    ));
    env.write("child.py", CHILD);
    env
}

#[test]
fn serve_renews_the_session_for_a_real_sdk_and_hands_it_no_keys() {
    let env = role_env("");
    let seen = env.path("seen.json");
    let py = python().display().to_string();
    let mut cmd = env.awsume(&["export", "--profile", "r", "--serve", "--exec", &py, "child.py"]);
    cmd.arg(&seen).env("AWS_ACCESS_KEY_ID", "AKIAINHERITED").env("AWS_SECRET_ACCESS_KEY", "inherited");
    let out = run(cmd, None);
    assert_eq!(out.status, 7, "the command's status: {}", out.stderr);
    let seen: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&seen).unwrap()).unwrap();
    let keys: Vec<&str> = seen["keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
    assert_eq!(keys.iter().collect::<std::collections::BTreeSet<_>>().len(), 3, "three sessions: {keys:?}");
    assert!(keys.iter().all(|k| k.starts_with("ASIA")), "{keys:?}");
    // One at start, then one for each time botocore asked (a session of 60 seconds is always in
    // the 15-minute window): never a cached or expired one.
    let actions = env.actions();
    assert!(actions.len() >= 4 && actions.iter().all(|a| a == "AssumeRole"), "{actions:?}");
    let child_env = &seen["env"];
    for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"] {
        assert!(child_env[name].is_null(), "{name} reached the command: {child_env}");
    }
    assert_eq!(child_env["AWS_REGION"], "eu-west-1");
    let url = child_env["AWS_CONTAINER_CREDENTIALS_FULL_URI"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(child_env["AWS_CONTAINER_AUTHORIZATION_TOKEN"].as_str().unwrap().len(), 48);
    assert_eq!(seen["anonymous"], 401, "a request without the token is refused");
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    assert!(std::net::TcpStream::connect(address).is_err(), "the endpoint is gone with the command");
}

/// An MFA role: the code is asked once (here: a counting mfa_process), every renewal goes through
/// the cached MFA session.
#[test]
fn serve_renews_an_mfa_role_without_asking_again() {
    let env = role_env("");
    let count = env.path("codes");
    let code = env.write("code", &format!("#!/bin/sh\necho x >> '{}'\necho 123456\n", count.display()));
    std::fs::set_permissions(&code, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    env.config(&format!(
        "[profile base]\nmfa_serial = arn:aws:iam::123456789012:mfa/base\nmfa_process = {}\n[profile r]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\nduration_seconds = 60\n",
        code.display()
    ));
    let py = python().display().to_string();
    let seen = env.path("seen.json").display().to_string();
    let out = env.run(&["export", "--profile", "r", "--serve", "--exec", &py, "child.py", &seen]);
    assert_eq!(out.status, 7, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&count).unwrap().lines().count(), 1, "one code");
    let actions = env.actions();
    assert_eq!(actions.iter().filter(|a| *a == "GetSessionToken").count(), 1, "{actions:?}");
    assert!(actions.iter().filter(|a| *a == "AssumeRole").count() >= 4, "{actions:?}");
}

/// SIGINT to awsume reaches the command, which cleans up; awsume ends with its status. Long-term
/// keys need no endpoint: plain --exec, said once.
#[test]
fn serve_passes_signals_on_and_keys_need_no_endpoint() {
    let env = role_env("");
    env.write(
        "wait.py",
        "import signal, sys, time, pathlib\n\
         def done(*_):\n    pathlib.Path('cleaned').write_text('yes')\n    sys.exit(3)\n\
         signal.signal(signal.SIGINT, done)\n\
         pathlib.Path('ready').write_text('yes')\n\
         time.sleep(60)\n",
    );
    let py = python().display().to_string();
    let mut cmd = env.awsume(&["export", "--profile", "r", "--serve", "--exec", &py, "wait.py"]);
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    let mut awsume = cmd.spawn().unwrap();
    let deadline = std::time::Instant::now() + crate::testenv::PROMPTLY;
    while !env.path("ready").exists() {
        assert!(std::time::Instant::now() < deadline, "the command never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let kill = std::process::Command::new("kill").args(["-INT", &awsume.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let status = awsume.wait().unwrap();
    assert_eq!(status.code(), Some(3), "the command's own status after its clean-up");
    assert_eq!(std::fs::read_to_string(env.path("cleaned")).unwrap(), "yes");

    let keys = env.run(&[
        "export",
        "--profile",
        "base",
        "--serve",
        "--exec",
        "sh",
        "-c",
        "printf %s \"$AWS_ACCESS_KEY_ID\"",
    ]);
    keys.ok();
    assert_eq!(keys.stdout, "AKIABASESERVE");
    assert!(keys.stderr.contains("long-term keys do not end"), "{}", keys.stderr);
}

/// Whatever `[default]` holds (keys, a credential_process, SSO, a role), the command's SDKs reach
/// the endpoint: botocore and the AWS CLI v1 in the child get the served session, never
/// `[default]`'s credentials (their chains read `[default]` before a container endpoint).
#[test]
fn serve_exec_children_reach_the_endpoint_whatever_default_holds() {
    let defaults = [
        ("keys", "", "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s\n"),
        ("process", "[default]\ncredential_process = cat default.json\n", ""),
        (
            "sso",
            "[default]\nsso_session = corp\nsso_account_id = 222222222222\nsso_role_name = Admin\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-2\n",
            "",
        ),
        ("role", "[default]\nrole_arn = arn:aws:iam::999999999999:role/default\nsource_profile = base\n", ""),
    ];
    let aws = python().with_file_name("aws").display().to_string();
    for (kind, config, credentials) in defaults {
        let env = TestEnv::new();
        env.credentials(&format!("{}{credentials}", static_keys("base", "AKIABASESERVE", "base-secret")));
        env.config(&format!(
            "{config}[profile r]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\nregion = eu-west-1\noutput = json\n"
        ));
        env.write(
            "default.json",
            r#"{"Version": 1, "AccessKeyId": "AKIAPROCDEFAULT", "SecretAccessKey": "s"}"#,
        );
        crate::testenv::cli_token(
            &env,
            "corp",
            serde_json::json!({"accessToken": "t", "expiresAt": crate::testenv::future(4), "startUrl": "https://corp.awsapps.com/start", "region": "us-east-2"}),
        );
        let served =
            env.run(&["export", "--profile", "r"]).json()["AccessKeyId"].as_str().unwrap().to_string();
        let helper = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/botocore_creds.py");
        let py = python().display().to_string();
        let boto = env.run(&["export", "--profile", "r", "--serve", "--exec", &py, helper.to_str().unwrap()]);
        assert_eq!(boto.stdout.trim(), served, "{kind} [default]: botocore in the child: {}", boto.stderr);
        let cli =
            env.run(&["export", "--profile", "r", "--serve", "--exec", &aws, "sts", "get-caller-identity"]);
        assert_eq!(cli.status, 0, "{kind}: {}", cli.stderr);
        let last = env.calls().into_iter().rev().find(|c| c["action"] == "GetCallerIdentity").unwrap();
        assert_eq!(last["key"], served.as_str(), "{kind} [default]: the AWS CLI v1 in the child");
        assert!(
            std::fs::read_dir(env.path(".awsume/run")).unwrap().next().is_none(),
            "the child's files are gone with it"
        );
    }
}
