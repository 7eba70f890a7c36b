//! Bad input and failures: one clear line on stderr naming the profile or file, exit 1, nothing on
//! stdout, caches untouched, no panic, no secret.

use std::time::Instant;

use crate::testenv::{TestEnv, static_keys};

fn base() -> TestEnv {
    let env = TestEnv::new();
    env.credentials(&static_keys("base", "AKIABASE", "base-secret-value"));
    env
}

#[test]
fn bad_profiles_fail_with_one_line_naming_profile_and_file() {
    let cases: &[(&str, &str, &str)] = &[
        ("", "nope", "profile \"nope\" not found in ~/.aws/config or ~/.aws/credentials"),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n",
            "a",
            "source_profile loop a -> b -> a in ~/.aws/config",
        ),
        (
            "[profile m]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = ghost\n",
            "m",
            "profile \"m\": source_profile \"ghost\" not found",
        ),
        (
            "[profile o]\nrole_arn = arn:aws:iam::1:role/o\n",
            "o",
            "profile \"o\" in ~/.aws/config: role_arn needs source_profile or credential_source",
        ),
        (
            "[profile b2]\nrole_arn = arn:aws:iam::1:role/o\nsource_profile = base\ncredential_source = Environment\n",
            "b2",
            "not both",
        ),
        (
            "[profile x]\nregion = eu-west-1\nthis line is broken\n",
            "x",
            "~/.aws/config line 3: expected `key = value`",
        ),
        (
            "[profile n]\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = 10\n  not a setting\n",
            "n",
            "~/.aws/config line 5: expected `name = value` in the nested settings above",
        ),
        (
            "[profile s]\nsso_session = nowhere\n",
            "s",
            "profile \"s\" in ~/.aws/config: sso_session \"nowhere\" has no [sso-session nowhere] section",
        ),
        (
            "[profile p]\ncredential_process = sh -c 'echo went wrong >&2; exit 4'\n",
            "p",
            "profile \"p\": credential_process: credential_process \"sh\" exited with status 4: went wrong",
        ),
        (
            "[profile j]\ncredential_process = sh -c 'echo SECRET-IN-STDOUT'\n",
            "j",
            "printed no valid credentials JSON",
        ),
        (
            "[profile d]\nrole_arn = arn:aws:iam::1:role/denied\nsource_profile = base\n",
            "d",
            "profile \"d\": AssumeRole arn:aws:iam::1:role/denied: AccessDenied: User: AKIABASE is not authorized",
        ),
        (
            "[profile e]\nrole_arn = arn:aws:iam::1:role/broken\nsource_profile = base\n",
            "e",
            "InternalFailure",
        ),
    ];
    for (config, profile, needle) in cases {
        let env = base();
        env.config(config);
        for args in [&["export", "--profile", profile][..], &[profile, "--emit", "bash"][..]] {
            let out = env.run(args);
            out.assert_clean_failure(needle);
            assert!(
                !out.stderr.contains("SECRET-IN-STDOUT") && !out.stderr.contains("base-secret-value"),
                "{}",
                out.stderr
            );
        }
    }
}

#[test]
fn wrong_mfa_code_fails_and_writes_no_cache() {
    let env = base();
    env.config("[profile base]\nmfa_serial = arn:aws:iam::1:mfa/base\n");
    let out = env.run_stdin(&["export", "--profile", "base"], "000000\n");
    assert_eq!(out.status, 1);
    assert_eq!(out.stdout, "");
    let last = out.stderr.lines().last().unwrap();
    assert!(last.contains("profile \"base\": GetSessionToken with MFA arn:aws:iam::1:mfa/base: AccessDenied: MultiFactorAuthentication failed"), "{}", out.stderr);
    assert!(!env.path(".awsume/cache/aws-credentials-AKIABASE").exists(), "no session cached");
    let not_digits = env.run_stdin(&["export", "--profile", "base"], "12ab56\n");
    assert_eq!((not_digits.status, not_digits.stdout.as_str()), (1, ""));
    assert!(not_digits.stderr.lines().last().unwrap().contains("6 digits"), "{}", not_digits.stderr);
    let closed = env.run(&["export", "--profile", "base"]);
    assert!(closed.stderr.contains("use --mfa-token"), "{}", closed.stderr);
}

#[test]
fn mfa_failure_leaves_an_existing_cache_untouched() {
    let env = base();
    env.config("[profile base]\nmfa_serial = arn:aws:iam::1:mfa/base\n");
    let cache = env.write(".awsume/cache/aws-credentials-AKIABASE", "{\"old\": true}");
    let out = env.run(&["export", "--profile", "base", "--mfa-token", "000000"]);
    assert_eq!(out.status, 1);
    assert_eq!(std::fs::read_to_string(cache).unwrap(), "{\"old\": true}");
}

#[test]
fn unreachable_endpoint_fails_in_bounded_time() {
    let env = base();
    env.config("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n");
    let mut cmd = env.awsume(&["export", "--profile", "r"]);
    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9/");
    let start = Instant::now();
    let out = crate::testenv::run(cmd, None);
    assert!(start.elapsed() < crate::testenv::PROMPTLY, "took {:?}", start.elapsed());
    out.assert_clean_failure(
        "profile \"r\": AssumeRole arn:aws:iam::1:role/r: cannot reach http://127.0.0.1:9/",
    );
}

#[test]
fn debug_output_never_shows_a_secret() {
    let env = base();
    env.config("[profile base]\nmfa_serial = arn:aws:iam::1:mfa/base\n[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n");
    let out = env.run_stdin(&["export", "--profile", "r", "--debug", "--json"], "123456\n");
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("awsume: debug: GetSessionToken"), "{}", out.stderr);
    let json = out.json();
    let session = std::fs::read_to_string(env.path(".awsume/cache/aws-credentials-AKIABASE")).unwrap();
    let session: serde_json::Value = serde_json::from_str(&session).unwrap();
    for secret in [
        "base-secret-value",
        "123456",
        json["SecretAccessKey"].as_str().unwrap(),
        json["SessionToken"].as_str().unwrap(),
        session["SecretAccessKey"].as_str().unwrap(),
        session["SessionToken"].as_str().unwrap(),
    ] {
        assert!(!out.stderr.contains(secret), "stderr shows a secret: {}", out.stderr);
    }
}

#[test]
fn run_directly_prints_a_hint_and_fails() {
    let env = base();
    let out = env.run(&["base"]);
    out.assert_clean_failure("awsume init bash");
    assert_eq!(env.run(&["--unset"]).status, 1);
}
