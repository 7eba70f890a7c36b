//! Interactive shells driven through tmux: the MFA prompt reaches the terminal while the function
//! captures stdout, and Ctrl-C at the prompt leaves the environment untouched.

use std::path::Path;
use std::time::Duration;

use crate::testenv::{
    AUTO_REFRESH, SHELLS, Sh, TestEnv, Tmux, interactive_command, managed, start, start_sized, static_keys,
};

fn dump_and_wait(tmux: &Tmux, env: &TestEnv, shell: Sh, file: &str) {
    let line = shell.dump(file);
    tmux.keys(&["-l", line.trim_end()]);
    tmux.keys(&["Enter"]);
    let path = env.path(file);
    tmux.wait_for(|_| std::fs::metadata(&path).is_ok_and(|m| m.len() > 0), file);
    std::thread::sleep(Duration::from_millis(100));
}

#[test]
fn mfa_prompt_works_through_the_function_and_ctrl_c_applies_nothing() {
    for shell in SHELLS {
        let env = TestEnv::new();
        env.config(
            "[profile alice]\nmfa_serial = arn:aws:iam::1:mfa/alice\n[profile bob]\nmfa_serial = arn:aws:iam::1:mfa/bob\n",
        );
        env.credentials(&(static_keys("alice", "AKIAALICE", "a") + &static_keys("bob", "AKIABOB", "b")));
        let tmux = Tmux { env: &env, socket: format!("awsume-{}-{}", env.id, shell.name()) };
        start(&tmux, &env, shell);
        tmux.keys(&["-l", "awsume alice"]);
        tmux.keys(&["Enter"]);
        tmux.wait_for(|s| s.contains("Enter MFA code for arn:aws:iam::1:mfa/alice:"), "the MFA prompt");
        tmux.keys(&["-l", "123456"]);
        tmux.keys(&["Enter"]);
        dump_and_wait(&tmux, &env, shell, "d1");
        let after_mfa = managed(&env, "d1");
        assert_eq!(after_mfa.get("AWSUME_PROFILE").map(String::as_str), Some("alice"), "{shell:?}");
        assert_eq!(
            after_mfa.get("AWS_ACCESS_KEY_ID").map(String::as_str),
            Some("AKIAIOSFODNN7EXAMPLE"),
            "{shell:?}"
        );

        tmux.keys(&["-l", "awsume bob"]);
        tmux.keys(&["Enter"]);
        tmux.wait_for(|s| s.contains("Enter MFA code for arn:aws:iam::1:mfa/bob:"), "the second MFA prompt");
        tmux.keys(&["C-c"]);
        std::thread::sleep(Duration::from_millis(300));
        dump_and_wait(&tmux, &env, shell, "d2");
        assert_eq!(managed(&env, "d2"), after_mfa, "{shell:?}: Ctrl-C at the prompt changes nothing");
        assert!(!Path::new(&env.path(".awsume/cache/aws-credentials-AKIABOB")).exists());
        assert_eq!(env.actions(), ["GetSessionToken"], "{shell:?}");
    }
}

