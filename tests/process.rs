//! Other tools' commands run once for many callers: `awsume process -- CMD` as every SDK's
//! `credential_process`, `credential_process_cache = true` for awsume's own runs, and
//! `web_identity_token_process`. A fake command counts its runs.

use std::process::Command;

use crate::testenv::{BIN, Output, TestEnv, detached, mode, python, run, together};

/// A credential command that counts its runs (`~/runs`), waits `FAKE_SLEEP` seconds, and prints
/// by its first argument: `ok` (an hour's credentials), `noexp` (no Expiration), `bad`, `fail`,
/// `v2`, `past`; `token` prints a JWT whose `exp` is an hour away (`old-token`: an hour ago).
const FAKE: &str = r#"#!/bin/sh
echo run >>"$HOME/runs"
sleep "${FAKE_SLEEP:-0}"
in_an_hour=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
jwt() { printf 'eyJhbGciOiJub25lIn0.%s.c2ln' "$(printf '{"sub":"ci","exp":%s}' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '=')"; }
case "$1" in
ok) printf '{"Version": 1, "AccessKeyId": "ASIAFAKE", "SecretAccessKey": "fake-secret", "SessionToken": "fake-token", "Expiration": "%s"}\n' "$in_an_hour" ;;
noexp) printf '{"Version": 1, "AccessKeyId": "AKIAFAKE", "SecretAccessKey": "fake-secret"}\n' ;;
bad) printf 'SECRETVALUE is no JSON\n' ;;
fail) exit 3 ;;
v2) printf '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "SECRETVALUE"}\n' ;;
past) printf '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "SECRETVALUE", "Expiration": "2020-01-01T00:00:00Z"}\n' ;;
token) jwt "$(date -u -d '+1 hour' +%s)" ;;
old-token) jwt "$(date -u -d '-1 hour' +%s)" ;;
esac
"#;

fn fake_env() -> (TestEnv, String) {
    let env = TestEnv::new();
    let fake = env.write("fake", FAKE);
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    (env, fake.display().to_string())
}

fn runs(env: &TestEnv) -> usize {
    std::fs::read_to_string(env.path("runs")).map(|t| t.lines().count()).unwrap_or(0)
}

fn kept(env: &TestEnv) -> Vec<std::path::PathBuf> {
    let Ok(dir) = std::fs::read_dir(env.path(".awsume/cache")) else { return Vec::new() };
    let mut files: Vec<_> = dir
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name().unwrap().to_str().unwrap().starts_with("process-")
                && p.extension().is_some_and(|x| x == "json")
        })
        .collect();
    files.sort();
    files
}

/// `n` processes started together with no terminal (a new session each, stdin closed).
fn at_once(env: &TestEnv, n: usize, program: &str, args: &[&str], vars: &[(&str, &str)]) -> Vec<Output> {
    together((0..n).map(|_| detached(env, program, args, vars)))
}

#[test]
fn thirty_aws_cli_callers_on_one_wrapped_command_run_it_once() {
    let (env, fake) = fake_env();
    env.config(&format!(
        "[profile wrapped]\ncredential_process = awsume process -- {fake} ok\nregion = us-east-1\n"
    ));
    let aws = python().with_file_name("aws").display().to_string();
    let outs = at_once(
        &env,
        30,
        &aws,
        &["sts", "get-caller-identity", "--profile", "wrapped"],
        &[("FAKE_SLEEP", "1")],
    );
    for out in &outs {
        assert_eq!(out.status, 0, "{}", out.stderr);
        assert!(out.stdout.contains("\"Account\""), "{}", out.stdout);
    }
    assert_eq!(runs(&env), 1, "one run for thirty callers");
    assert_eq!(env.actions().iter().filter(|a| *a == "GetCallerIdentity").count(), 30);
    // Kept 0600 in 0700, no secret in its name.
    let files = kept(&env);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!((mode(&files[0]), mode(files[0].parent().unwrap())), (0o600, 0o700));
    assert!(!files[0].to_string_lossy().contains("FAKE"));
}

#[test]
fn a_kept_output_serves_until_its_margin_and_a_setting_moves_the_margin() {
    let (env, fake) = fake_env();
    let first = env.run(&["process", "--", &fake, "ok"]);
    assert_eq!(first.status, 0, "{}", first.stderr);
    assert!(first.stdout.contains("\"AccessKeyId\": \"ASIAFAKE\""), "printed as the command printed it");
    assert_eq!(env.run(&["process", "--", &fake, "ok"]).stdout, first.stdout);
    assert_eq!(runs(&env), 1, "the second call runs nothing");
    // Another key, another entry; -r runs again.
    env.run(&["process", "--profile-key", "other", "--", &fake, "ok"]).ok();
    assert_eq!(runs(&env), 2);
    env.run(&["process", "-r", "--", &fake, "ok"]).ok();
    assert_eq!(runs(&env), 3);
    // A margin past the hour the credentials last: due, so one run (then due again).
    env.write(".awsume/config.yaml", "role-cache-margin: 7200\n");
    env.run(&["process", "--", &fake, "ok"]).ok();
    assert_eq!(runs(&env), 4);
    // An entry others may write is not trusted: a miss, said, and the command runs.
    env.write(".awsume/config.yaml", "");
    for entry in kept(&env) {
        std::fs::set_permissions(entry, std::os::unix::fs::PermissionsExt::from_mode(0o666)).unwrap();
    }
    let untrusted = env.run(&["process", "--", &fake, "ok"]);
    assert_eq!(untrusted.status, 0, "{}", untrusted.stderr);
    assert!(untrusted.stderr.contains("others can write"), "{}", untrusted.stderr);
    assert_eq!(runs(&env), 5);
    // One another user owns: likewise.
    for entry in kept(&env) {
        let status = Command::new("chown").arg("65534:65534").arg(&entry).status().unwrap();
        assert!(status.success());
    }
    let foreign = env.run(&["process", "--", &fake, "ok"]);
    assert!(foreign.stderr.contains("belongs to uid 65534"), "{}", foreign.stderr);
    assert_eq!(runs(&env), 6);
}

