//! What Python awsume users installed plugins for, built in: the console sign-in (awsume console
//! plugin's spellings), the MFA code from a command (YubiKey, 1Password), a default profile.

use crate::testenv::{Output, Sh, TestEnv, managed, run, static_keys};

const MFA: &str = "arn:aws:iam::123456789012:mfa/base";

fn plugin_env() -> TestEnv {
    let env = TestEnv::new();
    env.config(&format!(
        "[profile role]\nrole_arn = arn:aws:iam::111111111111:role/admin\nsource_profile = base\nregion = eu-west-1\n\
         [profile gov]\nrole_arn = arn:aws-us-gov:iam::111111111111:role/admin\nsource_profile = base\nregion = us-gov-west-1\n\
         [profile mfauser]\nmfa_serial = {MFA}\n"
    ));
    env.credentials(&format!(
        "{}[mfauser]\naws_access_key_id = AKIAMFA\naws_secret_access_key = mfa-secret\n",
        static_keys("base", "AKIABASE", "base-secret")
    ));
    env
}

/// `awsume ARGS` with the test server as the federation endpoint.
fn awsume(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = env.awsume(args);
    cmd.env("AWS_ENDPOINT_URL_SIGNIN", &env.endpoint).envs(vars.iter().copied());
    run(cmd, None)
}

