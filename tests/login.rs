//! Profiles from `aws login` (console sessions): resolved from the AWS CLI's cache, refreshed with a
//! DPoP proof against the sign-in stub (which verifies every proof and the PKCE pair), shared with
//! botocore (with awscrt) both ways, and signed in with `awsume NAME --login`.

use crate::testenv::{Output, Sh, TestEnv, mode, run};

const ARN: &str = "arn:aws:iam::123456789012:user/alice";

/// A browser that follows the authorize page's redirect back to awsume's loopback listener.
fn following_browser(env: &TestEnv) -> std::path::PathBuf {
    let browser = env.write("follow", "#!/bin/sh\nexec curl -s -o /dev/null -L --max-time 10 \"$1\"\n");
    std::fs::set_permissions(&browser, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    browser
}

fn awsume(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = env.awsume(args);
    cmd.envs(vars.iter().copied());
    run(cmd, None)
}

/// What botocore resolves for `profile` on this HOME (its access key), with the same cache.
fn botocore_key(env: &TestEnv, profile: &str, vars: &[(&str, &str)]) -> String {
    let helper = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/botocore_creds.py");
    let mut cmd = env.command(crate::testenv::python());
    cmd.arg(helper).arg(profile).env("AWS_DEFAULT_REGION", "us-east-1").envs(vars.iter().copied());
    run(cmd, None).stdout.trim().to_string()
}

fn entry_path(env: &TestEnv, dir: &str) -> std::path::PathBuf {
    let out = std::process::Command::new("sh")
        .args(["-c", "printf %s \"$1\" | sha256sum", "sh", ARN])
        .output()
        .unwrap();
    let digest = String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_string();
    env.path(&format!("{dir}/{digest}.json"))
}

fn read_entry(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn with_expiry(path: &std::path::Path, minutes: i64) {
    let mut entry = read_entry(path);
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("{minutes} minutes"), "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    entry["accessToken"]["expiresAt"] = String::from_utf8(out.stdout).unwrap().trim().into();
    std::fs::write(path, entry.to_string()).unwrap();
}

/// `awsume NAME --login` with a browser that follows the redirect; the entry it wrote.
fn signed_in(env: &TestEnv, profile: &str) -> std::path::PathBuf {
    let browser = following_browser(env);
    let out = awsume(env, &["export", "--profile", profile, "--json"], &[]);
    assert_ne!(out.status, 0, "not signed in yet");
    let login = awsume(
        env,
        &[profile, "--login", "-s", "--shell", "bash"],
        &[("BROWSER", browser.to_str().unwrap())],
    );
    assert_eq!(login.status, 0, "{}", login.stderr);
    entry_path(env, ".aws/login/cache")
}

#[test]
fn login_signs_in_writes_the_profile_and_botocore_uses_the_session() {
    let env = TestEnv::new();
    env.config("# mine\n[default]\nregion = eu-west-1\n");
    let browser = following_browser(&env);
    // Through the shell function: the keys land in the shell.
    let script = format!(
        "export BROWSER='{}'\nawsume console-user --login >/dev/null\nprintf '%s\\n' \"$AWS_ACCESS_KEY_ID\" \"$AWSUME_PROFILE\"",
        browser.display()
    );
    let out = Sh::Bash.run(&env, &script, &[]);
    assert_eq!(out.stdout.lines().collect::<Vec<_>>(), ["ASIALOGIN0", "console-user"], "{}", out.stderr);
    assert_eq!(env.actions(), ["Authorize", "CreateOAuth2Token"]);
    assert_eq!(env.calls()[1]["params"]["grantType"], "authorization_code");
    let config = std::fs::read_to_string(env.path(".aws/config")).unwrap();
    assert!(config.starts_with("# mine\n[default]\nregion = eu-west-1\n"), "{config}");
    assert!(config.contains(&format!("[profile console-user]\nlogin_session = {ARN}\n")), "{config}");
    let entry_path = entry_path(&env, ".aws/login/cache");
    assert_eq!(mode(&entry_path), 0o600);
    assert_eq!(mode(entry_path.parent().unwrap()), 0o700);
    let entry = read_entry(&entry_path);
    for field in ["refreshToken", "idToken", "clientId", "dpopKey", "tokenType"] {
        assert!(entry[field].is_string(), "{field}: {entry}");
    }
    assert_eq!(entry["accessToken"]["accountId"], "123456789012");
    // botocore (with awscrt) resolves the profile from the same entry, with no call.
    assert_eq!(botocore_key(&env, "console-user", &[]), "ASIALOGIN0");
    assert_eq!(env.actions().len(), 2);
    // -l: its own type, the account from the ARN.
    let list = env.run(&["-l"]);
    let row = list.stdout.lines().find(|l| l.starts_with("console-user ")).unwrap().to_string();
    assert!(row.contains("aws login session") && row.contains("123456789012"), "{row}");
    // --logout: the session leaves the cache.
    let out = env.run(&["console-user", "--logout"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(!entry_path.exists());
}

#[test]
fn an_expiring_session_is_refreshed_once_and_shared_with_botocore_both_ways() {
    let env = TestEnv::new();
    let path = signed_in(&env, "console");
    let mut entry = read_entry(&path);
    entry["fieldTheCliWrote"] = "kept".into();
    std::fs::write(&path, entry.to_string()).unwrap();
    with_expiry(&path, -1);
    let calls = env.actions().len();
    let out = env.run(&["export", "--profile", "console", "--json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.json()["AccessKeyId"], "ASIALOGIN1");
    assert_eq!(env.actions()[calls..], ["CreateOAuth2Token"], "one refresh");
    assert_eq!(env.calls()[calls]["params"]["grantType"], "refresh_token");
    let written = read_entry(&path);
    assert_eq!(written["fieldTheCliWrote"], "kept");
    assert!(
        written["refreshToken"].as_str().unwrap().ends_with("-1"),
        "the rotated refresh token: {written}"
    );
    assert_eq!(written["dpopKey"], entry["dpopKey"]);
    assert_eq!(mode(&path), 0o600);
    // botocore takes awsume's refreshed session without a call; no call while 5 minutes remain.
    assert_eq!(botocore_key(&env, "console", &[]), "ASIALOGIN1");
    assert_eq!(env.run(&["export", "--profile", "console"]).status, 0);
    assert_eq!(env.actions().len(), calls + 1);
    // Near its end, botocore refreshes it; awsume then uses botocore's, without a call.
    with_expiry(&path, 3);
    assert_eq!(botocore_key(&env, "console", &[]), "ASIALOGIN2");
    assert_eq!(env.actions().len(), calls + 2, "botocore refreshed once");
    assert_eq!(env.run(&["export", "--profile", "console", "--json"]).json()["AccessKeyId"], "ASIALOGIN2");
    assert_eq!(env.actions().len(), calls + 2);
}

#[test]
fn a_role_over_a_login_profile_is_assumed_with_the_session() {
    let env = TestEnv::new();
    signed_in(&env, "console");
    let config = std::fs::read_to_string(env.path(".aws/config")).unwrap();
    env.config(&format!(
        "{config}[profile admin]\nrole_arn = arn:aws:iam::111111111111:role/admin\nsource_profile = console\n"
    ));
    let before = env.calls().len();
    let out = env.run(&["export", "--profile", "admin"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let calls = env.calls();
    assert_eq!(calls[before]["action"], "AssumeRole");
    assert_eq!(calls[before]["key"], "ASIALOGIN0", "signed with the session's keys");
}

#[test]
fn the_cache_directory_setting_and_refused_refreshes() {
    let env = TestEnv::new();
    let dir = env.path("elsewhere");
    let vars = [("AWS_LOGIN_CACHE_DIRECTORY", dir.to_str().unwrap())];
    let browser = following_browser(&env);
    let login =
        awsume(&env, &["console", "--login", "-s"], &[vars[0], ("BROWSER", browser.to_str().unwrap())]);
    assert_eq!(login.status, 0, "{}", login.stderr);
    let path = entry_path(&env, "elsewhere");
    assert!(path.exists() && !env.path(".aws/login").exists());
    assert_eq!(awsume(&env, &["export", "--profile", "console"], &vars).status, 0);
    for (refresh, needle) in [
        (
            "expired-refresh",
            "profile \"console\": aws login session: the aws login session has ended (TOKEN_EXPIRED): sign in again: `awsume console --login` (or `aws login --profile console`)",
        ),
        ("denied-refresh", "SignInLocalDevelopmentAccess"),
    ] {
        let mut entry = read_entry(&path);
        entry["refreshToken"] = refresh.into();
        std::fs::write(&path, entry.to_string()).unwrap();
        with_expiry(&path, -1);
        let before = std::fs::read(&path).unwrap();
        awsume(&env, &["export", "--profile", "console"], &vars).assert_clean_failure(needle);
        assert_eq!(std::fs::read(&path).unwrap(), before, "the cache untouched");
    }
    let none = TestEnv::new();
    none.config(&format!("[profile console]\nlogin_session = {ARN}\n"));
    none.run(&["export", "--profile", "console"])
        .assert_clean_failure("no aws login session for arn:aws:iam::123456789012:user/alice");
}
