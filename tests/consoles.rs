//! Consoles side by side: the multi-session opt-in page, a browser profile per awsume profile, a
//! Firefox container per profile (through the handler extension's link), and the redirect page
//! kept until the browser has read it.

use crate::testenv::{Output, TestEnv, run, static_keys};

fn console_env(extra: &str) -> TestEnv {
    let env = TestEnv::new();
    env.config(&format!(
        "[profile role]\nrole_arn = arn:aws:iam::111111111111:role/admin\nsource_profile = base\nregion = eu-west-1\n{extra}"
    ));
    env.credentials(&static_keys("base", "AKIABASE", "base-secret"));
    env
}

/// A browser that records its arguments and (now, or `later`) the page it was given.
fn fake_browser(env: &TestEnv, later: bool) -> std::path::PathBuf {
    let read = if later {
        "(sleep 1; cat \"$page\" > \"$HOME/browser.page\") &"
    } else {
        "cat \"$page\" > \"$HOME/browser.page\""
    };
    let script = format!(
        "#!/bin/sh\nfor a; do case $a in file://*) page=${{a#file://}};; esac; done\n{read}\nprintf '%s\\n' \"$@\" > \"$HOME/browser.args\"\n"
    );
    let path = env.write("fake-browser", &script);
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path
}

fn awsume(env: &TestEnv, args: &[&str]) -> Output {
    let mut cmd = env.awsume(args);
    cmd.env("AWS_ENDPOINT_URL_SIGNIN", &env.endpoint);
    run(cmd, None)
}

/// The page's target (the redirect page's `url=`), once the browser has read the page.
fn target(env: &TestEnv) -> String {
    let started = std::time::Instant::now();
    loop {
        if let Ok(page) = std::fs::read_to_string(env.path("browser.page"))
            && page.contains("url=")
        {
            let after = page.split_once("url=").unwrap().1;
            return after.split('"').next().unwrap().replace("&amp;", "&");
        }
        assert!(started.elapsed() < crate::testenv::PROMPTLY, "the browser never read its page");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn settings(env: &TestEnv, browser: &std::path::Path, command_tail: &str, extra: &str) {
    env.write(
        ".awsume/config.yaml",
        &format!("console:\n  browser_command: \"'{}' {command_tail}\"\n{extra}", browser.display()),
    );
}

#[test]
fn the_opt_in_page_opens_as_the_console_does_and_asks_for_no_credentials() {
    let env = console_env("");
    let browser = fake_browser(&env, false);
    settings(&env, &browser, "{url}", "");
    let out = awsume(&env, &["--console-opt-in", "--region", "eu-west-1"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("400 means it is on already"), "{}", out.stderr);
    assert_eq!(
        target(&env),
        format!(
            "{}sessions/v1/opt-in?redirect_uri=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1",
            env.endpoint
        )
    );
    assert!(env.calls().is_empty(), "no STS or federation call");
    // The host of the region without an override; the profile's region without --region.
    std::fs::remove_file(env.path("browser.page")).unwrap();
    let mut cmd = env.awsume(&["role", "--console-opt-in"]);
    cmd.env_remove("AWS_ENDPOINT_URL");
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        target(&env).starts_with("https://eu-west-1.signin.aws.amazon.com/sessions/v1/opt-in?redirect_uri=")
    );
    env.run(&["--console-opt-in", "--region", "cn-north-1"]).assert_clean_failure("cn-north-1 is in aws-cn");
}

#[test]
fn a_browser_profile_fills_the_commands_placeholder_or_is_one_line() {
    let env = console_env("console_browser_profile = Work\n");
    let browser = fake_browser(&env, false);
    settings(&env, &browser, "--profile-directory={browser_profile} {url}", "");
    let out = awsume(&env, &["role", "-c"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    target(&env);
    let args = std::fs::read_to_string(env.path("browser.args")).unwrap();
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(args[0], "--profile-directory=Work");
    assert!(args[1].starts_with("file://") && args.len() == 2, "{args:?}");
    settings(&env, &browser, "{url}", "");
    awsume(&env, &["role", "-c"]).assert_clean_failure(
        "console_browser_profile \"Work\" is set, but console.browser_command has no {browser_profile}",
    );
}

#[test]
fn a_container_gets_the_handlers_link_with_the_login_url_never_in_argv() {
    let env = console_env(
        "console_container = prod\nconsole_container_color = blue\nconsole_container_icon = briefcase\n",
    );
    let browser = fake_browser(&env, false);
    let plain = awsume(&env, &["role", "-cl"]);
    assert_eq!(plain.status, 0, "{}", plain.stderr);
    let login = plain.stdout.trim().to_string();
    assert!(login.contains("Action=login"), "-cl prints the plain link whatever the container: {login}");
    for (handler, scheme) in
        [("granted-containers", "ext+granted-containers:"), ("open-url-in-container", "ext+container:")]
    {
        settings(&env, &browser, "{url}", &format!("  container_handler: {handler}\n"));
        let _ = std::fs::remove_file(env.path("browser.page"));
        let out = awsume(&env, &["role", "-c"]);
        assert_eq!(out.status, 0, "{}", out.stderr);
        let target = target(&env);
        let rest = target.strip_prefix(scheme).unwrap_or_else(|| panic!("{target}"));
        // As the extensions read it: URLSearchParams.
        let script = "const p = new URLSearchParams(process.argv[1]); console.log(JSON.stringify(Object.fromEntries(p)))";
        let node = std::process::Command::new("node").args(["-e", script, rest]).output().unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&node.stdout).unwrap();
        assert_eq!(parsed["name"], "prod");
        assert_eq!(parsed["url"], login.as_str(), "{handler}");
        assert_eq!((&parsed["color"], &parsed["icon"]), (&"blue".into(), &"briefcase".into()));
        let args = std::fs::read_to_string(env.path("browser.args")).unwrap();
        assert!(!args.contains("SigninToken") && !args.contains("Action=login"), "{args}");
        let page = args.trim().trim_start_matches("file://");
        assert!(!std::path::Path::new(page).exists(), "the page is removed once read");
    }
    settings(&env, &browser, "{url}", "");
    awsume(&env, &["role", "-c"])
        .assert_clean_failure("console_container \"prod\" needs the setting console.container_handler");
    env.config("[profile role]\nrole_arn = arn:aws:iam::111111111111:role/admin\nsource_profile = base\nconsole_container = prod\nconsole_container_color = mauve\n");
    settings(&env, &browser, "{url}", "  container_handler: granted-containers\n");
    awsume(&env, &["role", "-c"]).assert_clean_failure("console_container_color \"mauve\" is none of blue");
}

/// A launcher that hands the page to a browser already running exits at once; the page stays
/// until that browser has read it.
#[test]
fn the_page_stays_until_the_browser_has_read_it() {
    let env = console_env("");
    let browser = fake_browser(&env, true);
    settings(&env, &browser, "{url}", "");
    let out = awsume(&env, &["role", "-c"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let target = target(&env);
    assert!(target.contains("Action=login") && target.contains("SigninToken="), "{target}");
}