#[test]
fn output_without_expiration_runs_every_time_and_bad_output_fails_in_one_line() {
    let (env, fake) = fake_env();
    for _ in 0..2 {
        let out = env.run(&["process", "--", &fake, "noexp"]);
        assert_eq!(out.status, 0, "{}", out.stderr);
        assert!(out.stdout.contains("AKIAFAKE"));
    }
    assert_eq!(runs(&env), 2, "nothing kept: run every time");
    for (kind, needle) in [
        ("bad", "printed no valid credentials JSON"),
        ("fail", "exited with status 3"),
        ("v2", "printed Version 2"),
        ("past", "printed credentials that ended at 2020-01-01"),
    ] {
        let out = env.run(&["process", "--", &fake, kind]);
        out.assert_clean_failure(needle);
        assert!(out.stderr.contains("fake"), "names the command: {}", out.stderr);
        assert!(!out.stderr.contains("SECRETVALUE"), "{}", out.stderr);
    }
    assert!(kept(&env).is_empty(), "nothing kept: {:?}", kept(&env));
    env.run(&["process"]).assert_usage_error("COMMAND");
}

#[test]
fn credential_process_cache_shares_one_run_with_the_shell_export_and_the_wrapper() {
    let (env, fake) = fake_env();
    env.config(&format!(
        "[profile cached]\ncredential_process = {fake} ok\ncredential_process_cache = true\n\
         [profile plain]\ncredential_process = {fake} ok\n\
         [profile typo]\ncredential_process = {fake} ok\ncredential_process_cache = yes\n"
    ));
    let init = env.write("init.bash", &env.run(&["init", "bash"]).stdout);
    let mut shell = env.command("bash");
    shell.args([
        "--norc",
        "-c",
        &format!("source '{}' && awsume cached && printf %s \"$AWS_ACCESS_KEY_ID\"", init.display()),
    ]);
    let out = run(shell, None);
    assert_eq!(out.stdout, "ASIAFAKE", "{}", out.stderr);
    assert_eq!(env.run(&["export", "--profile", "cached"]).json()["AccessKeyId"], "ASIAFAKE");
    assert!(env.run(&["process", "--", &fake, "ok"]).stdout.contains("ASIAFAKE"));
    assert_eq!(runs(&env), 1, "one run for the shell, export and the wrapper");
    // -r runs it again; a profile without the key runs it each time, as before.
    env.run(&["export", "--profile", "cached", "-r"]).ok();
    assert_eq!(runs(&env), 2);
    env.run(&["export", "--profile", "plain"]).ok();
    env.run(&["export", "--profile", "plain"]).ok();
    assert_eq!(runs(&env), 4);
    env.run(&["export", "--profile", "typo"])
        .assert_clean_failure("credential_process_cache \"yes\" is neither true nor false");
    // --clean keeps what has not ended, and removes what has.
    assert!(env.run(&["--clean"]).stderr.contains("removed 0 ended command output(s)"));
    assert_eq!(kept(&env).len(), 1);
    env.write(".awsume/cache/process-ended.json", r#"{"output": "x", "expires": 1}"#);
    assert!(env.run(&["--clean"]).stderr.contains("removed 1 ended command output(s)"));
    assert_eq!(kept(&env).len(), 1);
}

#[test]
fn web_identity_token_process_runs_once_for_ten_callers_and_again_when_due() {
    let (env, fake) = fake_env();
    env.config(&format!(
        "[profile wi]\nrole_arn = arn:aws:iam::123456789012:role/ci\nweb_identity_token_process = {fake} token\nregion = us-east-1\n\
         [profile old]\nrole_arn = arn:aws:iam::123456789012:role/ci\nweb_identity_token_process = {fake} old-token\n\
         [profile both]\nrole_arn = arn:aws:iam::1:role/x\nweb_identity_token_process = x\nweb_identity_token_file = y\n"
    ));
    let outs =
        at_once(&env, 10, BIN, &["export", "--profile", "wi", "--format", "process"], &[("FAKE_SLEEP", "1")]);
    let keys: std::collections::BTreeSet<String> =
        outs.iter().map(|o| o.ok().json()["AccessKeyId"].to_string()).collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(runs(&env), 1, "one token for ten callers");
    assert_eq!(env.actions(), ["AssumeRoleWithWebIdentity"]);
    // The role session gone while the token lasts: the kept token serves the new AssumeRoleWithWebIdentity.
    let forget_role = || std::fs::remove_dir_all(env.path(".aws/cli/cache")).unwrap();
    forget_role();
    env.run(&["export", "--profile", "wi"]).ok();
    assert_eq!(runs(&env), 1);
    assert_eq!(env.actions().len(), 2);
    // The token due (a margin past its hour, from awsume's settings, which `export` leaves out as
    // aws-export-credentials does): fetched again.
    forget_role();
    env.write(".awsume/config.yaml", "role-cache-margin: 7200\n");
    let due = env.run(&["wi", "-s", "--shell", "bash"]);
    assert!(due.stdout.contains("AWS_ACCESS_KEY_ID"), "{}", due.stderr);
    assert_eq!(runs(&env), 2);
    assert_eq!(env.actions().len(), 3);
    env.run(&["export", "--profile", "old"]).assert_clean_failure("printed a token that has expired");
    env.run(&["export", "--profile", "both"]).assert_clean_failure("not both");
}
