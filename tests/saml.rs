//! SAML profiles against the test STS's AssumeRoleWithSAML (which checks the role and provider pair
//! against the assertion) and its stub identity provider: `saml_process`, the kept assertion, the
//! role choice (one line, or the picker through tmux), chaining, and `saml_url` through Debian's
//! Chromium, headless, driven over the DevTools pipe.

use std::process::Stdio;

use crate::testenv::{Output, TestEnv, Tmux, mode, python};

const ADMIN: &str = "arn:aws:iam::111111111111:role/Admin";
const READ: &str = "arn:aws:iam::222222222222:role/ReadOnly";
const OKTA_1: &str = "arn:aws:iam::111111111111:saml-provider/Okta";
const OKTA_2: &str = "arn:aws:iam::222222222222:saml-provider/Okta";

/// The stub IdP's page offering Admin (role first) and ReadOnly (provider first), for 12 h at most.
fn idp_url(env: &TestEnv) -> String {
    format!("{}idp?roles={ADMIN},{OKTA_1};{OKTA_2},{READ}&duration=7200", env.endpoint)
}

/// A `saml_process` that prints what the stub IdP's page posts and counts its runs in `$HOME/runs`.
fn saml_process(env: &TestEnv) -> String {
    broker(env, "broker", &idp_url(env))
}

/// A `saml_process` named `name` that prints what the IdP page at `url` posts.
fn broker(env: &TestEnv, name: &str, url: &str) -> String {
    let script = format!(
        "#!/bin/sh\necho run >> \"$HOME/runs\"\ncurl -s --max-time 10 '{url}' | sed -n 's/.*name=\"SAMLResponse\" value=\"\\([^\"]*\\)\".*/\\1/p'\n"
    );
    let path = env.write(name, &script);
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path.display().to_string()
}

fn runs(env: &TestEnv) -> usize {
    std::fs::read_to_string(env.path("runs")).map(|t| t.lines().count()).unwrap_or(0)
}

fn saml_env() -> TestEnv {
    let env = TestEnv::new();
    let broker = saml_process(&env);
    env.config(&format!(
        "[profile admin]\nsaml_process = {broker}\nrole_arn = {ADMIN}\nregion = eu-west-1\n\
         [profile read]\nsaml_process = {broker}\nrole_arn = {READ}\nduration_seconds = 900\n\
         [profile any]\nsaml_process = {broker}\n\
         [profile missing]\nsaml_process = {broker}\nrole_arn = arn:aws:iam::333333333333:role/Nope\n\
         [profile deploy]\nrole_arn = arn:aws:iam::111111111111:role/Deploy\nsource_profile = admin\n"
    ));
    env
}

fn process_json(env: &TestEnv, profile: &str, extra: &[&str]) -> Output {
    let mut args = vec!["export", "--profile", profile, "--format", "process"];
    args.extend_from_slice(extra);
    env.run(&args)
}

fn saml_calls(env: &TestEnv) -> Vec<serde_json::Value> {
    env.calls().into_iter().filter(|c| c["action"] == "AssumeRoleWithSAML").collect()
}

