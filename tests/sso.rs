//! IAM Identity Center against the test server's SSO portal and OIDC stub: tokens shared with the
//! AWS CLI's cache, refresh, device sign-in, SSO as a chain's source, and its failures.

use std::time::{Duration, Instant};

use crate::testenv::{
    SSO_CONFIG, Sh, botocore_key, cli_token, ended_token, following_browser, future, managed, run, sha1,
    sso_env, token_path,
};

#[test]
fn cli_token_cache_gives_role_credentials() {
    let env = sso_env();
    cli_token(
        &env,
        "https://legacy.awsapps.com/start",
        serde_json::json!({
            "startUrl": "https://legacy.awsapps.com/start", "region": "eu-west-1", "accessToken": "cli-token", "expiresAt": future(4)
        }),
    );
    let json = env.run(&["export", "--profile", "legacy"]).json();
    assert_eq!(json["AccessKeyId"], "ASIASSO111111111111");
    assert_eq!(json["SessionToken"], "sso-session-for-ReadOnly");
    let calls = env.calls();
    assert_eq!(env.actions(), ["GetRoleCredentials"]);
    assert_eq!(calls[0]["params"]["bearer"], "cli-token");
    assert_eq!(calls[0]["params"]["account_id"], "111111111111");
}

#[test]
fn expired_token_is_refreshed_and_written_back() {
    let env = sso_env();
    let mut token = ended_token("old-refresh");
    token["somethingTheCliAdds"] = 7.into();
    cli_token(&env, "corp", token);
    let out = env.run(&["export", "--profile", "modern"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(env.actions(), ["CreateToken", "GetRoleCredentials"]);
    assert_eq!(env.calls()[0]["params"]["refreshToken"], "old-refresh");
    assert_eq!(env.calls()[1]["params"]["bearer"], "refreshed-token");
    let path = token_path(&env, "corp");
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["accessToken"], "refreshed-token");
    assert_eq!(written["refreshToken"], "next-refresh");
    assert_eq!(written["somethingTheCliAdds"], 7, "fields awsume does not know are kept");
    assert!(written["expiresAt"].as_str().unwrap() > future(0).as_str());
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&path).unwrap().permissions()) & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn device_sign_in_completes_and_caches_the_token() {
    let env = sso_env();
    let started = Instant::now();
    let out = env.run(&["export", "--profile", "modern", "--sso-login", "--no-browser", "--use-device-code"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(started.elapsed() < crate::testenv::PROMPTLY);
    assert!(
        out.stderr
            .contains("open https://device.sso.example/?user_code=WDJB-MJHT and confirm the code WDJB-MJHT"),
        "{}",
        out.stderr
    );
    assert_eq!(
        env.actions(),
        [
            "RegisterClient",
            "StartDeviceAuthorization",
            "CreateToken",
            "CreateToken",
            "CreateToken",
            "GetRoleCredentials"
        ]
    );
    assert_eq!(env.calls()[0]["params"]["scopes"], serde_json::json!(["sso:account:access"]));
    let path = token_path(&env, "corp");
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        (written["accessToken"].as_str(), written["refreshToken"].as_str()),
        (Some("device-token"), Some("device-refresh"))
    );
    assert_eq!(written["startUrl"], "https://corp.awsapps.com/start");
    assert!(written["clientId"].is_string() && written["registrationExpiresAt"].is_string());
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&path).unwrap().permissions()) & 0o777;
    assert_eq!(mode, 0o600);
    // The next run uses the cached token: one call.
    env.run(&["export", "--profile", "modern"]).ok();
    assert_eq!(env.actions().len(), 7);
}

