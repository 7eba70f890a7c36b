//! Browser sign-ins on a fixed callback port (`--redirect-port`, `sso_redirect_port`,
//! `login_redirect_port`, the `redirect-port` setting), and signing in anew with the session's
//! clock reset (`--sso-login --force` signs out of the portal first; `--login --force` forgets the
//! console session first).

use crate::testenv::{Output, TestEnv, cli_token, following_browser, future, run, sso_env, token_path};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn signed_in_with(env: &TestEnv, args: &[&str]) -> Output {
    let browser = following_browser(env);
    let mut cmd = env.awsume(args);
    cmd.env("BROWSER", &browser);
    run(cmd, None)
}

fn authorize_redirect(env: &TestEnv) -> String {
    let calls = env.calls();
    let authorize = calls.iter().rev().find(|c| c["action"] == "Authorize").expect("an Authorize call");
    authorize["params"]["redirect_uri"].as_str().unwrap().to_string()
}

#[test]
fn a_fixed_callback_port_is_the_redirect_uri_and_a_taken_one_is_one_line() {
    let env = sso_env();
    let port = free_port();
    let port_text = port.to_string();
    let out = signed_in_with(
        &env,
        &["export", "--profile", "modern", "--sso-login", "--redirect-port", &port_text],
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(authorize_redirect(&env), format!("http://127.0.0.1:{port}/oauth/callback"));
    // Taken: one line naming it, nothing signed in.
    let taken = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let before = std::fs::read_to_string(token_path(&env, "corp")).unwrap();
    let out = signed_in_with(
        &env,
        &["export", "--profile", "modern", "--sso-login", "--redirect-port", &port_text],
    );
    out.assert_clean_failure(&format!("port {port} on 127.0.0.1 is in use"));
    assert_eq!(std::fs::read_to_string(token_path(&env, "corp")).unwrap(), before);
    drop(taken);
    // The session's own key, then the setting; the flag wins over both.
    let (own, setting) = (free_port(), free_port());
    let config = std::fs::read_to_string(env.path(".aws/config")).unwrap();
    env.config(
        &config.replace("[sso-session corp]\n", &format!("[sso-session corp]\nsso_redirect_port = {own}\n")),
    );
    assert!(signed_in_with(&env, &["export", "--profile", "modern", "--sso-login"]).status == 0);
    assert_eq!(authorize_redirect(&env), format!("http://127.0.0.1:{own}/oauth/callback"));
    env.config(&config);
    env.write(".awsume/config.yaml", &format!("redirect-port: {setting}\n"));
    assert!(signed_in_with(&env, &["modern", "--sso-login", "--emit", "bash"]).status == 0);
    assert_eq!(authorize_redirect(&env), format!("http://127.0.0.1:{setting}/oauth/callback"));
    // Over SSH, where no browser opens here: the note names the forward to use.
    let mut cmd = env.awsume(&["modern", "--sso-login", "--emit", "bash", "--redirect-port", &port_text]);
    cmd.env("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22").env_remove("DISPLAY").env("BROWSER", "");
    let out = run(cmd, Some(""));
    assert!(out.stderr.contains(&format!("ssh -L {port}:127.0.0.1:{port}")), "{}", out.stderr);
}

#[test]
fn sso_login_force_signs_out_of_the_portal_first_and_drops_the_token() {
    let env = sso_env();
    cli_token(
        &env,
        "corp",
        serde_json::json!({
            "startUrl": "https://corp.awsapps.com/start", "region": "us-east-2", "accessToken": "still-valid",
            "expiresAt": future(4), "clientId": "cid", "clientSecret": "csecret",
            "registrationExpiresAt": future(24 * 30), "refreshToken": "r"
        }),
    );
    let out = signed_in_with(&env, &["export", "--profile", "modern", "--sso-login", "--force"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let calls = env.calls();
    assert_eq!(calls[0]["action"], "Logout", "{calls:?}");
    assert_eq!(calls[0]["params"]["bearer"], "still-valid");
    assert_eq!(calls.iter().filter(|c| c["action"] == "Logout").count(), 1);
    assert!(calls.iter().any(|c| c["action"] == "Authorize"), "a new sign-in: {calls:?}");
    let token: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(token_path(&env, "corp")).unwrap()).unwrap();
    assert_ne!(token["accessToken"], "still-valid", "the old token is gone");
    // --force alone is no sign-out.
    env.run(&["modern", "--force"]).assert_clean_failure("--force goes with --sso-login or --login");
}

#[test]
fn login_force_forgets_the_console_session_and_login_redirect_port_is_used() {
    let env = TestEnv::new();
    let port = free_port();
    env.config(&format!("[profile console-user]\nregion = eu-west-1\nlogin_redirect_port = {port}\n"));
    let out = signed_in_with(&env, &["console-user", "--login", "--emit", "bash"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(authorize_redirect(&env), format!("http://127.0.0.1:{port}/oauth/callback"));
    let out = signed_in_with(&env, &["console-user", "--login", "--force", "--emit", "bash"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("signing in anew"), "{}", out.stderr);
    assert_eq!(env.actions().iter().filter(|a| *a == "Authorize").count(), 2);
}

/// A start URL on a custom domain is followed one redirect to an Identity Center one, which is
/// the issuer; anywhere else, or a second redirect, is refused in one line. A start URL whose host
/// names its region needs no `sso_region`.
#[test]
fn vanity_start_urls_redirect_once_and_newer_hosts_name_their_region() {
    let env = TestEnv::new();
    let (tls, ca) = env.tls_endpoint();
    let ca_file = env.write("ca.pem", &ca);
    let custom = |to: &str| {
        format!(
            "{tls}custom?to={}",
            percent_encoding::utf8_percent_encode(to, percent_encoding::NON_ALPHANUMERIC)
        )
    };
    let profile = |start: &str, region: &str| {
        format!(
            "[sso-session s]\nsso_start_url = {start}\n{region}[profile p]\nsso_session = s\nsso_account_id = 111111111111\nsso_role_name = Admin\n"
        )
    };
    let sign_in = |env: &TestEnv| {
        let browser = following_browser(env);
        let mut cmd = env.awsume(&["export", "--profile", "p", "--sso-login"]);
        cmd.env("BROWSER", &browser).env("AWS_CA_BUNDLE", &ca_file);
        run(cmd, None)
    };
    env.config(&profile(&custom("https://vanity.awsapps.com/start"), "sso_region = us-east-2\n"));
    let out = sign_in(&env);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let register = env.calls().into_iter().find(|c| c["action"] == "RegisterClient").unwrap();
    assert_eq!(register["params"]["issuerUrl"], "https://vanity.awsapps.com/start");
    assert!(token_path(&env, "s").exists(), "the token is kept under the session's name");
    env.config(&profile(&custom("https://sso.example.com/start"), "sso_region = us-east-2\n"));
    sign_in(&env).assert_clean_failure(
        "redirects to https://sso.example.com/start, which is not an IAM Identity Center address",
    );
    env.config(&profile(&custom(&custom("https://twice.awsapps.com/start")), "sso_region = us-east-2\n"));
    sign_in(&env).assert_clean_failure("which is not an IAM Identity Center address: not followed");
    // The region from the host: no sso_region.
    env.config(&profile("https://ssoins-1.portal.us-east-2.app.aws", ""));
    let out = sign_in(&env);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let token: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(token_path(&env, "s")).unwrap()).unwrap();
    assert_eq!(token["region"], "us-east-2");
    env.config(&profile("https://d-1.awsapps.com/start", ""));
    env.run(&["export", "--profile", "p"]).assert_clean_failure(
        "sso_region is not set, and the start URL https://d-1.awsapps.com/start names no region",
    );
}