#[test]
fn remote_login_asks_on_the_terminal_and_the_pasted_code_signs_the_shell_in() {
    for shell in SHELLS {
        let env = TestEnv::new();
        env.config("[profile remote]\nregion = eu-west-1\n");
        let tmux = Tmux { env: &env, socket: format!("awsume-{}-{}", env.id, shell.name()) };
        start(&tmux, &env, shell);
        tmux.keys(&["-l", "awsume remote --login --remote"]);
        tmux.keys(&["Enter"]);
        tmux.wait_for(
            |s| s.contains("Enter the authorization code displayed in your browser:"),
            "the question",
        );
        // Wrapped lines joined: the page's address is one word on the screen.
        let screen = tmux.tmux(&["capture-pane", "-p", "-J", "-t", "s"]);
        let url = screen.lines().find_map(crate::testenv::authorize_url).expect("the sign-in page");
        tmux.keys(&["-l", &crate::testenv::code_shown_for(&url)]);
        tmux.keys(&["Enter"]);
        dump_and_wait(&tmux, &env, shell, "d1");
        let after = managed(&env, "d1");
        assert_eq!(after.get("AWSUME_PROFILE").map(String::as_str), Some("remote"), "{shell:?}");
        assert_eq!(after.get("AWS_ACCESS_KEY_ID").map(String::as_str), Some("ASIALOGIN0"), "{shell:?}");
        assert_eq!(env.actions(), ["Authorize", "CreateOAuth2Token"], "{shell:?}");
        if !matches!(shell, Sh::Bash) {
            continue;
        }
        // The session ended (its refresh refused): on the terminal, `--remote` signs in again the
        // same way, and the shell gets the new session.
        let entry = crate::testenv::entry_path(&env, ".aws/login/cache");
        let mut ended = crate::testenv::read_entry(&entry);
        ended["refreshToken"] = "expired-refresh".into();
        std::fs::write(&entry, ended.to_string()).unwrap();
        crate::testenv::with_expiry(&entry, -1);
        tmux.keys(&["-l", "clear; awsume remote --remote"]);
        tmux.keys(&["Enter"]);
        tmux.wait_for(
            |s| s.contains("TOKEN_EXPIRED") && s.contains("Enter the authorization code"),
            "a new sign-in",
        );
        let screen = tmux.tmux(&["capture-pane", "-p", "-J", "-t", "s"]);
        let url = screen.lines().find_map(crate::testenv::authorize_url).expect("the sign-in page");
        tmux.keys(&["-l", &crate::testenv::code_shown_for(&url)]);
        tmux.keys(&["Enter"]);
        dump_and_wait(&tmux, &env, shell, "d2");
        assert_eq!(managed(&env, "d2").get("AWS_ACCESS_KEY_ID").map(String::as_str), Some("ASIALOGIN1"));
        let refused_then_signed_in = ["CreateOAuth2Token", "Authorize", "CreateOAuth2Token"];
        assert_eq!(env.actions()[2..], refused_then_signed_in);
        assert_eq!(crate::testenv::read_entry(&entry)["clientId"], "arn:aws:signin:::devtools/cross-device");
    }
}

fn key_in(env: &TestEnv, file: &str) -> String {
    managed(env, file).get("AWS_ACCESS_KEY_ID").cloned().unwrap_or_default()
}

