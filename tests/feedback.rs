//! What a long-time awsume user sees: awsume's confirmation lines after each switch (green on a
//! terminal only), `--json` both ways, and flags their scripts still pass.

use crate::testenv::{ALICE_WITH_MFA, SHELLS, Sh, TestEnv, managed, static_keys};

fn env_with_alice() -> TestEnv {
    let env = TestEnv::new();
    let creds = env.write(
        "creds.json",
        r#"{"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2099-01-02T03:04:05Z"}"#,
    );
    env.config(&format!(
        "{ALICE_WITH_MFA}\
         [profile auditor]\nrole_arn = arn:aws:iam::222222222222:role/auditor\nsource_profile = admin\n\
         [profile proc]\ncredential_process = cat {}\n",
        creds.display()
    ));
    env.credentials(&format!(
        "{}{}",
        static_keys("alice", "AKIAALICE", "alice-secret"),
        static_keys("plain", "AKIAPLAIN", "plain-secret")
    ));
    env
}

/// The stderr lines of a run that are awsume's confirmations, with their times blanked out.
fn confirmations(stderr: &str) -> Vec<String> {
    let time = regex_free_time;
    stderr.lines().filter(|l| l.contains(" will expire ")).map(time).collect()
}

/// `… 2026-11-29 13:30:20` → `… T`, checking the time is awsume's local-time shape.
fn regex_free_time(line: &str) -> String {
    let (head, at) = line.split_at(line.len() - 19);
    assert!(
        at.len() == 19 && at.as_bytes()[4] == b'-' && at.as_bytes()[10] == b' ' && at.as_bytes()[13] == b':',
        "{line}"
    );
    format!("{head}T")
}

#[test]
fn awsume_confirms_what_it_set_in_its_own_words() {
    let env = env_with_alice();
    let cases: &[(&[&str], Option<&str>, &[&str])] = &[
        (&["alice"], Some("123456\n"), &["Session token will expire at T"]),
        (&["alice"], None, &["Session token will expire at T"]),
        (&["admin"], None, &["Session token will expire at T", "[admin] Role credentials will expire T"]),
        // admin's session is cached now: the chain starts there.
        (
            &["auditor"],
            None,
            &["[admin] Role credentials will expire T", "[auditor] Role credentials will expire T"],
        ),
        (
            &["auditor", "-r", "--mfa-token", "123456"],
            None,
            &[
                "Session token will expire at T",
                "[admin] Role credentials will expire T",
                "[auditor] Role credentials will expire T",
            ],
        ),
        (&["proc"], None, &["[proc] Role credentials will expire T"]),
        (
            &["--role-arn", "222222222222:adhoc", "--source-profile", "plain"],
            None,
            &["[arn:aws:iam::222222222222:role/adhoc] Role credentials will expire T"],
        ),
        (&["plain"], None, &[]),
    ];
    for (args, stdin, expected) in cases {
        let argv = [&["-s", "--shell", "bash"][..], args].concat();
        let out = match stdin {
            Some(text) => env.run_stdin(&argv, text),
            None => env.run(&argv),
        };
        assert_eq!(out.status, 0, "{args:?}: {}", out.stderr);
        assert_eq!(confirmations(&out.stderr), *expected, "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains('\x1b'), "{args:?}: no colour in a pipe: {:?}", out.stderr);
    }
    // Scripts can ask for quiet; export never confirms (its stderr is an SDK's).
    env.write(".awsume/config.yaml", "confirmations: false\n");
    assert!(confirmations(&env.run(&["-s", "admin"]).stderr).is_empty());
    assert!(confirmations(&env.run(&["export", "--profile", "admin"]).stderr).is_empty());
}

#[test]
fn json_prints_a_profiles_credentials_and_sets_given_ones() {
    let env = env_with_alice();
    // Printed, never evaluated, through every shell's function; nothing set.
    let direct = env.run(&["plain", "--json"]);
    assert_eq!(direct.status, 0, "{}", direct.stderr);
    assert_eq!(direct.json()["AccessKeyId"], "AKIAPLAIN");
    for shell in SHELLS {
        let script = match shell {
            Sh::Nu => "awsume plain --json | save -f j\n".to_string(),
            _ => format!("awsume plain --json > j\n{}", shell.dump("d")),
        };
        let out = shell.run(&env, &script, &[]);
        assert_eq!(out.status, 0, "{shell:?}: {}", out.stderr);
        assert_eq!(std::fs::read_to_string(env.path("j")).unwrap(), direct.stdout, "{shell:?}");
        if !matches!(shell, Sh::Nu) {
            assert!(managed(&env, "d").is_empty(), "{shell:?}: nothing set");
        }
    }
    // Given JSON (awsume's, or an STS answer's), they are set as profile `json`, as awsume does.
    let sts = r#"{"Credentials": {"AccessKeyId": "ASIAGIVEN", "SecretAccessKey": "given", "SessionToken": "tok", "Expiration": "2099-01-01T00:00:00Z"}}"#;
    for (arg, stdin) in [(sts, None), ("-", Some(sts)), (direct.stdout.as_str(), None)] {
        let argv = ["-s", "--shell", "bash", "--json", arg];
        let out = match stdin {
            Some(text) => env.run_stdin(&argv, text),
            None => env.run(&argv),
        };
        assert_eq!(out.status, 0, "{}", out.stderr);
        assert!(out.stdout.contains("export AWSUME_PROFILE='json'"), "{}", out.stdout);
        assert!(out.stdout.contains("export AWS_ACCESS_KEY_ID='ASIA") || out.stdout.contains("='AKIAPLAIN'"));
    }
    env.run(&["-s", "--json", "plain"]).assert_clean_failure("--json takes credentials as JSON");
    assert!(env.calls().is_empty());
}

#[test]
fn refresh_autocomplete_is_accepted_and_does_nothing() {
    let env = env_with_alice();
    let out = env.run(&["--refresh-autocomplete", "--info"]);
    assert_eq!((out.status, out.stdout.as_str()), (0, ""), "{}", out.stderr);
    assert!(out.stderr.contains("nothing to refresh"), "{}", out.stderr);
    assert_eq!(env.run(&["--refresh-autocomplete"]).stderr, "");
}
