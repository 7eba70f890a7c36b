//! Profiles from `aws login` (console sessions): resolved from the AWS CLI's cache, refreshed with a
//! DPoP proof against the sign-in stub (which verifies every proof and the PKCE pair), shared with
//! botocore (with awscrt) both ways, and signed in with `awsume NAME --login`.

use crate::testenv::{
    LOGIN_ARN, Output, Sh, TestEnv, authorize_url, botocore_key, code_shown_for, entry_path,
    following_browser, future, mode, read_entry, run, signed_in, with_expiry,
};

fn awsume(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = env.awsume(args);
    cmd.envs(vars.iter().copied());
    run(cmd, None)
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
    let argv = std::fs::read_to_string(env.path("browser.argv")).unwrap();
    assert!(argv.starts_with("file://") && !argv.contains("state") && !argv.contains("challenge"), "{argv}");
    assert!(std::fs::read_dir(env.path(".awsume/run")).unwrap().next().is_none(), "the private page is gone");
    assert_eq!(env.calls()[1]["params"]["grantType"], "authorization_code");
    let config = std::fs::read_to_string(env.path(".aws/config")).unwrap();
    assert!(config.starts_with("# mine\n[default]\nregion = eu-west-1\n"), "{config}");
    assert!(config.contains(&format!("[profile console-user]\nlogin_session = {LOGIN_ARN}\n")), "{config}");
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
    env.run(&["export", "--profile", "console"]).ok();
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
    awsume(&env, &["export", "--profile", "console"], &vars).ok();
    for (refresh, needle) in [
        (
            "expired-refresh",
            "profile \"console\": aws login session: the aws login session has ended (TOKEN_EXPIRED): sign in again: `awsume console --login` (or `aws login --profile console`)",
        ),
        ("denied-refresh", "SignInLocalDevelopmentAccess"),
        // A 200 that is no answer (a numeric key id): refused before anything is written.
        ("numeric-refresh", "the sign-in service answered without credentials it could have meant"),
    ] {
        let mut entry = read_entry(&path);
        entry["refreshToken"] = refresh.into();
        std::fs::write(&path, entry.to_string()).unwrap();
        with_expiry(&path, -1);
        let before = std::fs::read(&path).unwrap();
        awsume(&env, &["export", "--profile", "console"], &vars).assert_clean_failure(needle);
        assert_eq!(std::fs::read(&path).unwrap(), before, "the cache untouched");
    }
    // A life of 2^63-1 seconds: no panic, at most 12 hours kept, the answer's own fields kept.
    let mut entry = read_entry(&path);
    entry["refreshToken"] = "huge-refresh".into();
    std::fs::write(&path, entry.to_string()).unwrap();
    with_expiry(&path, -1);
    let out = awsume(&env, &["export", "--profile", "console", "--json"], &vars);
    assert_eq!(out.ok().json()["AccessKeyId"], "ASIAHUGE");
    let written = read_entry(&path);
    let end = written["accessToken"]["expiresAt"].as_str().unwrap().to_string();
    assert!(end <= future(12), "{end}");
    assert_eq!(
        written["accessToken"]["sessionKind"],
        serde_json::Value::Null,
        "only what awsume knows from the answer"
    );
    let none = TestEnv::new();
    none.config(&format!("[profile console]\nlogin_session = {LOGIN_ARN}\n"));
    none.run(&["export", "--profile", "console"])
        .assert_clean_failure("no aws login session for arn:aws:iam::123456789012:user/alice");
}

/// `awsume NAME --login --remote` with stdin a pipe: `paste` turns the page's code into what the
/// person types. The run's output.
fn remote_login(env: &TestEnv, profile: &str, paste: impl Fn(&str) -> String) -> Output {
    use std::io::{BufRead, Write};
    let mut cmd = env.awsume(&[profile, "--login", "--remote", "-s", "--shell", "bash"]);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    let mut line = String::new();
    while stderr.read_line(&mut line).unwrap() > 0 {
        said.push_str(&line);
        if let Some(url) = authorize_url(&line) {
            stdin.write_all(format!("{}\n", paste(&code_shown_for(&url))).as_bytes()).unwrap();
            break;
        }
        line.clear();
    }
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    Output {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: said + &rest,
    }
}