#[test]
fn auto_refresh_renews_at_the_prompt_without_asking_and_costs_nothing_when_not_due() {
    for shell in SHELLS {
        let env = TestEnv::new();
        env.config(
            "[profile alice]\nmfa_serial = arn:aws:iam::1:mfa/alice\n\
             [profile admin]\nrole_arn = arn:aws:iam::111111111111:role/admin\nsource_profile = alice\n",
        );
        env.credentials(&static_keys("alice", "AKIAALICE", "a"));
        // A margin above the role's hour of life: every prompt is due.
        env.write(".awsume/config.yaml", "auto-refresh-margin: 4000\n");
        let tmux = Tmux { env: &env, socket: format!("awsume-auto-{}-{}", env.id, shell.name()) };
        start(&tmux, &env, shell);
        tmux.keys(&["-l", "awsume admin -a"]);
        tmux.keys(&["Enter"]);
        tmux.wait_for(|s| s.contains("Enter MFA code for arn:aws:iam::1:mfa/alice:"), "the MFA prompt");
        tmux.keys(&["-l", "123456"]);
        tmux.keys(&["Enter"]);
        dump_and_wait(&tmux, &env, shell, "d1");
        let first = managed(&env, "d1");
        assert_eq!(
            first.get("AWSUME_AUTO_REFRESH").map(String::as_str),
            Some("admin"),
            "{shell:?}: {first:?}"
        );
        dump_and_wait(&tmux, &env, shell, "d2");
        assert_ne!(key_in(&env, "d1"), key_in(&env, "d2"), "{shell:?}: renewed at the prompt");
        assert!(key_in(&env, "d2").starts_with("ASIA"), "{shell:?}");
        let screen = tmux.tmux(&["capture-pane", "-p", "-t", "s"]);
        assert_eq!(screen.matches("Enter MFA code").count(), 1, "{shell:?}: no second prompt:\n{screen}");
        let actions = env.actions();
        assert_eq!(actions.iter().filter(|a| *a == "GetSessionToken").count(), 1, "{shell:?}: {actions:?}");
        assert!(actions.iter().filter(|a| *a == "AssumeRole").count() >= 3, "{shell:?}: {actions:?}");

        // The default margin: nothing is due for most of an hour, and the hook calls nobody.
        env.write(".awsume/config.yaml", "auto-refresh-margin: 600\n");
        tmux.keys(&["-l", "awsume admin -a"]);
        tmux.keys(&["Enter"]);
        dump_and_wait(&tmux, &env, shell, "d3");
        let settled = env.calls().len();
        for file in ["d4", "d5", "d6"] {
            dump_and_wait(&tmux, &env, shell, file);
        }
        assert_eq!(env.calls().len(), settled, "{shell:?}: no call while nothing is due");
        assert_eq!(key_in(&env, "d3"), key_in(&env, "d6"), "{shell:?}");

        // -k stops it and keeps the credentials.
        tmux.keys(&["-l", "awsume -k"]);
        tmux.keys(&["Enter"]);
        dump_and_wait(&tmux, &env, shell, "d7");
        let stopped = managed(&env, "d7");
        for name in AUTO_REFRESH {
            assert_eq!(stopped.get(name), None, "{shell:?}");
        }
        assert_eq!(
            stopped.get("AWS_ACCESS_KEY_ID"),
            managed(&env, "d6").get("AWS_ACCESS_KEY_ID"),
            "{shell:?}"
        );
    }
}