#[test]
fn saml_process_assumes_the_profiles_role_with_its_paired_provider_and_the_assertions_duration() {
    let env = saml_env();
    let out = process_json(&env, "admin", &["--debug"]);
    let json = out.ok().json();
    assert!(json["AccessKeyId"].as_str().unwrap().starts_with("ASIASAML"), "{json}");
    let calls = saml_calls(&env);
    assert_eq!(calls.len(), 1);
    let params = &calls[0]["params"];
    assert_eq!((params["RoleArn"].as_str(), params["PrincipalArn"].as_str()), (Some(ADMIN), Some(OKTA_1)));
    assert_eq!(params["DurationSeconds"], "7200", "the assertion's SessionDuration");
    assert_eq!(calls[0]["signed"], false, "AssumeRoleWithSAML is unsigned");
    // The assertion is a credential: in no message, not even --debug's.
    let kept = std::fs::read_dir(env.path(".awsume/cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("saml-") && p.extension().is_none())
        .expect("the assertion is kept");
    let assertion = std::fs::read_to_string(&kept).unwrap();
    assert!(assertion.len() > 100 && !out.stderr.contains(&assertion[..40]), "{}", out.stderr);
    assert_eq!((mode(&kept), mode(&env.path(".awsume/cache"))), (0o600, 0o700));

    // Another role of the same assertion: no second sign-in; its own duration.
    let read = process_json(&env, "read", &[]);
    read.ok();
    assert_eq!(runs(&env), 1, "saml_process ran once for both roles");
    let calls = saml_calls(&env);
    assert_eq!(calls.len(), 2);
    assert_eq!(
        (calls[1]["params"]["RoleArn"].as_str(), calls[1]["params"]["PrincipalArn"].as_str()),
        (Some(READ), Some(OKTA_2)),
        "the provider paired with the role, written the other way round"
    );
    assert_eq!(calls[1]["params"]["DurationSeconds"], "900");

    // Again: the role cache, no call; -r forgets the assertion and signs in again.
    process_json(&env, "admin", &[]).ok();
    assert_eq!((runs(&env), saml_calls(&env).len()), (1, 2));
    process_json(&env, "admin", &["-r"]).ok();
    assert_eq!((runs(&env), saml_calls(&env).len()), (2, 3));
}

#[test]
fn the_role_choice_without_a_terminal_is_one_line_and_no_call() {
    let env = saml_env();
    let out = process_json(&env, "any", &[]);
    out.assert_clean_failure("the SAML assertion offers 2 roles; name one with role_arn in profile \"any\"");
    assert!(out.stderr.contains(ADMIN) && out.stderr.contains(READ), "{}", out.stderr);
    assert!(saml_calls(&env).is_empty(), "no STS call");
    let out = process_json(&env, "missing", &[]);
    out.assert_clean_failure(
        "role_arn arn:aws:iam::333333333333:role/Nope is not among the roles the SAML assertion offers",
    );
    assert!(out.stderr.contains("profile \"missing\""), "{}", out.stderr);
    assert_eq!(runs(&env), 1, "the kept assertion served the second run");
    assert!(saml_calls(&env).is_empty());
    // STS's refusal, in its words; an assertion with no role at all.
    let denied = "arn:aws:iam::333333333333:role/denied";
    let refused = broker(&env, "refused", &format!("{}idp?roles={denied},{OKTA_1}", env.endpoint));
    let empty = broker(&env, "empty", &format!("{}idp?roles=", env.endpoint));
    env.config(&format!(
        "[profile refused]\nsaml_process = {refused}\n[profile empty]\nsaml_process = {empty}\n"
    ));
    let out = process_json(&env, "refused", &[]);
    out.assert_clean_failure(&format!(
        "profile \"refused\": SAML: AssumeRoleWithSAML {denied}: AccessDenied: Not authorized"
    ));
    process_json(&env, "empty", &[]).assert_clean_failure(
        "profile \"empty\": SAML: the SAML assertion offers no role: it has no https://aws.amazon.com/SAML/Attributes/Role attribute",
    );
}

#[test]
fn a_saml_role_is_a_source_for_a_chain_and_listed_as_saml() {
    let env = saml_env();
    let json = process_json(&env, "deploy", &[]).ok().json();
    let actions = env.actions();
    assert_eq!(actions.iter().filter(|a| *a == "AssumeRoleWithSAML").count(), 1, "{actions:?}");
    let assume =
        env.calls().into_iter().find(|c| c["action"] == "AssumeRole").expect("the chained AssumeRole");
    assert!(assume["key"].as_str().unwrap().starts_with("ASIASAML"), "signed by the SAML role: {assume}");
    assert!(json["AccessKeyId"].as_str().is_some());
    let list = env.run(&["-l"]);
    let line = list.ok().stdout.lines().find(|l| l.starts_with("admin ")).unwrap().to_string();
    assert!(line.contains("SAML") && line.contains("111111111111"), "{line}");
}

#[test]
fn concurrent_callers_share_one_sign_in_and_one_call() {
    let env = saml_env();
    let children: Vec<_> = (0..10)
        .map(|_| {
            let mut cmd = env.command("setsid");
            cmd.arg(crate::testenv::BIN).args(["export", "--profile", "admin", "--format", "process"]);
            cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!((runs(&env), saml_calls(&env).len()), (1, 1));
}

#[test]
fn the_picker_offers_the_assertions_roles_on_a_terminal() {
    let env = saml_env();
    let tmux = Tmux { env: &env, socket: format!("awsume-{}-saml", env.id) };
    let home = env.home.path().display().to_string();
    let command = format!(
        "{} export --profile any --format env > '{home}/picked'; echo exit=$? > '{home}/done'; sleep 60",
        crate::testenv::BIN
    );
    tmux.tmux(&["new-session", "-d", "-s", "s", "-x", "120", "-y", "30", "-c", &home, "sh", "-c", &command]);
    tmux.wait_for(|s| s.contains("222222222222  ReadOnly") && s.contains("111111111111  Admin"), "the roles");
    tmux.keys(&["Down"]);
    tmux.keys(&["Enter"]);
    let done = env.path("done");
    tmux.wait_for(|_| done.exists(), "awsume to finish");
    assert_eq!(std::fs::read_to_string(&done).unwrap().trim(), "exit=0");
    let picked = std::fs::read_to_string(env.path("picked")).unwrap();
    assert!(picked.contains("ASIASAML"), "{picked}");
    let calls = saml_calls(&env);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["params"]["RoleArn"], READ);
}

#[test]
fn saml_url_takes_the_assertion_from_chromiums_post_and_the_browser_is_gone_after() {
    let env = TestEnv::new();
    env.config(&format!("[profile web]\nsaml_url = {}\nrole_arn = {READ}\n", idp_url(&env)));
    let out = crate::testenv::run(export_web(&env), None);
    let json = out.ok().json();
    assert!(json["AccessKeyId"].as_str().unwrap().starts_with("ASIASAML"), "{json}");
    let actions = env.actions();
    assert_eq!(actions.iter().filter(|a| *a == "IdPPage").count(), 1, "{actions:?}");
    assert!(!actions.contains(&"SigninSAML".to_string()), "the POST never reached the sign-in: {actions:?}");
    let calls = saml_calls(&env);
    assert_eq!((calls.len(), calls[0]["params"]["PrincipalArn"].as_str()), (1, Some(OKTA_2)));
    assert!(env.path(".awsume/saml-browser").is_dir(), "the browser profile is awsume's own");
    assert_eq!(mode(&env.path(".awsume/saml-browser")), 0o700);
    // No browser outlives the run: nothing holds the profile directory.
    assert_eq!(browsers(&env), "", "a browser is still running");
}

/// The variables that make `saml_url` use Debian's Chromium, headless, against this test's stubs.
fn chromium(env: &TestEnv) -> Vec<(&'static str, String)> {
    let home = env.home.path().display().to_string();
    vec![
        ("AWSUME_SAML_BROWSER", "chromium --headless=new --no-sandbox --disable-gpu".to_string()),
        ("AWS_ENDPOINT_URL_SIGNIN", env.endpoint.clone()),
        // Chromium's own scratch files (its singleton socket) stay in this HOME, not in /tmp.
        ("TMPDIR", format!("{home}/.run")),
    ]
}

/// `export --profile web --format process` with Debian's Chromium against this test's stubs.
fn export_web(env: &TestEnv) -> std::process::Command {
    let mut cmd = env.awsume(&["export", "--profile", "web", "--format", "process"]);
    cmd.envs(chromium(env));
    cmd
}

/// The processes whose command line names this test's browser profile.
fn browsers(env: &TestEnv) -> String {
    let profile = env.path(".awsume/saml-browser").display().to_string();
    let out = std::process::Command::new("pgrep").args(["-f", &profile]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_until(what: impl Fn() -> bool, label: &str) {
    let start = std::time::Instant::now();
    while !what() {
        assert!(start.elapsed() < crate::testenv::PROMPTLY, "waited for {label}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn the_browser_never_outlives_awsume_even_when_awsume_is_killed() {
    let env = TestEnv::new();
    env.config(&format!("[profile web]\nsaml_url = {}&post=no\nrole_arn = {READ}\n", idp_url(&env)));
    let mut cmd = export_web(&env);
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    let mut awsume = cmd.spawn().unwrap();
    // The page is open and waits for a person who never signs in.
    wait_until(|| env.actions().contains(&"IdPPage".to_string()), "the IdP's page to open");
    assert!(!browsers(&env).is_empty(), "the browser runs while awsume waits");
    awsume.kill().unwrap();
    awsume.wait().unwrap();
    wait_until(|| browsers(&env).is_empty(), "the browser to end with awsume");
    assert!(saml_calls(&env).is_empty());
}

#[test]
fn a_browser_that_is_missing_or_ends_early_is_one_line() {
    let env = TestEnv::new();
    env.config(&format!("[profile web]\nsaml_url = {}\nrole_arn = {READ}\n", idp_url(&env)));
    let bin_dir = std::path::Path::new(crate::testenv::BIN).parent().unwrap().display().to_string();
    // No Chromium-family browser on PATH, a display to open one on.
    let mut cmd = env.awsume(&["export", "--profile", "web", "--format", "process"]);
    cmd.env("PATH", &bin_dir).env("DISPLAY", ":9");
    crate::testenv::run(cmd, None).assert_clean_failure(
        "no Chrome, Chromium, Edge or Brave found for saml_url: name one with saml_browser",
    );
    // A browser that exits at once.
    let mut cmd = export_web(&env);
    cmd.env("AWSUME_SAML_BROWSER", "false");
    crate::testenv::run(cmd, None).assert_clean_failure(
        "profile \"web\": SAML: the browser closed before the identity provider posted to AWS",
    );
    // Flags that rule out a browser here.
    for flag in ["--no-browser", "--remote"] {
        env.run(&["export", "--profile", "web", "--format", "process", flag]).assert_clean_failure(&format!(
            "saml_url signs in through a browser awsume starts on this machine, which {flag} rules out"
        ));
    }
    // No display and no browser named: said, nothing started.
    let mut cmd = env.awsume(&["export", "--profile", "web", "--format", "process"]);
    cmd.env("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22");
    crate::testenv::run(cmd, None)
        .assert_clean_failure("this is an SSH session without a display, so no browser can sign in here");
    assert!(env.actions().is_empty(), "{:?}", env.actions());
}

#[test]
fn a_popup_the_identity_provider_opens_is_intercepted_too() {
    let env = TestEnv::new();
    env.config(&format!("[profile web]\nsaml_url = {}&popup=yes\nrole_arn = {ADMIN}\n", idp_url(&env)));
    let mut cmd = export_web(&env);
    // Real IdPs open popups on a click; the stub opens one at once, which the blocker would stop.
    cmd.env(
        "AWSUME_SAML_BROWSER",
        "chromium --headless=new --no-sandbox --disable-gpu --disable-popup-blocking",
    );
    crate::testenv::run(cmd, None).ok();
    let actions = env.actions();
    assert_eq!(actions.iter().filter(|a| *a == "IdPPage").count(), 2, "the page and its popup: {actions:?}");
    assert!(!actions.contains(&"SigninSAML".to_string()), "{actions:?}");
    assert_eq!(saml_calls(&env).len(), 1);
    assert_eq!(browsers(&env), "");
}

#[test]
fn an_assertion_too_short_lived_to_serve_another_run_is_not_kept() {
    let env = TestEnv::new();
    let short = broker(
        &env,
        "broker",
        &format!("{}idp?roles={ADMIN},{OKTA_1};{OKTA_2},{READ}&life=10", env.endpoint),
    );
    env.config(&format!("[profile admin]\nsaml_process = {short}\nrole_arn = {ADMIN}\n[profile read]\nsaml_process = {short}\nrole_arn = {READ}\n"));
    process_json(&env, "admin", &[]).ok();
    process_json(&env, "read", &[]).ok();
    assert_eq!((runs(&env), saml_calls(&env).len()), (2, 2), "each role signed in");
    let kept = std::fs::read_dir(env.path(".awsume/cache")).map_or(0, |dir| {
        dir.filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            let name = name.to_string_lossy();
            name.starts_with("saml-") && !name.ends_with(".lock")
        })
        .count()
    });
    assert_eq!(kept, 0, "nothing kept");
}

#[test]
fn ctrl_c_while_the_idp_page_waits_changes_nothing_and_ends_the_browser() {
    let env = TestEnv::new();
    env.config(&format!("[profile web]\nsaml_url = {}&post=no\nrole_arn = {READ}\n", idp_url(&env)));
    let tmux = Tmux { env: &env, socket: format!("awsume-{}-saml-ctrl-c", env.id) };
    crate::testenv::start(&tmux, &env, crate::testenv::Sh::Bash);
    tmux.wait_for(|s| !s.trim().is_empty(), "the prompt");
    let exports: Vec<String> = chromium(&env).iter().map(|(k, v)| format!("export {k}='{v}'")).collect();
    tmux.keys(&["-l", &format!("{}; awsume web", exports.join("; "))]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(|s| s.contains("signing in at the identity provider"), "the sign-in to start");
    wait_until(|| !browsers(&env).is_empty(), "the browser");
    tmux.keys(&["C-c"]);
    let result = env.path("after");
    tmux.keys(&[
        "-l",
        &format!("echo \"status=$? key=${{AWS_ACCESS_KEY_ID:-none}}\" > '{}'", result.display()),
    ]);
    tmux.keys(&["Enter"]);
    wait_until(|| std::fs::read_to_string(&result).is_ok_and(|t| t.ends_with('\n')), "the shell's answer");
    assert_eq!(std::fs::read_to_string(&result).unwrap().trim(), "status=130 key=none");
    wait_until(|| browsers(&env).is_empty(), "the browser to end");
    assert!(saml_calls(&env).is_empty());
}

#[test]
fn without_role_arn_the_role_session_outlives_the_assertion() {
    let env = TestEnv::new();
    // One role, an assertion too short-lived to keep: the role session (an hour) serves the next run.
    let short = broker(&env, "broker", &format!("{}idp?roles={ADMIN},{OKTA_1}&life=10", env.endpoint));
    env.config(&format!("[profile only]\nsaml_process = {short}\n"));
    let first = process_json(&env, "only", &[]).ok().json();
    let second = process_json(&env, "only", &[]).ok().json();
    assert_eq!(first["AccessKeyId"], second["AccessKeyId"]);
    assert_eq!((runs(&env), saml_calls(&env).len()), (1, 1), "no second sign-in, no second call");
    let list = env.run(&["-l", "more"]);
    let line = list.ok().stdout.lines().find(|l| l.starts_with("only ")).unwrap().to_string();
    assert!(line.trim_end().ends_with(|c: char| c.is_ascii_digit()), "-l more shows when it ends: {line}");
    process_json(&env, "only", &["-r"]).ok();
    assert_eq!((runs(&env), saml_calls(&env).len()), (2, 2), "-r signs in again");
}

/// An assertion generator for floods: `many` (9,000 roles), `bad` (22,000 Role values that are no
/// pair), `huge` (64 MiB of output).
const FLOOD: &str = r#"
import base64, datetime, sys
kind = sys.argv[1]
if kind == "huge":
    try:
        for _ in range(1024):
            sys.stdout.write("A" * 65536)
    except BrokenPipeError:
        pass
    sys.exit(0)
if kind == "many":
    values = [f"arn:aws:iam::1:role/R{i},arn:aws:iam::1:saml-provider/O" for i in range(9000)]
else:
    values = ["not a pair"] * 22000
ends = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
attr = "".join(f"<AttributeValue>{v}</AttributeValue>" for v in values)
xml = (f'<Response><Assertion><Conditions NotOnOrAfter="{ends}"/><AttributeStatement>'
       f'<Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">{attr}</Attribute>'
       '</AttributeStatement></Assertion></Response>')
print(base64.b64encode(xml.encode()).decode())
"#;

/// Floods are summed up and capped: thousands of roles are one short line, thousands of bad Role
/// values one note, a command's endless output stops at 1 MiB; a role ARN with a character that
/// reorders or hides text is skipped as no ARN (said once), never shown or assumed.
#[test]
fn floods_are_summed_up_and_role_arns_that_hide_text_are_skipped() {
    let env = TestEnv::new();
    let flood = env.write("flood.py", FLOOD);
    let py = python().display().to_string();
    let hidden = "arn:aws:iam::111111111111:role/Ad%E2%80%AEmin";
    let bidi = broker(&env, "bidi", &format!("{}idp?roles={hidden},{OKTA_1};{OKTA_2},{READ}", env.endpoint));
    env.config(&format!(
        "[profile many]\nsaml_process = {py} {flood} many\n[profile bad]\nsaml_process = {py} {flood} bad\n\
         [profile huge]\nsaml_process = {py} {flood} huge\n[profile bidi]\nsaml_process = {bidi}\n",
        flood = flood.display()
    ));
    let many = process_json(&env, "many", &[]);
    many.assert_clean_failure("the SAML assertion offers 9000 roles; name one with role_arn");
    assert!(many.stderr.contains("and 8980 more") && many.stderr.len() < 4096, "{} bytes", many.stderr.len());
    let bad = process_json(&env, "bad", &[]);
    assert_eq!(bad.status, 1);
    let lines: Vec<&str> = bad.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "one note and the error: {} lines", lines.len());
    assert!(lines[0].contains("skipping 22000 of the SAML assertion's Role values"), "{}", lines[0]);
    process_json(&env, "huge", &[]).assert_clean_failure("printed more than 2048 KiB");
    let out = process_json(&env, "bidi", &[]);
    assert_eq!(out.status, 0, "the one clean role is taken: {}", out.stderr);
    assert!(out.stderr.contains("skipping 1 of the SAML assertion's Role values"), "{}", out.stderr);
    assert!(!out.stderr.contains('\u{202e}'), "never drawn raw");
    let calls = saml_calls(&env);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["params"]["RoleArn"], READ);
}

/// STS refusing the kept assertion (here: it pairs the role with another provider than the profile
/// now names) drops it, said once, and one new sign-in serves the run.
#[test]
fn a_kept_assertion_sts_refuses_is_dropped_and_one_new_sign_in_serves() {
    let env = TestEnv::new();
    let url = |provider: &str| format!("{}idp?roles={ADMIN},{provider}&life=3600", env.endpoint);
    let broker_path = broker(&env, "broker", &url(OKTA_1));
    env.config(&format!(
        "[profile admin]\nsaml_process = {broker_path}\nrole_arn = {ADMIN}\nprincipal_arn = {OKTA_1}\n"
    ));
    process_json(&env, "admin", &[]).ok();
    assert_eq!(runs(&env), 1);
    // The identity provider now pairs the role with another provider, and the profile says so.
    broker(&env, "broker", &url(OKTA_2));
    env.config(&format!(
        "[profile admin]\nsaml_process = {broker_path}\nrole_arn = {ADMIN}\nprincipal_arn = {OKTA_2}\n"
    ));
    std::fs::remove_dir_all(env.path(".aws/cli/cache")).unwrap();
    let out = process_json(&env, "admin", &[]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("the kept SAML assertion is dropped; signing in again"), "{}", out.stderr);
    assert_eq!(runs(&env), 2, "one new sign-in");
    let calls = saml_calls(&env);
    assert_eq!(calls.len(), 3, "refused once, then taken");
    assert_eq!(calls[2]["params"]["PrincipalArn"], OKTA_2);
}

/// A fake DevTools browser (fds 3 and 4): `flood` answers nothing and sends events without end;
/// `orphan` starts a process that keeps the pipe open (and says its pid), then exits.
const FAKE_BROWSER: &str = r#"
import json, os, subprocess, sys, time
mode = os.environ["FAKE_MODE"]
if mode == "orphan":
    child = subprocess.Popen(["sleep", "300"], pass_fds=(3, 4))
    open(os.environ["FAKE_PID"], "w").write(str(child.pid))
    sys.exit(0)
event = json.dumps({"method": "Target.targetInfoChanged", "params": {"targetInfo": {"x": "y" * 100}}}).encode() + b"\0"
os.read(3, 65536)
try:
    while True:
        os.write(4, event * 100)
except OSError:
    pass
"#;

/// A browser that floods the pipe is refused, bounded; one that exits while a process it started
/// holds the pipe ends the sign-in at once, and that process goes with it.
#[test]
fn a_flooding_or_departed_browser_ends_the_sign_in_and_leaves_nothing() {
    let env = TestEnv::new();
    let fake = env.write("fake_browser.py", FAKE_BROWSER);
    let py = python().display().to_string();
    env.config(&format!(
        "[profile web]\nsaml_url = https://idp.example.com/sso\nsaml_browser = {py} {}\n",
        fake.display()
    ));
    let mut flood = env.awsume(&["export", "--profile", "web"]);
    flood.env("FAKE_MODE", "flood");
    let out = crate::testenv::run(flood, None);
    out.assert_clean_failure("the browser sent over 10000 events without answering");
    let pid_file = env.path("orphan.pid");
    let mut orphan = env.awsume(&["export", "--profile", "web"]);
    orphan.env("FAKE_MODE", "orphan").env("FAKE_PID", &pid_file);
    let started = std::time::Instant::now();
    let out = crate::testenv::run(orphan, None);
    out.assert_clean_failure("the browser closed before the identity provider posted to AWS");
    assert!(started.elapsed() < crate::testenv::PROMPTLY, "at once, not after the sign-in's wait");
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let gone = || {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
        stat.is_empty() || stat.contains(") Z ")
    };
    // Killed when awsume ends; a loaded machine may take a moment to carry the signal out.
    wait_until(gone, "the browser's process to be gone");
}

/// Login CSRF: a page of another origin in a frame of the identity provider's page posts its own
/// assertion to the top window, or into its own frame, before the IdP's form does. Neither is
/// taken: the sign-in ends in one line, no attacker's role is assumed, nothing is kept.
#[test]
fn a_post_from_a_frame_or_another_origin_is_refused() {
    let attacker = "arn:aws:iam::999999999999:role/Attacker,arn:aws:iam::999999999999:saml-provider/Evil";
    for frame in ["top", "self"] {
        let env = TestEnv::new();
        let url = format!("{}&frame={frame}&attacker={}", idp_url(&env), attacker.replace(',', "%2C"));
        env.config(&format!("[profile web]\nsaml_url = {url}\nrole_arn = {READ}\n"));
        let out = crate::testenv::run(export_web(&env), None);
        assert_eq!((out.status, out.stdout.as_str()), (1, ""), "{frame}: {}", out.stderr);
        // The sign-in's progress line, then the one line that says why it ended.
        let last = out.stderr.lines().last().unwrap_or_default();
        assert!(
            last.contains("posted to AWS's sign-in") && last.contains("blocked, and the sign-in ended"),
            "{frame}: {}",
            out.stderr
        );
        assert!(saml_calls(&env).is_empty(), "{frame}: no role assumed");
        assert!(!env.actions().contains(&"SigninSAML".to_string()), "{frame}: nothing reached the network");
        assert!(
            std::fs::read_dir(env.path(".awsume/cache")).map_or(true, |d| d.flatten().all(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                !name.starts_with("saml-") || name.ends_with(".lock")
            })),
            "{frame}: no assertion kept"
        );
        assert_eq!(browsers(&env), "", "a browser is still running");
    }
}

/// A kept assertion serves an hour at most, whatever NotOnOrAfter it claims (a year here).
#[test]
fn a_kept_assertion_serves_an_hour_at_most() {
    let env = TestEnv::new();
    let broker_path =
        broker(&env, "broker", &format!("{}idp?roles={ADMIN},{OKTA_1}&life=31536000", env.endpoint));
    env.config(&format!("[profile admin]\nsaml_process = {broker_path}\nrole_arn = {ADMIN}\n"));
    process_json(&env, "admin", &[]).ok();
    let kept: Vec<_> = std::fs::read_dir(env.path(".awsume/cache"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("saml-") && p.extension().is_none())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    // Within the hour: the kept assertion serves (the role session forgotten, no new sign-in).
    std::fs::remove_dir_all(env.path(".aws/cli/cache")).unwrap();
    process_json(&env, "admin", &[]).ok();
    assert_eq!(runs(&env), 1);
    // Kept two hours ago: no longer.
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::options().write(true).open(&kept[0]).unwrap().set_modified(two_hours_ago).unwrap();
    std::fs::remove_dir_all(env.path(".aws/cli/cache")).unwrap();
    process_json(&env, "admin", &[]).ok();
    assert_eq!(runs(&env), 2, "signed in again");
}