#[test]
fn remote_login_takes_the_pasted_code_and_botocore_uses_the_session() {
    let env = TestEnv::new();
    env.config("[profile remote]\nregion = eu-west-1\n");
    let out = remote_login(&env, "remote", |code| format!("  {code}  "));
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.contains("export AWS_ACCESS_KEY_ID='ASIALOGIN0'"), "{}", out.stdout);
    assert!(
        out.stderr.contains("Enter the authorization code displayed in your browser: "),
        "{}",
        out.stderr
    );
    assert_eq!(env.actions(), ["Authorize", "CreateOAuth2Token"]);
    let authorize = &env.calls()[0]["params"];
    assert_eq!(authorize["client_id"], "arn:aws:signin:::devtools/cross-device");
    assert!(authorize["redirect_uri"].as_str().unwrap().ends_with("/v1/sessions/confirmation"));
    assert_eq!(env.calls()[1]["params"]["clientId"], "arn:aws:signin:::devtools/cross-device");
    let entry = read_entry(&entry_path(&env, ".aws/login/cache"));
    assert_eq!(entry["clientId"], "arn:aws:signin:::devtools/cross-device");
    let config = std::fs::read_to_string(env.path(".aws/config")).unwrap();
    assert_eq!(config, format!("[profile remote]\nregion = eu-west-1\nlogin_session = {LOGIN_ARN}\n"));
    // botocore uses the session with no call; a refresh goes out as the cross-device client.
    assert_eq!(botocore_key(&env, "remote", &[]), "ASIALOGIN0");
    with_expiry(&entry_path(&env, ".aws/login/cache"), -1);
    assert_eq!(env.run(&["export", "--profile", "remote", "--json"]).json()["AccessKeyId"], "ASIALOGIN1");
    assert_eq!(env.calls()[2]["params"]["clientId"], "arn:aws:signin:::devtools/cross-device");
}

#[test]
fn a_pasted_code_of_another_sign_in_or_no_code_is_one_line_and_writes_nothing() {
    let other_state = |code: &str| {
        let text = String::from_utf8(base64_decode(code)).unwrap();
        let (_, rest) = text.split_once('&').unwrap();
        base64_encode(&format!("state=someone-elses&{rest}"))
    };
    for (paste, needle) in [
        (&other_state as &dyn Fn(&str) -> String, "the code pasted belongs to another sign-in"),
        (&|_: &str| "not a code".to_string(), "that is not the code the sign-in page shows"),
        (&|_: &str| String::new(), "that is not the code the sign-in page shows"),
    ] {
        let env = TestEnv::new();
        env.config("# mine\n");
        let out = remote_login(&env, "remote", paste);
        assert_ne!(out.status, 0);
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        let last = out.stderr.lines().last().unwrap_or_default();
        assert!(last.starts_with("awsume: ") && last.contains(needle), "{}", out.stderr);
        assert!(!out.stderr.contains("login-code-"), "the code is never repeated: {}", out.stderr);
        assert_eq!(env.actions(), ["Authorize"], "no token asked for");
        assert!(!env.path(".aws/login").exists());
        assert_eq!(std::fs::read_to_string(env.path(".aws/config")).unwrap(), "# mine\n");
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let out = std::process::Command::new("sh")
        .args(["-c", "printf %s \"$1\" | base64 -d", "sh", text])
        .output()
        .unwrap();
    out.stdout
}

fn base64_encode(text: &str) -> String {
    let out = std::process::Command::new("sh")
        .args(["-c", "printf %s \"$1\" | base64 -w0", "sh", text])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}