/// An SDK running `awsume export` as credential_process captures its stderr (botocore does), so
/// the MFA question goes to the terminal itself: the user sees it, answers, and boto3 gets keys.
#[test]
fn mfa_prompt_reaches_the_terminal_when_an_sdk_captures_stderr() {
    let env = TestEnv::new();
    env.config(&format!(
        "[profile alice]\nmfa_serial = arn:aws:iam::1:mfa/alice\n\
         [profile via-process]\ncredential_process = '{}' export --profile alice\n",
        crate::testenv::BIN
    ));
    env.credentials(&static_keys("alice", "AKIAALICE", "a"));
    let python = crate::testenv::python();
    let tmux = Tmux { env: &env, socket: format!("awsume-{}-sdk", env.id) };
    start(&tmux, &env, Sh::Bash);
    let out = env.path("boto.out");
    let line = format!(
        "'{}' -c \"import boto3; print(boto3.Session(profile_name='via-process').get_credentials().access_key)\" > '{}'",
        python.display(),
        out.display()
    );
    tmux.keys(&["-l", &line]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(
        |s| s.contains("Enter MFA code for arn:aws:iam::1:mfa/alice:"),
        "the MFA prompt on the terminal",
    );
    tmux.keys(&["-l", "123456"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(|_| std::fs::read_to_string(&out).is_ok_and(|t| t.contains("AKIA")), "boto3's credentials");
    assert_eq!(std::fs::read_to_string(&out).unwrap().trim(), "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(env.actions(), ["GetSessionToken"]);
}

/// A migrating user's screen: awsume's confirmations in green in a terminal, none of it with
/// `NO_COLOR`; `-l` fits an 80-column pane without wrapping and shows each profile's account, even
/// beside a 52-character generated name: whole columns go, no header or name is cut.
#[test]
fn a_terminal_gets_colour_and_a_list_that_fits() {
    let env = TestEnv::new();
    env.config(
        "[profile alice]\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\nregion = eu-west-1\n\
         [profile production-administrator]\nrole_arn = arn:aws:iam::111111111111:role/OrganizationAccountAccessRole\nsource_profile = alice\nregion = ap-southeast-2\n\
         [profile staging-read-only]\nrole_arn = arn:aws:iam::222222222222:role/path/to/ReadOnlyAccessForAuditors\nsource_profile = alice\n\
         [default]\nregion = eu-west-1\n\
         [profile acme-production-payments-platform.administratoracces]\nrole_arn = arn:aws:iam::333333333333:role/AdministratorAccess\nsource_profile = alice\n",
    );
    env.credentials(&static_keys("alice", "AKIAALICE", "a"));
    let tmux = Tmux { env: &env, socket: format!("awsume-{}-screen", env.id) };
    start_sized(&tmux, &env, Sh::Bash, 80);
    let run = |line: &str, until: &str| {
        tmux.keys(&["-l", line]);
        tmux.keys(&["Enter"]);
        tmux.wait_for(|s| s.contains(until), until);
    };
    run("awsume production-administrator --mfa-token 123456; echo done-$((1))", "done-1");
    run("NO_COLOR=1 awsume staging-read-only; echo done-$((2))", "done-2");
    let screen = tmux.tmux(&["capture-pane", "-p", "-e", "-t", "s"]);
    // tmux shows where green starts and ends, not each line's own codes.
    let green = screen.split("\x1b[32m").nth(1).and_then(|rest| rest.split("\x1b[39m").next()).unwrap_or("");
    assert!(
        green.contains("Session token will expire at ")
            && green.contains("[production-administrator] Role credentials will expire "),
        "green on a terminal:\n{screen:?}"
    );
    let plain = screen.lines().find(|l| l.contains("[staging-read-only] Role credentials")).unwrap();
    assert!(!plain.contains('\x1b'), "NO_COLOR: {plain:?}");
    tmux.keys(&["-l", "clear; awsume -l; echo done-$((3))"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for(|s| s.contains("done-3"), "the list");
    let joined = tmux.tmux(&["capture-pane", "-p", "-J", "-t", "s"]);
    let list: Vec<&str> = joined
        .lines()
        .filter(|l| {
            l.starts_with("PROFILE")
                || l.starts_with("alice ")
                || l.contains("-read-only ")
                || l.starts_with("production-")
                || l.starts_with("acme-")
                || l.starts_with("default ")
        })
        .collect();
    assert_eq!(list.len(), 6, "{joined}");
    for line in &list {
        assert!(line.chars().count() <= 80, "{} columns: {line}", line.chars().count());
        assert!(!line.contains('…'), "no cell is cut: {line}");
    }
    assert_eq!(list[0].split_whitespace().collect::<Vec<_>>(), ["PROFILE", "ACCOUNT"], "whole columns went");
    assert!(
        list.iter().any(|l| l.starts_with("acme-production-payments-platform.administratoracces ")),
        "the name whole: {joined}"
    );
    let row = |name: &str| {
        list.iter().find(|l| l.starts_with(name)).unwrap().split_whitespace().collect::<Vec<_>>()
    };
    assert_eq!(row("production-administrator")[1], "111111111111", "a role's account");
    assert_eq!(row("alice ")[1], "123456789012", "an MFA user's account");
}

/// Tab on a profile name that holds shell syntax, then Enter: that profile is set, nothing runs;
/// a name with spaces completes to one word. bash and nushell insert candidates as they are.
#[test]
fn completing_a_hostile_profile_name_applies_it_and_runs_nothing() {
    for shell in [Sh::Bash, Sh::Nu] {
        let env = TestEnv::new();
        let hostile = "x $(touch pwned) `touch pwned` ;";
        env.credentials(&format!(
            "{}{}",
            static_keys(hostile, "AKIAHOSTILE", "s"),
            static_keys("y with spaces", "AKIASPACES", "s")
        ));
        let tmux = Tmux { env: &env, socket: format!("awsume-{}-complete-{}", env.id, shell.name()) };
        start(&tmux, &env, shell);
        let prompt = match shell {
            Sh::Nu => ">",
            _ => "$",
        };
        tmux.wait_for(|s| s.contains(prompt), "the prompt");
        for (typed, key, file) in [("awsume x", "AKIAHOSTILE", "d1"), ("awsume y", "AKIASPACES", "d2")] {
            tmux.keys(&["-l", typed]);
            tmux.wait_for(|s| s.contains(typed), "the typed line");
            let before = tmux.tmux(&["capture-pane", "-p", "-t", "s"]);
            tmux.keys(&["Tab"]);
            tmux.wait_for(|s| s != before, "the completion");
            tmux.keys(&["Enter"]);
            std::thread::sleep(Duration::from_millis(300));
            dump_and_wait(&tmux, &env, shell, file);
            let screen = tmux.tmux(&["capture-pane", "-p", "-t", "s"]);
            assert_eq!(key_in(&env, file), key, "{shell:?}: {typed}<TAB>:\n{screen}");
        }
        assert_eq!(managed(&env, "d1").get("AWSUME_PROFILE").map(String::as_str), Some(hostile), "{shell:?}");
        assert_eq!(
            managed(&env, "d2").get("AWSUME_PROFILE").map(String::as_str),
            Some("y with spaces"),
            "{shell:?}"
        );
        assert!(!env.path("pwned").exists(), "{shell:?}: the name ran");
    }
}

/// The picker at 80×24 in bash and zsh: typing `prdadm` then Enter sets prod-admin; Esc changes
/// nothing and the prompt works; a profile picked three times comes first; plain `awsume` with a
/// `[default]` that holds only a region opens it, and after Enter nothing of the picker stays on
/// the screen; without a terminal it is one line.
#[test]
fn the_picker_filters_fuzzily_switches_and_remembers() {
    for shell in [Sh::Bash, Sh::Zsh, Sh::Fish, Sh::Nu] {
        let env = TestEnv::new();
        let mut credentials = String::new();
        for (name, key) in [
            ("dev-admin", "AKIADEV"),
            ("prod-readonly", "AKIAREAD"),
            ("prod-admin", "AKIAPROD"),
            ("zeta", "AKIAZETA"),
        ] {
            credentials.push_str(&static_keys(name, key, "s"));
        }
        env.credentials(&credentials);
        env.config("[default]\nregion = eu-west-1\n");
        let tmux = Tmux { env: &env, socket: format!("awsume-{}-pick-{}", env.id, shell.name()) };
        let command = interactive_command(&env, shell);
        let home = env.home.path().display().to_string();
        tmux.tmux(&["new-session", "-d", "-s", "s", "-x", "80", "-y", "24", "-c", &home, &command]);
        tmux.wait_for(|s| !s.trim().is_empty(), "the prompt");
        tmux.keys(&["-l", "awsume --pick"]);
        tmux.keys(&["Enter"]);
        tmux.wait_for(|s| s.contains("prod-readonly") && s.contains("zeta"), "the list");
        tmux.keys(&["-l", "prdadm"]);
        tmux.wait_for(
            |s| !s.contains("prod-readonly") && !s.contains("zeta") && s.contains("prod-admin"),
            "the filter",
        );
        tmux.keys(&["Enter"]);
        dump_and_wait(&tmux, &env, shell, "p1");
        assert_eq!(key_in(&env, "p1"), "AKIAPROD", "{shell:?}: prod-admin, not prod-readonly or dev-admin");
        // Esc: nothing changes, and the shell's prompt works.
        tmux.keys(&["-l", "awsume --pick"]);
        tmux.keys(&["Enter"]);
        tmux.wait_for(|s| s.contains("zeta"), "the list again");
        tmux.keys(&["Escape"]);
        // What follows an Escape at once reads as Alt-KEY: the picker must have taken it alone.
        tmux.wait_for(|s| s.contains("nothing picked"), "Esc taken");
        dump_and_wait(&tmux, &env, shell, "p2");
        assert_eq!(managed(&env, "p2"), managed(&env, "p1"), "{shell:?}: Esc changes nothing");
        // Picked three times, zeta comes first; plain `awsume` (no default profile) opens the picker.
        let picks = env.path(".awsume/state/picks");
        for count in 1..=3 {
            let pickers = |s: &str| s.matches("profile  (").count();
            let before = pickers(&tmux.tmux(&["capture-pane", "-p", "-t", "s"]));
            tmux.keys(&["-l", "awsume --pick"]);
            tmux.keys(&["Enter"]);
            tmux.wait_for(|s| pickers(s) > before && s.contains("dev-admin"), "the picker");
            tmux.keys(&["-l", "zeta"]);
            tmux.wait_for(|s| !s.contains("dev-admin"), "zeta alone");
            tmux.keys(&["Enter"]);
            let recorded = format!("zeta\t{count}\t");
            tmux.wait_for(
                |_| std::fs::read_to_string(&picks).is_ok_and(|t| t.contains(&recorded)),
                "the pick",
            );
        }
        tmux.keys(&["-l", "clear; awsume"]);
        tmux.keys(&["Enter"]);
        tmux.wait_for(|s| s.contains("dev-admin") && s.contains("zeta"), "plain awsume's picker");
        let screen = tmux.tmux(&["capture-pane", "-p", "-t", "s"]);
        let first = screen.lines().find(|l| l.trim_start().starts_with('>')).unwrap_or_default().to_string();
        assert!(first.contains("zeta"), "{shell:?}: the most picked first: {screen}");
        tmux.keys(&["Enter"]);
        tmux.wait_for(|s| !s.contains("dev-admin"), "the picker gone");
        let screen = tmux.tmux(&["capture-pane", "-p", "-t", "s"]);
        assert!(
            !screen.contains("profile  (") && !screen.contains("zeta"),
            "{shell:?}: left on the screen:\n{screen}"
        );
        dump_and_wait(&tmux, &env, shell, "p3");
        assert_eq!(key_in(&env, "p3"), "AKIAZETA", "{shell:?}");
    }
    let env = TestEnv::new();
    env.credentials(&static_keys("p", "AKIA1", "s"));
    env.run(&["--emit", "bash", "--pick"]).assert_clean_failure("--pick needs a terminal");
    env.config("[default]\nregion = eu-west-1\n");
    env.run(&["--emit", "bash"]).assert_clean_failure(
        "no profile named, and profile \"default\" in ~/.aws/config has no credentials: name one (awsume NAME) or pick one on a terminal (awsume --pick)",
    );
}

/// Through the function, in every shell: `awsume k<TAB>` is `keys`, `awsume ss<TAB>` is `sso` (no
/// profile starts so), and a subcommand's own subcommands complete (`awsume keys ro<TAB>`).
#[test]
fn subcommands_complete_through_the_function() {
    for shell in SHELLS {
        let env = TestEnv::new();
        env.credentials(&static_keys("staging", "AKIASTAGING", "s"));
        let tmux = Tmux { env: &env, socket: format!("awsume-sub-{}-{}", env.id, shell.name()) };
        start(&tmux, &env, shell);
        tmux.wait_for(|s| !s.trim().is_empty(), "the prompt");
        for (typed, completed) in [
            ("awsume k", "awsume keys"),
            ("awsume ss", "awsume sso"),
            ("awsume keys ro", "awsume keys rotate"),
        ] {
            tmux.keys(&["-l", typed]);
            tmux.wait_for(|s| s.contains(typed), "the typed line");
            tmux.keys(&["Tab"]);
            tmux.wait_for(|s| s.contains(completed), &format!("{shell:?}: {typed}<TAB>"));
            tmux.keys(&["C-c"]);
            tmux.wait_for(|s| !s.lines().any(|l| l.trim_end().ends_with(typed)), "the line cleared");
            tmux.tmux(&["clear-history", "-t", "s"]);
            tmux.keys(&["-l", "clear"]);
            tmux.keys(&["Enter"]);
            // The next line is typed only at the next prompt: typed while `clear` runs, the terminal
            // would echo it before the shell draws its prompt (seen under load with nu).
            tmux.wait_for(
                |s| !s.contains(completed) && !s.contains("clear") && !s.trim().is_empty(),
                "a clear screen with the prompt",
            );
        }
    }
}
