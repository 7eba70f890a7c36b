//! Consoles side by side: the multi-session opt-in page, a browser profile per awsume profile
//! (containers refused, with why), and the redirect page kept until the browser has read it.

use crate::testenv::{Output, TestEnv, in_partitions, json, run, static_keys};

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

/// `console_container` (granted's key) is one line saying why awsume opens no container, and what
/// to use instead; nothing is opened, no link is made.
#[test]
fn a_container_is_refused_with_the_reason() {
    let env = console_env("console_container = prod\n");
    let browser = fake_browser(&env, false);
    settings(&env, &browser, "{url}", "");
    let out = awsume(&env, &["role", "-c"]);
    out.assert_clean_failure("console_container \"prod\": awsume cannot open a Firefox container without putting the sign-in link in a command line");
    assert!(out.stderr.contains("console_browser_profile"), "{}", out.stderr);
    assert!(!env.path("browser.args").exists(), "no browser started");
    let actions = env.actions();
    assert!(!actions.iter().any(|a| a == "getSigninToken"), "no sign-in link made: {actions:?}");
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

/// Debian's Chromium (headless, a user-data-dir of the test) against the console's hosts on their
/// real names (the test's own namespaces): after the opt-in and A's console, B's console sign-in
/// carries A's session cookie (one jar, nothing signed out); a profile with its own browser profile
/// keeps its cookies in that profile's directory, none in `Default/`.
#[test]
fn chromium_keeps_identities_in_one_jar_and_a_browser_profile_apart() {
    let env = TestEnv::new();
    env.credentials(&static_keys("base", "AKIACONSOLES", "s"));
    env.config(
        "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\nsource_profile = base\nregion = eu-west-1\n\
         [profile b]\nrole_arn = arn:aws:iam::222222222222:role/b\nsource_profile = base\nregion = eu-west-1\n\
         [profile work]\nrole_arn = arn:aws:iam::333333333333:role/w\nsource_profile = base\nregion = eu-west-1\nconsole_browser_profile = Work\n",
    );
    // A desktop browser's launch, headless: it loads the page, follows it, keeps its cookies, ends.
    let wrapper = env.write(
        "chrome.sh",
        "#!/bin/sh\nexec chromium --headless=new --no-sandbox --disable-gpu --ignore-certificate-errors \
         --user-data-dir=\"$HOME/chrome\" --virtual-time-budget=8000 --dump-dom \"$@\" > /dev/null 2>&1\n",
    );
    std::fs::set_permissions(&wrapper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    env.write(
        ".awsume/config.yaml",
        &format!(
            "console:\n  browser_command: \"'{}' --profile-directory={{browser_profile}} {{url}}\"\n",
            wrapper.display()
        ),
    );
    let jars = "import glob, json, os, sqlite3\n\
        out = {}\n\
        for path in glob.glob(os.path.expanduser('~/chrome/*/Cookies')):\n\
        \x20   out[os.path.basename(os.path.dirname(path))] = sorted(r[0] for r in sqlite3.connect(path).execute('select name from cookies'))\n\
        print(json.dumps(out))\n";
    let script = format!(
        "wait_chrome() {{ for _ in $(seq 300); do pgrep -f \"user-data-dir=$HOME/chrome\" > /dev/null || return 0; sleep 0.1; done; }}\n\
         '{bin}' --console-opt-in --region eu-west-1 2> optin.err; wait_chrome\n\
         for p in a b work; do '{bin}' $p -c 2> $p.err; wait_chrome; done\n\
         '{py}' -c \"$JARS\" > jars.json 2> jars.err\n",
        bin = crate::testenv::BIN,
        py = crate::testenv::python().display(),
    );
    let script = format!("export JARS='{}'\n{script}", jars.replace('\'', "'\\''"));
    let Some(out) = in_partitions(&env, &script) else { return };
    assert_eq!(out.status, 0, "{}", out.stderr);
    let calls = json(&env, "calls.json");
    let seen = |action: &str| -> Vec<serde_json::Value> {
        calls
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["action"] == action)
            .map(|c| c["params"].clone())
            .collect()
    };
    let logins = seen("ConsoleLogin");
    let err = |p: &str| std::fs::read_to_string(env.path(&format!("{p}.err"))).unwrap_or_default();
    assert_eq!(seen("ConsoleOptIn").len(), 1, "{calls}\n{}", err("optin"));
    assert_eq!(logins.len(), 3, "{calls}\n{}{}{}", err("a"), err("b"), err("work"));
    let cookie_of = |login: &serde_json::Value| {
        let token = login["token"].as_str().unwrap();
        let suffix: String = token.chars().filter(char::is_ascii_alphanumeric).collect();
        format!("awsume-test-session-{}", &suffix[suffix.len().saturating_sub(12)..])
    };
    let (a, b, work) = (&logins[0], &logins[1], &logins[2]);
    assert!(a["cookies"].as_str().unwrap().contains("awsume-test-multisession=on"), "opted in: {a}");
    let b_cookies = b["cookies"].as_str().unwrap();
    assert!(
        b_cookies.contains(&cookie_of(a)) && b_cookies.contains("awsume-test-multisession=on"),
        "one jar: {b}"
    );
    assert!(
        !work["cookies"].as_str().unwrap().contains(&cookie_of(a)),
        "another profile, another jar: {work}"
    );
    let jars = json(&env, "jars.json");
    let has = |dir: &str, name: &str| jars[dir].as_array().is_some_and(|c| c.iter().any(|n| n == name));
    assert!(has("Work", &cookie_of(work)), "{jars}");
    assert!(!has("Default", &cookie_of(work)) && has("Default", &cookie_of(b)), "{jars}");
}

/// A desktop Chromium (under Xvfb, in the test's namespaces) already running the `Work` profile:
/// `-c` launches it again, the launch hands the page to the running browser and exits at once (a
/// second launch that could not would abort: same profile directory), and the page stays until that
/// browser read it, then goes. (Which jar: the headless test above.)
#[test]
fn a_running_desktop_browser_gets_the_page_from_a_second_launch() {
    let env = TestEnv::new();
    env.credentials(&static_keys("base", "AKIADESKTOP", "s"));
    env.config("[profile work]\nrole_arn = arn:aws:iam::333333333333:role/w\nsource_profile = base\nregion = eu-west-1\nconsole_browser_profile = Work\n");
    let chromium = "chromium --no-sandbox --disable-gpu --no-first-run --no-default-browser-check --ignore-certificate-errors";
    env.write(
        ".awsume/config.yaml",
        &format!("console:\n  browser_command: \"{chromium} --user-data-dir={} --profile-directory={{browser_profile}} {{url}}\"\n", env.path("desk").display()),
    );
    let script = format!(
        "export TMPDIR=\"$HOME/tmp\"; mkdir -p \"$TMPDIR\"\n\
         Xvfb :99 -nolisten unix -nolisten local -listen tcp > xvfb.log 2>&1 &\n\
         xvfb=$!\n\
         export DISPLAY=127.0.0.1:99\n\
         for _ in $(seq 100); do [ -e /tmp/.X99-lock ] && break; sleep 0.05; done\n\
         {chromium} --user-data-dir=\"$HOME/desk\" --profile-directory=Work about:blank > desk.log 2>&1 &\n\
         for _ in $(seq 300); do [ -L \"$HOME/desk/SingletonLock\" ] && break; sleep 0.05; done\n\
         '{bin}' work -c 2> work.err\n\
         ls \"$HOME/.awsume/run\" > pages-after\n\
         for _ in $(seq 200); do curl -s https://signin.aws.amazon.com/_awsume/requests/ns | grep -q Console\\\" && break; sleep 0.1; done\n\
         sleep 1\n\
         pkill -TERM -f \"user-data-dir=$HOME/desk\"\n\
         for _ in $(seq 150); do pgrep -f \"user-data-dir=$HOME/desk\" > /dev/null || break; sleep 0.1; done\n\
         kill $xvfb; wait $xvfb 2> /dev/null\n",
        bin = crate::testenv::BIN,
    );
    let Some(out) = in_partitions(&env, &script) else { return };
    assert_eq!(out.status, 0, "{}", out.stderr);
    let err = std::fs::read_to_string(env.path("work.err")).unwrap_or_default();
    let calls = json(&env, "calls.json");
    let logins: Vec<&serde_json::Value> =
        calls.as_array().unwrap().iter().filter(|c| c["action"] == "ConsoleLogin").collect();
    assert_eq!(logins.len(), 1, "the running browser signed in: {calls}\n{err}");
    assert!(
        calls.as_array().unwrap().iter().any(|c| c["action"] == "Console"),
        "and reached the console: {calls}"
    );
    let pages = std::fs::read_to_string(env.path("pages-after")).unwrap_or_default();
    assert!(!pages.contains("open-"), "the page went once the browser had read it: {pages}");
}