/// The SSO sign-in page opens through the one opener: `$BROWSER` (as for the console), with the
/// page as one argument; `--no-browser` (above) only prints it.
#[test]
fn device_sign_in_opens_the_page_with_browser() {
    let env = sso_env();
    // Keeps what it was given: its argv, and the page that argv names.
    let browser = env.write(
        "fake-browser",
        "#!/bin/sh\ncat \"${1#file://}\" > \"$HOME/browser.page\"\nprintf '%s\\n' \"$#\" \"$@\" > \"$HOME/browser.args\"\n",
    );
    std::fs::set_permissions(&browser, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut cmd = env.awsume(&["export", "--profile", "modern", "--sso-login", "--use-device-code"]);
    cmd.env("BROWSER", &browser);
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let deadline = Instant::now() + Duration::from_secs(5);
    let args = loop {
        match std::fs::read_to_string(env.path("browser.args")) {
            Ok(text) if text.lines().count() == 2 => break text,
            _ if Instant::now() > deadline => panic!("$BROWSER was not run"),
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    // The page, not the code, is in its argv: a private file that sends it on.
    assert!(args.starts_with("1\nfile://") && !args.contains("WDJB-MJHT"), "{args}");
    let page = std::fs::read_to_string(env.path("browser.page")).unwrap();
    assert!(page.contains("url=https://device.sso.example/?user_code=WDJB-MJHT"), "{page}");
}

#[test]
fn sso_is_the_source_of_a_role_chain() {
    let env = sso_env();
    cli_token(
        &env,
        "corp",
        serde_json::json!({
            "startUrl": "https://corp.awsapps.com/start", "region": "us-east-2", "accessToken": "cli-token", "expiresAt": future(4)
        }),
    );
    let out = env.run(&["export", "--profile", "on-sso"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(env.actions(), ["GetRoleCredentials", "AssumeRole"]);
    assert_eq!(env.calls()[1]["key"], "ASIASSO222222222222");
    assert_eq!(env.calls()[1]["params"]["RoleSessionName"], "on-sso");
}

#[test]
fn sso_profile_through_the_shell_function_in_bash_and_fish() {
    let env = sso_env();
    cli_token(
        &env,
        "corp",
        serde_json::json!({
            "startUrl": "https://corp.awsapps.com/start", "region": "us-east-2", "accessToken": "cli-token", "expiresAt": future(4)
        }),
    );
    for shell in [Sh::Bash, Sh::Fish] {
        let out =
            shell.run(&env, &format!("{}{}", shell.call(&["P"], "s"), shell.dump("d")), &[("P", "modern")]);
        assert_eq!(out.status, 0, "{shell:?}: {}", out.stderr);
        let vars = managed(&env, "d");
        assert_eq!(
            vars.get("AWS_ACCESS_KEY_ID").map(String::as_str),
            Some("ASIASSO222222222222"),
            "{shell:?}"
        );
        assert_eq!(vars.get("AWS_REGION").map(String::as_str), Some("eu-central-1"), "{shell:?}");
        assert_eq!(vars.get("AWSUME_PROFILE").map(String::as_str), Some("modern"), "{shell:?}");
    }
}

#[test]
fn sso_failures_are_one_clear_line() {
    let env = sso_env();
    // No token and no terminal (as a credential_process): say how to sign in, at once.
    let started = Instant::now();
    let out = env.run(&["export", "--profile", "modern"]);
    out.assert_clean_failure("run `awsume --sso-login modern` (or `aws sso login --profile modern`)");
    assert!(started.elapsed() < crate::testenv::PROMPTLY);
    assert!(env.calls().is_empty(), "no sign-in started without a terminal");
    env.run(&["export", "--profile", "ghost"]).assert_clean_failure(
        "profile \"ghost\" in ~/.aws/config: sso_session \"nowhere\" has no [sso-session nowhere] section",
    );
    // A token the portal rejects.
    cli_token(
        &env,
        "https://legacy.awsapps.com/start",
        serde_json::json!({
            "startUrl": "https://legacy.awsapps.com/start", "region": "eu-west-1", "accessToken": "expired-token", "expiresAt": future(4)
        }),
    );
    env.run(&["export", "--profile", "legacy"]).assert_clean_failure("UnauthorizedException: Session token not found or invalid (sign in again: awsume --sso-login legacy)");
    // A token for another start URL is not used.
    cli_token(
        &env,
        "corp",
        serde_json::json!({
            "startUrl": "https://elsewhere/start", "region": "us-east-2", "accessToken": "cli-token", "expiresAt": future(4)
        }),
    );
    env.run(&["export", "--profile", "modern"]).assert_clean_failure("--sso-login modern");
    let mut cmd = env.awsume(&["export", "--profile", "modern", "--sso-login", "--no-browser"]);
    cmd.env("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:9/");
    let out = run(cmd, None);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.lines().last().unwrap().ends_with("cannot reach http://127.0.0.1:9/: connection refused"),
        "{}",
        out.stderr
    );
}

#[test]
fn list_shows_sso_account_role_and_sign_in_state() {
    let env = sso_env();
    cli_token(
        &env,
        "corp",
        serde_json::json!({
            "startUrl": "https://corp.awsapps.com/start", "region": "us-east-2", "accessToken": "t", "expiresAt": future(4)
        }),
    );
    let out = env.run(&["-l"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let row = |name: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(row("modern").starts_with("modern SSO (signed in) 222222222222 - -"), "{}", out.stdout);
    assert!(row("modern").ends_with(" Admin"), "{}", out.stdout);
    assert!(row("legacy").starts_with("legacy SSO (sign-in needed) 111111111111 - -"), "{}", out.stdout);
    assert!(row("legacy").ends_with(" ReadOnly"), "{}", out.stdout);
    assert!(row("on-sso").starts_with("on-sso role 333333333333 modern -"), "{}", out.stdout);
    assert!(row("on-sso").ends_with(" arn:aws:iam::333333333333:role/deploy"), "{}", out.stdout);
    assert!(env.calls().is_empty(), "listing makes no network call");
}

#[test]
fn mfa_on_a_role_over_sso_passes_the_code_once_and_caches_the_role() {
    let env = sso_env();
    env.config(&format!("{SSO_CONFIG}\n[profile guarded]\nrole_arn = arn:aws:iam::4:role/guarded\nsource_profile = modern\nmfa_serial = arn:aws:iam::4:mfa/me\n"));
    cli_token(
        &env,
        "corp",
        serde_json::json!({
            "startUrl": "https://corp.awsapps.com/start", "region": "us-east-2", "accessToken": "cli-token", "expiresAt": future(4)
        }),
    );
    let first = env.run_stdin(&["export", "--profile", "guarded"], "246810\n");
    assert_eq!(first.status, 0, "{}", first.stderr);
    assert_eq!(env.actions(), ["GetRoleCredentials", "AssumeRole"]);
    let call = &env.calls()[1];
    assert_eq!(
        (call["params"]["SerialNumber"].as_str(), call["params"]["TokenCode"].as_str()),
        (Some("arn:aws:iam::4:mfa/me"), Some("246810"))
    );
    // Again, stdin closed: no prompt, no call at all.
    let second = env.run(&["export", "--profile", "guarded"]);
    assert_eq!(second.status, 0, "{}", second.stderr);
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(env.actions().len(), 2);
    assert_eq!(env.run(&["export", "--profile", "guarded", "--refresh"]).status, 1, "--refresh asks again");
}

#[test]
fn device_sign_in_obeys_slow_down_and_stops_on_an_expired_code() {
    let env = sso_env();
    env.config(
        "[profile slow]\nsso_start_url = https://slowdown.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 1\nsso_role_name = R\n\
         [profile late]\nsso_start_url = https://expire.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 1\nsso_role_name = R\n",
    );
    let started = Instant::now();
    let slow = env.run(&["export", "--profile", "slow", "--sso-login", "--no-browser"]);
    assert_eq!(slow.status, 0, "{}", slow.stderr);
    assert!(started.elapsed() >= Duration::from_secs(6), "slow_down adds 5 s to the interval");
    let late = env.run(&["export", "--profile", "late", "--sso-login", "--no-browser"]);
    assert_eq!(late.status, 1);
    assert!(
        late.stderr.lines().last().unwrap().contains("the sign-in code expired before it was confirmed"),
        "{}",
        late.stderr
    );
    assert!(!env.path(&format!(".aws/sso/cache/{}.json", sha1("https://expire.awsapps.com/start"))).exists());
}

/// Other tools write only what botocore requires (`accessToken`, `expiresAt`): such a token is
/// used, and kept as it was; no token and an expired one are told apart.
#[test]
fn token_caches_from_other_tools_are_used_and_sign_in_states_are_told_apart() {
    let env = sso_env();
    let minimal = serde_json::json!({"accessToken": "other-tool-token", "expiresAt": future(24 * 365), "x-tool": "kept"});
    cli_token(&env, "corp", minimal.clone());
    let out = env.run(&["export", "--profile", "modern"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(env.calls()[0]["params"]["bearer"], "other-tool-token");
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(token_path(&env, "corp")).unwrap()).unwrap();
    assert_eq!(kept, minimal, "untouched");
    let listed = env.run(&["-l"]);
    assert!(
        listed.stdout.lines().any(|l| l.starts_with("modern ") && l.contains("SSO (signed in)")),
        "{}",
        listed.stdout
    );

    std::fs::remove_file(token_path(&env, "corp")).unwrap();
    env.run(&["export", "--profile", "modern"]).assert_clean_failure(
        "there is no SSO sign-in for https://corp.awsapps.com/start and there is no terminal",
    );
    cli_token(&env, "corp", serde_json::json!({"accessToken": "old", "expiresAt": "2020-01-02T03:04:05Z"}));
    env.run(&["export", "--profile", "modern"])
        .assert_clean_failure("the SSO sign-in for https://corp.awsapps.com/start expired at 2020-01-0");
}

/// `sso_session` profiles sign in as the AWS CLI 2.22+ does: authorization code and PKCE on a
/// loopback callback; botocore then uses (and refreshes) that token, and awsume uses botocore's.
#[test]
fn sso_session_profiles_sign_in_with_the_authorization_code_and_pkce() {
    let env = sso_env();
    let browser = following_browser(&env);
    let mut cmd = env.awsume(&["export", "--profile", "modern", "--sso-login"]);
    cmd.env("BROWSER", &browser);
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.json()["AccessKeyId"], "ASIASSO222222222222");
    assert_eq!(env.actions(), ["RegisterClient", "Authorize", "CreateToken", "GetRoleCredentials"]);
    // The authorize page reached the browser in a private file: its state, challenge and callback
    // port were in no argv another local user could read.
    let argv = std::fs::read_to_string(env.path("browser.argv")).unwrap();
    assert!(argv.starts_with("file://") && !argv.contains("state") && !argv.contains("challenge"), "{argv}");
    let calls = env.calls();
    let register = &calls[0]["params"];
    assert_eq!(register["grantTypes"], serde_json::json!(["authorization_code", "refresh_token"]));
    assert_eq!(register["redirectUris"], serde_json::json!(["http://127.0.0.1/oauth/callback"]));
    assert_eq!(register["issuerUrl"], "https://corp.awsapps.com/start");
    assert_eq!(register["scopes"], serde_json::json!(["sso:account:access"]));
    assert_eq!(calls[2]["params"]["grantType"], "authorization_code");
    let path = token_path(&env, "corp");
    let token: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for field in [
        "startUrl",
        "region",
        "accessToken",
        "expiresAt",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    ] {
        assert!(token[field].is_string(), "{field} in {token}");
    }
    assert_eq!(token["accessToken"], "code-token");
    for file in std::fs::read_dir(env.path(".aws/sso/cache")).unwrap() {
        assert_eq!(crate::testenv::mode(&file.unwrap().path()), 0o600);
    }
    // botocore uses the token as it is: no sign-in, no token call.
    assert_eq!(botocore_key(&env, "modern", &[]), "ASIASSO222222222222");
    assert_eq!(env.actions()[4..], ["GetRoleCredentials"]);
    // Near its end, botocore refreshes it with the stored client; awsume then uses botocore's.
    let mut near = token.clone();
    near["expiresAt"] = serde_json::Value::String(future_minutes(3));
    std::fs::write(&path, near.to_string()).unwrap();
    assert_eq!(botocore_key(&env, "modern", &[]), "ASIASSO222222222222");
    assert_eq!(env.actions()[5..], ["CreateToken", "GetRoleCredentials"], "botocore refreshed");
    let refreshed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(refreshed["accessToken"], "refreshed-token");
    env.run(&["export", "--profile", "modern"]).ok();
    assert_eq!(env.actions()[7..], ["GetRoleCredentials"], "awsume used botocore's token");
    assert_eq!(env.calls()[7]["params"]["bearer"], "refreshed-token");
    // A second sign-in reuses the registration.
    let mut cmd = env.awsume(&["export", "--profile", "modern", "--sso-login"]);
    cmd.env("BROWSER", &browser);
    run(cmd, None).ok();
    assert_eq!(env.actions()[8..], ["Authorize", "CreateToken", "GetRoleCredentials"]);
}

/// `--use-device-code`, and legacy profiles, take the device flow, with a registration of their own.
#[test]
fn device_code_on_request_and_for_legacy_profiles() {
    let env = sso_env();
    let out = env.run(&["export", "--profile", "legacy", "--sso-login", "--no-browser"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(env.actions()[..2], ["RegisterClient", "StartDeviceAuthorization"]);
    assert!(env.calls()[0]["params"].get("grantTypes").is_none(), "a device registration");
    let browser = following_browser(&env);
    let mut cmd = env.awsume(&["export", "--profile", "modern", "--sso-login"]);
    cmd.env("BROWSER", &browser);
    run(cmd, None).ok();
    let out = env.run(&["export", "--profile", "modern", "--sso-login", "--no-browser", "--use-device-code"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let registrations: Vec<_> = env
        .calls()
        .into_iter()
        .filter(|c| c["action"] == "RegisterClient")
        .map(|c| c["params"].clone())
        .collect();
    assert_eq!(registrations.len(), 3, "code and device registrations are never shared: {registrations:?}");
    for file in std::fs::read_dir(env.path(".aws/sso/cache")).unwrap() {
        assert_eq!(crate::testenv::mode(&file.unwrap().path()), 0o600);
    }
}

fn future_minutes(minutes: i64) -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("{minutes} minutes"), "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// `awsume sso populate SESSION`: a profile per account and role (every page), the file kept
/// byte for byte, idempotent, `--dry-run` writes nothing, `--prune` removes only generated
/// profiles whose access is gone; botocore resolves a generated profile; `-l` lists them.
#[test]
fn sso_populate_writes_one_profile_per_account_and_role() {
    let env = sso_env();
    let mine = format!(
        "{SSO_CONFIG}\n# hand-written, never touched\n[profile prod-payments.readonly]\nregion = us-west-2\n"
    );
    env.config(&mine);
    cli_token(
        &env,
        "corp",
        serde_json::json!({"accessToken": "cached-token", "expiresAt": future(8), "startUrl": "https://corp.awsapps.com/start"}),
    );
    let dry = env.run(&["sso", "populate", "corp", "--dry-run"]);
    assert_eq!(dry.status, 0, "{}", dry.stderr);
    assert_eq!(std::fs::read_to_string(env.path(".aws/config")).unwrap(), mine, "--dry-run writes nothing");
    assert!(
        dry.stdout.starts_with(&mine) && dry.stdout.contains("[profile shared-services.readonly]"),
        "{}",
        dry.stdout
    );
    let out = env.run(&["sso", "populate", "corp"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("4 profiles for [sso-session corp]") && out.stderr.contains("4 new"),
        "{}",
        out.stderr
    );
    let written = std::fs::read_to_string(env.path(".aws/config")).unwrap();
    assert!(written.starts_with(&mine), "every byte that was there stays");
    // The hand-written name is taken: its access gets a name of its own, the section stays yours.
    assert!(
        written.contains("[profile prod-payments.readonly-111111111111]\nsso_session = corp\n"),
        "{written}"
    );
    assert!(written.contains(
        "[profile dev-sandbox.developer]\nsso_session = corp\nsso_account_id = 222222222222\nsso_role_name = Developer\nregion = us-east-2\nawsume_generated = corp\n"
    ), "{written}");
    let actions = env.actions();
    // The dry run and the real one: each asked both pages of accounts, one role a page.
    assert_eq!(actions.iter().filter(|a| *a == "ListAccounts").count(), 2 * 2, "{actions:?}");
    assert_eq!(
        actions.iter().filter(|a| *a == "ListAccountRoles").count(),
        2 * 4,
        "one role a page: {actions:?}"
    );
    env.run(&["sso", "populate", "corp"]).ok();
    assert_eq!(
        std::fs::read_to_string(env.path(".aws/config")).unwrap(),
        written,
        "a second run changes nothing"
    );
    // Completion and -l see them at once; botocore resolves one.
    let names = env.run(&["--complete", "--", "dev-"]);
    assert_eq!(names.stdout.trim(), "dev-sandbox.developer");
    let list = env.run(&["-l"]);
    assert!(
        list.stdout.lines().any(|l| l.starts_with("shared-services.readonly ") && l.contains("333333333333")),
        "{}",
        list.stdout
    );
    assert_eq!(botocore_key(&env, "dev-sandbox.developer", &[]), "ASIASSO222222222222");
    // An account whose access is gone: --prune removes its generated profile, nothing else.
    cli_token(
        &env,
        "corp",
        serde_json::json!({"accessToken": "shrunk-token", "expiresAt": future(8), "startUrl": "https://corp.awsapps.com/start"}),
    );
    let out = env.run(&["sso", "populate", "corp", "--prune"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let pruned = std::fs::read_to_string(env.path(".aws/config")).unwrap();
    assert!(!pruned.contains("[profile shared-services.readonly]"), "{pruned}");
    assert!(pruned.starts_with(&mine) && pruned.contains("[profile dev-sandbox.developer]"), "{pruned}");
}

/// The sign-in's listener, meanwhile visited by an idle connection, a forged callback with another
/// state and a request line split in two: each gets its answer, none ends the sign-in, and the
/// real redirect completes it.
#[test]
fn a_forged_callback_does_not_end_the_real_sign_in() {
    let env = sso_env();
    let script = format!(
        r#"#!{python}
import html, re, socket, sys, time, urllib.error, urllib.parse, urllib.request
page = open(sys.argv[1][len("file://"):]).read()
url = html.unescape(re.search(r'url=([^"]*)"', page).group(1))
callback = urllib.parse.urlparse(urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["redirect_uri"][0])
address = (callback.hostname, callback.port)
idle = socket.create_connection(address)
seen = []
try:
    urllib.request.urlopen(f"http://{{address[0]}}:{{address[1]}}/oauth/callback?code=evil&state=forged", timeout=10)
    seen.append("forged: 200")
except urllib.error.HTTPError as e:
    seen.append(f"forged: {{e.code}}")
split = socket.create_connection(address)
split.sendall(b"GET /oauth/callback?code=x&st")
time.sleep(0.3)
split.sendall(b"ate=wrong HTTP/1.1\r\nHost: x\r\n\r\n")
seen.append("split: " + split.recv(64).decode().split("\r\n")[0])
open(sys.argv[0] + ".seen", "w").write("\n".join(seen))
urllib.request.urlopen(url, timeout=10).read()
"#,
        python = crate::testenv::python().display()
    );
    let browser = env.write("visitor", &script);
    std::fs::set_permissions(&browser, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut cmd = env.awsume(&["export", "--profile", "modern", "--sso-login"]);
    cmd.env("BROWSER", &browser);
    let out = run(cmd, None);
    out.ok();
    assert_eq!(out.json()["AccessKeyId"], "ASIASSO222222222222");
    let seen = std::fs::read_to_string(env.path("visitor.seen")).unwrap();
    assert_eq!(seen, "forged: 400\nsplit: HTTP/1.1 400 Bad Request", "{seen}");
}

/// What a portal may hold: an account name with no ASCII letters (`本番`), an account called
/// "Default", roles that clean to one name, a role name with a line break. The file stays one that
/// botocore's configparser and awsume read, the hand-written `[default]` untouched, every role its
/// own profile, the broken one skipped with a note.
#[test]
fn populate_keeps_the_config_readable_whatever_the_portal_says() {
    let env = sso_env();
    let mine = format!("{SSO_CONFIG}\n[default]\nregion = eu-west-1\n");
    env.config(&mine);
    let token = serde_json::json!({"accessToken": "hostile-token", "expiresAt": future(8), "startUrl": "https://corp.awsapps.com/start"});
    cli_token(&env, "corp", token);
    for template in ["{account_name}", "{account_name}.{role_name}"] {
        let out = env.run(&["sso", "populate", "corp", "--template", template]);
        out.ok();
        assert!(out.stderr.contains("skipped role \"Bad\\n[victim]\""), "{}", out.stderr);
    }
    let written = std::fs::read_to_string(env.path(".aws/config")).unwrap();
    assert!(written.starts_with(&mine), "every byte that was there stays");
    assert!(!written.contains("[profile default]") && !written.contains("[victim]"), "{written}");
    for name in ["444444444444", "default-555555555555", "444444444444.admin", "default.admin"] {
        assert!(written.contains(&format!("[profile {name}]\n")), "{name}: {written}");
    }
    let dev_ops: Vec<&str> =
        written.lines().filter(|l| l.starts_with("[profile ops.dev-ops-666666666666-")).collect();
    assert_eq!(dev_ops.len(), 3, "{written}");
    let sections = env.command(crate::testenv::python()).args([
        "-c",
        "import configparser, sys; c = configparser.ConfigParser(); c.read(sys.argv[1]); print(len(c.sections()))",
        env.path(".aws/config").to_str().unwrap(),
    ]).output().unwrap();
    assert!(sections.status.success(), "configparser: {}", String::from_utf8_lossy(&sections.stderr));
    env.run(&["-l"]).ok();
}

/// A portal that pages forever: stopped with one line, the file untouched.
#[test]
fn populate_stops_a_portal_that_pages_forever() {
    let env = sso_env();
    cli_token(
        &env,
        "corp",
        serde_json::json!({"accessToken": "endless-token", "expiresAt": future(8), "startUrl": "https://corp.awsapps.com/start"}),
    );
    let started = Instant::now();
    env.run(&["sso", "populate", "corp"])
        .assert_clean_failure("ListAccounts: the SSO portal still had more after 500 pages");
    assert!(started.elapsed() < crate::testenv::PROMPTLY, "{:?}", started.elapsed());
    assert_eq!(std::fs::read_to_string(env.path(".aws/config")).unwrap(), SSO_CONFIG);
}