/// A query value of `url`, decoded.
fn query(url: &str, name: &str) -> String {
    let value = url
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{name} in {url}"));
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&value[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn console_link_for_a_role_signs_in_with_its_session() {
    let env = plugin_env();
    let out = awsume(&env, &["role", "--console-link"], &[]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let url = out.stdout.trim();
    assert!(url.starts_with(&format!("{}federation?Action=login&Issuer=awsume&", env.endpoint)), "{url}");
    assert_eq!(
        query(url, "Destination"),
        "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
    );
    let calls = env.calls();
    assert_eq!(env.actions(), ["AssumeRole", "getSigninToken"], "no other call");
    let role_key =
        env.run(&["export", "--profile", "role"]).json()["AccessKeyId"].as_str().unwrap().to_string();
    assert_eq!(calls[1]["key"], role_key.as_str(), "the role's own session signs in");
    assert_eq!(query(url, "SigninToken"), format!("signin-token-for-{role_key}"));
    // The plugin's spellings, as typed; the region's partition picks the hosts.
    let short = awsume(&env, &["role", "-cl"], &[]);
    assert_eq!(short.stdout, out.stdout, "{}", short.stderr);
    let s3 = awsume(&env, &["role", "-csl", "s3"], &[]);
    assert_eq!(
        query(s3.stdout.trim(), "Destination"),
        "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1"
    );
    let cfn = awsume(&env, &["role", "--console-link-service", "cfn"], &[]);
    assert!(query(cfn.stdout.trim(), "Destination").contains("/cloudformation/home"), "{}", cfn.stdout);
    let gov = awsume(&env, &["gov", "-cl"], &[]);
    assert_eq!(gov.status, 0, "{}", gov.stderr);
    assert!(
        query(gov.stdout.trim(), "Destination")
            .starts_with("https://us-gov-west-1.console.amazonaws-us-gov.com/")
    );
    // The link is a credential: --debug never shows it.
    let debugged = awsume(&env, &["role", "-cl", "--debug"], &[]);
    assert!(
        !debugged.stderr.contains("signin-token-for") && !debugged.stderr.contains("SigninToken="),
        "{}",
        debugged.stderr
    );
}

#[test]
fn console_link_for_long_term_keys_goes_through_a_federation_token() {
    let env = plugin_env();
    let out = awsume(&env, &["base", "-cl", "--role-duration", "3600"], &[]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let calls = env.calls();
    assert_eq!(env.actions(), ["GetFederationToken", "getSigninToken"]);
    assert_eq!(calls[0]["key"], "AKIABASE");
    assert_eq!(
        (&calls[0]["params"]["Name"], &calls[0]["params"]["DurationSeconds"]),
        (&"base".into(), &"3600".into())
    );
    assert!(calls[0]["params"]["Policy"].as_str().unwrap().contains(r#""Action":"*""#));
    // moto's federation token has a fixed key; what matters: not the long-term key, with a token.
    assert_eq!(
        (&calls[1]["key"], &calls[1]["params"]["token_set"]),
        (&"AKIAIOSFODNN7EXAMPLE".into(), &true.into())
    );
    // An MFA user signs in with a federation token from the long-term keys too: its MFA session
    // cannot sign in to the console.
    let mfa = awsume(&env, &["mfauser", "-cl", "--mfa-token", "123456"], &[]);
    assert_eq!(mfa.status, 0, "{}", mfa.stderr);
    assert_eq!(env.calls()[3]["key"], "AKIAMFA");
    assert_eq!(env.actions()[2..], ["GetSessionToken", "GetFederationToken", "getSigninToken"]);
}

#[test]
fn console_opens_the_browser_with_the_link_as_one_argument() {
    let env = plugin_env();
    // Records its arguments and the page it was handed (the link is a credential: never an argument).
    let browser = env.write(
        "fake-browser",
        "#!/bin/sh\nfor a; do case $a in file://*) cat \"${a#file://}\" > \"$HOME/browser.page\";; esac; done\nprintf '%s\\n' \"$#\" \"$@\" > \"$HOME/browser.args\"\n",
    );
    std::fs::set_permissions(&browser, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    env.write(".awsume/config.yaml", &format!("console:\n  browser_command: \"'{}' --profile {{profile}} {{url}}\"\n  services:\n    mine: my/path\n", browser.display()));
    // The link the browser was sent on to, from the redirect page it read.
    let wait_for_link = || -> (Vec<String>, String) {
        for _ in 0..100 {
            // Whole once it holds the count and that many arguments.
            let whole = |t: &str| {
                t.lines().next().and_then(|n| n.parse::<usize>().ok()) == Some(t.lines().count() - 1)
            };
            if let Ok(text) = std::fs::read_to_string(env.path("browser.args"))
                && whole(&text)
            {
                std::fs::remove_file(env.path("browser.args")).unwrap();
                let page = std::fs::read_to_string(env.path("browser.page")).unwrap();
                let link =
                    page.split("url=").nth(1).unwrap().split('"').next().unwrap().replace("&amp;", "&");
                return (text.lines().map(String::from).collect(), link);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the browser was not started");
    };
    // A page a killed run left behind an hour ago goes with the next run; a fresh one stays.
    let left = env.write(".awsume/run/open-left-behind.html", "a sign-in link");
    std::fs::File::options()
        .write(true)
        .open(&left)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
        .unwrap();
    let fresh = env.write(".awsume/run/open-another-run.html", "another run's page");
    let out = awsume(&env, &["role", "-cs", "mine"], &[]);
    assert_eq!((out.status, out.stdout.as_str()), (0, ""), "run directly, it prints nothing: {}", out.stderr);
    assert!(!left.exists() && fresh.exists());
    let (args, link) = wait_for_link();
    assert_eq!(args[..3], ["3", "--profile", "role"]);
    assert!(args[3].starts_with("file://") && !args.concat().contains("SigninToken"), "{args:?}");
    assert!(query(&link, "Destination").ends_with("/my/path/home?region=eu-west-1"), "{link}");
    assert!(query(&link, "SigninToken").starts_with("signin-token-for-"), "{link}");
    let redirect = args[3].trim_start_matches("file://");
    assert!(!std::path::Path::new(redirect).exists(), "the redirect page is removed after use");
    // Without a profile: this shell's credentials, as the plugin did; $BROWSER when no setting.
    std::fs::remove_file(env.path(".awsume/config.yaml")).unwrap();
    let session = env.run(&["export", "--profile", "role"]).json();
    let vars = [
        ("BROWSER", browser.to_str().unwrap()),
        ("AWS_ACCESS_KEY_ID", session["AccessKeyId"].as_str().unwrap()),
        ("AWS_SECRET_ACCESS_KEY", session["SecretAccessKey"].as_str().unwrap()),
        ("AWS_SESSION_TOKEN", session["SessionToken"].as_str().unwrap()),
    ];
    let here = awsume(&env, &["-c"], &vars);
    assert_eq!(here.status, 0, "{}", here.stderr);
    let (args, link) = wait_for_link();
    assert_eq!(args.len(), 2, "{args:?}");
    assert!(link.starts_with(&format!("{}federation?Action=login", env.endpoint)), "{link}");
}

/// Through the shell function, `awsume PROFILE -csl SVC` sets the profile and prints the link.
#[test]
fn console_link_through_the_function_prints_and_sets() {
    let env = plugin_env();
    for shell in [Sh::Bash, Sh::Fish, Sh::Nu] {
        let script = match shell {
            Sh::Nu => "awsume role -csl s3 | save -f link\n^env -0 | save --raw -f d\n".to_string(),
            _ => format!("awsume role -csl s3 > link\n{}", shell.dump("d")),
        };
        let out = shell.run(&env, &script, &[("AWS_ENDPOINT_URL_SIGNIN", &env.endpoint)]);
        assert_eq!(out.status, 0, "{shell:?}: {}", out.stderr);
        let link = std::fs::read_to_string(env.path("link")).unwrap();
        assert!(link.starts_with(&format!("{}federation?Action=login", env.endpoint)), "{shell:?}: {link}");
        assert_eq!(managed(&env, "d").get("AWSUME_PROFILE").map(String::as_str), Some("role"), "{shell:?}");
    }
}

/// A fake `ykman`: prints `code` (or fails), and counts its runs.
fn fake_ykman(env: &TestEnv, code: &str, status: i32) -> String {
    let script = env.write(
        "bin/ykman",
        &format!("#!/bin/sh\necho run >> \"$HOME/ykman.runs\"\necho 'Touch your YubiKey...' >&2\nprintf '%s\\n' '{code}'\nexit {status}\n"),
    );
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    format!("{} oath accounts code --single 'AWS base'", script.display())
}

fn runs(env: &TestEnv) -> usize {
    std::fs::read_to_string(env.path("ykman.runs")).map(|t| t.lines().count()).unwrap_or(0)
}

#[test]
fn mfa_process_gives_the_code_only_when_one_is_needed() {
    let env = plugin_env();
    let command = fake_ykman(&env, "918273", 0);
    env.config(&format!("[profile mfauser]\nmfa_serial = {MFA}\nmfa_process = {command}\n[profile admin]\nrole_arn = arn:aws:iam::111111111111:role/admin\nsource_profile = mfauser\n"));
    let first = env.run(&["-s", "admin"]);
    assert_eq!(first.status, 0, "{}", first.stderr);
    assert!(!first.stderr.contains("Enter MFA code"), "no prompt: {}", first.stderr);
    assert_eq!(env.calls()[0]["params"]["TokenCode"], "918273");
    assert_eq!(runs(&env), 1);
    env.run(&["-s", "mfauser"]).ok();
    assert_eq!(runs(&env), 1, "a valid MFA session: the command does not run");
    let list = env.run(&["-l"]);
    assert!(
        list.stdout.lines().any(|l| l.starts_with("mfauser ") && l.contains("(command)")),
        "{}",
        list.stdout
    );
    // The setting serves profiles that name no command of their own.
    env.config(&format!("[profile mfauser]\nmfa_serial = {MFA}\n"));
    env.write(".awsume/config.yaml", &format!("mfa-process: \"{command}\"\n"));
    env.run(&["-s", "mfauser", "-r"]).ok();
    assert_eq!(runs(&env), 2);
    let debug = env.run(&["-s", "mfauser", "-r", "--debug"]);
    assert!(!debug.stderr.contains("918273"), "the code is never shown: {}", debug.stderr);
}

#[test]
fn mfa_process_failures_are_one_line_without_a_prompt() {
    for (code, status, needle) in [
        ("123456", 3, "exited with status 3"),
        ("", 0, "printed no 6-digit code"),
        ("12345", 0, "printed no 6-digit code"),
        ("12345678", 0, "printed no 6-digit code"),
    ] {
        let env = plugin_env();
        let command = fake_ykman(&env, code, status);
        env.config(&format!("[profile mfauser]\nmfa_serial = {MFA}\nmfa_process = {command}\n"));
        let out = env.run(&["-s", "mfauser"]);
        let lines: Vec<&str> = out.stderr.lines().filter(|l| !l.contains("Touch your YubiKey")).collect();
        assert_eq!((out.status, lines.len()), (1, 1), "{code:?}: {}", out.stderr);
        assert!(
            lines[0].starts_with("awsume: profile \"mfauser\": mfa_process ")
                && lines[0].contains("ykman oath accounts code"),
            "{}",
            lines[0]
        );
        assert!(lines[0].contains(needle), "{}", lines[0]);
        assert!(!lines[0].contains("12345"), "no output shown: {}", lines[0]);
        assert!(env.calls().is_empty());
    }
}

#[test]
fn the_default_profile_comes_from_the_variable_or_the_setting() {
    let env = plugin_env();
    for shell in [Sh::Bash, Sh::Fish] {
        let script = format!("awsume\n{}", shell.dump("d"));
        let by_var = shell.run(&env, &script, &[("AWSUME_DEFAULT_PROFILE", "base")]);
        assert_eq!(by_var.status, 0, "{shell:?}: {}", by_var.stderr);
        assert_eq!(managed(&env, "d").get("AWSUME_PROFILE").map(String::as_str), Some("base"), "{shell:?}");
        env.write(".awsume/config.yaml", "default-profile: role\n");
        let by_setting = shell.run(&env, &script, &[]);
        assert_eq!(by_setting.status, 0, "{shell:?}: {}", by_setting.stderr);
        assert_eq!(managed(&env, "d").get("AWSUME_PROFILE").map(String::as_str), Some("role"), "{shell:?}");
        let named_first = shell.run(&env, &script, &[("AWS_PROFILE", "base")]);
        named_first.ok();
        assert_eq!(
            managed(&env, "d").get("AWSUME_PROFILE").map(String::as_str),
            Some("base"),
            "{shell:?}: AWS_PROFILE first"
        );
        std::fs::remove_file(env.path(".awsume/config.yaml")).unwrap();
    }
}

/// A console URL copied from a multi-session console (a session host) works as `-csl`'s
/// destination: the session label goes, path, query and fragment stay. `--config set` with a
/// dotted key writes the `console:` block the console reads, and that browser command runs.
#[test]
fn session_hosts_and_the_dotted_browser_command_reach_the_console() {
    let env = plugin_env();
    let copied =
        "https://123456789012-ab12cd34.eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:";
    let link = awsume(&env, &["role", "-csl", copied], &[]);
    assert_eq!(link.status, 0, "{}", link.stderr);
    assert_eq!(
        query(link.stdout.trim(), "Destination"),
        "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:"
    );
    let browser = env.write(
        "fake-browser",
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$HOME/browser.args\"\nfor a; do case $a in file://*) cat \"${a#file://}\" > /dev/null;; esac; done\n",
    );
    std::fs::set_permissions(&browser, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let command = format!("'{}' --opened-by-awsume {{url}}", browser.display());
    env.run(&["--config", "set", "console.browser_command", &command]).ok();
    let settings = std::fs::read_to_string(env.path(".awsume/config.yaml")).unwrap();
    assert!(settings.starts_with("console:\n  browser_command: "), "{settings}");
    assert!(!settings.contains("\nconsole.browser_command"), "no top-level key nothing reads: {settings}");
    assert_eq!(
        env.run(&["--config", "get", "console.browser_command"]).stdout.trim(),
        serde_json::to_string(&command).unwrap()
    );
    let opened = awsume(&env, &["role", "-c"], &[]);
    assert_eq!(opened.status, 0, "{}", opened.stderr);
    let args = env.path("browser.args");
    let started = std::time::Instant::now();
    while !args.exists() {
        assert!(started.elapsed() < crate::testenv::PROMPTLY, "the browser command never ran");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(std::fs::read_to_string(&args).unwrap().starts_with("--opened-by-awsume\nfile://"));
}
