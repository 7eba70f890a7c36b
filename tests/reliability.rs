//! Faults, load and hostile surroundings: never a torn or lost file, never a half-configured shell,
//! always one clear line in bounded time.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::testenv::{Output, SHELLS, Sh, TestEnv, managed, mfa_env, mode, static_keys};

/// Starts all `commands` at once and waits for each.
fn all_at_once(env: &TestEnv, commands: Vec<Vec<String>>) -> Vec<Output> {
    crate::testenv::together(
        commands.iter().map(|args| env.awsume(&args.iter().map(String::as_str).collect::<Vec<_>>())),
    )
}

#[test]
fn twenty_concurrent_writers_neither_tear_nor_lose_a_file() {
    let env = mfa_env();
    env.config("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n");
    let sections = (0..20)
        .map(|i| ["export", "--profile", "r", "-c", &format!("written-{i}")].map(String::from).to_vec());
    for out in all_at_once(&env, sections.collect()) {
        assert_eq!(out.status, 0, "{}", out.stderr);
    }
    for i in 0..20 {
        let out = env.run(&["export", "--profile", &format!("written-{i}"), "--json"]);
        assert_eq!(out.status, 0, "section written-{i} lost: {}", out.stderr);
    }
    assert!(std::fs::read_to_string(env.path(".aws/credentials")).unwrap().starts_with("[base]\n"));

    let env = mfa_env();
    let sessions = (0..20).map(|_| {
        ["export", "--profile", "base", "--refresh", "--mfa-token", "123456"].map(String::from).to_vec()
    });
    for out in all_at_once(&env, sessions.collect()) {
        assert_eq!(out.status, 0, "{}", out.stderr);
    }
    let cache = std::fs::read_to_string(env.path(".awsume/cache/aws-credentials-AKIABASE")).unwrap();
    serde_json::from_str::<serde_json::Value>(&cache).expect("a whole cache file");
    let left: Vec<String> = std::fs::read_dir(env.path(".awsume/cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.ends_with(".lock"))
        .collect();
    assert_eq!(left, ["aws-credentials-AKIABASE"], "no temp file left (the lock stays, empty)");

    let file = env.path("export-cache.json").display().to_string();
    let exports = (0..20).map(|_| {
        ["export", "--profile", "r", "--refresh", "--mfa-token", "123456", "--cache-file", &file]
            .map(String::from)
            .to_vec()
    });
    for out in all_at_once(&env, exports.collect()) {
        assert_eq!(out.status, 0, "{}", out.stderr);
    }
    serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&file).unwrap())
        .expect("a whole cache file");
}

#[test]
fn files_are_private_whatever_the_umask() {
    let env = mfa_env();
    let mut cmd = env.command("sh");
    cmd.args([
        "-c",
        "umask 000; exec \"$0\" \"$@\"",
        crate::testenv::BIN,
        "export",
        "--profile",
        "r",
        "--mfa-token",
        "123456",
        "-c",
        "out",
    ]);
    cmd.env("AWS_SHARED_CREDENTIALS_FILE", env.path("fresh/credentials"));
    env.config(
        "[profile base]\nmfa_serial = arn:aws:iam::1:mfa/base\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n\
         [profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n",
    );
    let out = crate::testenv::run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(mode(&env.path(".awsume/cache")), 0o700);
    assert_eq!(mode(&env.path(".awsume/cache/aws-credentials-AKIABASE")), 0o600);
    assert_eq!(mode(&env.path("fresh")), 0o700);
    assert_eq!(mode(&env.path("fresh/credentials")), 0o600);
}

/// A cache directory others can write to is never used: no session is read from it or written
/// to it, and the run says so (a symlinked one is followed and judged where it leads: hardening).
#[test]
fn a_cache_directory_others_could_control_is_not_used() {
    let env = mfa_env();
    std::fs::create_dir_all(env.path(".awsume/cache")).unwrap();
    std::fs::set_permissions(env.path(".awsume/cache"), std::os::unix::fs::PermissionsExt::from_mode(0o777))
        .unwrap();
    let out = env.run(&["export", "--profile", "r", "--mfa-token", "123456"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("others can write to ~/.awsume/cache (mode 777"), "{}", out.stderr);
    assert_eq!(std::fs::read_dir(env.path(".awsume/cache")).unwrap().count(), 0, "nothing written there");
}

#[test]
fn sts_faults_give_one_line_in_bounded_time_and_touch_no_cache() {
    let env = mfa_env();
    env.config(
        "[profile base]\nmfa_serial = arn:aws:iam::1:mfa/base\n\
         [profile expired]\nrole_arn = arn:aws:iam::1:role/expired\nsource_profile = base\n\
         [profile badkey]\nrole_arn = arn:aws:iam::1:role/badkey\nsource_profile = base\n\
         [profile slow]\nrole_arn = arn:aws:iam::1:role/slow\nsource_profile = base\n",
    );
    env.run(&["export", "--profile", "base", "--mfa-token", "123456"]).ok();
    let cache = env.path(".awsume/cache/aws-credentials-AKIABASE");
    let cached = std::fs::read(&cache).unwrap();
    let dead_tls = env.endpoint.replace("http://", "https://");
    /// Profile, extra environment, what stderr must say.
    type Fault<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Fault] = &[
        (
            "expired",
            &[],
            "profile \"expired\": AssumeRole arn:aws:iam::1:role/expired: ExpiredToken: The security token",
        ),
        ("badkey", &[], "profile \"badkey\": AssumeRole arn:aws:iam::1:role/badkey: InvalidClientTokenId"),
        (
            "slow",
            &[("AWSUME_TIMEOUT", "2")],
            "profile \"slow\": AssumeRole arn:aws:iam::1:role/slow: no answer from",
        ),
        ("expired", &[("AWS_ENDPOINT_URL", dead_tls.as_str())], "cannot reach https://127.0.0.1"),
        (
            "expired",
            &[("AWS_ENDPOINT_URL", "http://awsume-test.invalid/"), ("AWSUME_TIMEOUT", "3")],
            "profile \"expired\": AssumeRole",
        ),
    ];
    for (profile, vars, needle) in cases {
        for args in [&["export", "--profile", profile][..], &[profile, "--emit", "bash"][..]] {
            let mut cmd = env.awsume(args);
            cmd.envs(vars.iter().copied());
            let start = Instant::now();
            let out = crate::testenv::run(cmd, None);
            assert!(start.elapsed() < crate::testenv::PROMPTLY, "{profile}: took {:?}", start.elapsed());
            out.assert_clean_failure(needle);
            assert!(!out.stderr.contains("base-secret"));
        }
    }
    assert_eq!(std::fs::read(&cache).unwrap(), cached, "the MFA cache is untouched");
}

/// The function survives the user's own strictness and aliases: `set -euo pipefail`, aliases named
/// like the builtins it calls, a changed IFS, and fish's tracing.
#[test]
fn the_function_survives_hostile_shell_settings() {
    let env = TestEnv::new();
    env.credentials(&static_keys("dev", "AKIADEV", "dev secret with spaces"));
    for shell in SHELLS {
        let setup = match shell {
            Sh::Bash => {
                "shopt -s expand_aliases\nalias command='echo ALIASED' eval='echo ALIASED' unset='echo ALIASED' builtin='echo ALIASED' local='echo ALIASED'\nIFS=':/'\n"
            }
            Sh::Zsh => {
                "alias command='echo ALIASED' eval='echo ALIASED' unset='echo ALIASED' builtin='echo ALIASED' local='echo ALIASED'\nIFS=':/'\n"
            }
            Sh::Fish => "set fish_trace 1\nfunction eval; echo ALIASED; end\n",
            Sh::Nu => "alias from = echo ALIASED\n",
        };
        let script = format!("{}{}{}", shell.call(&["P"], "s1"), shell.call(&["U"], "s2"), shell.dump("d"));
        // Aliases must exist before the function is defined, as in an rc file: load init after them.
        let out = shell.run_after(&env, setup, &script, &[("P", "dev"), ("U", "--unset")]);
        assert_eq!(out.status, 0, "{shell:?}: {}", out.stderr);
        assert!(!out.stdout.contains("ALIASED"), "{shell:?}: {}", out.stdout);
        let status = std::fs::read_to_string(env.path("s1")).unwrap();
        assert_eq!(status.trim(), "0", "{shell:?}: {}", out.stderr);
        assert!(managed(&env, "d").is_empty(), "{shell:?}");
        let single = shell.run_after(
            &env,
            setup,
            &format!("{}{}", shell.call(&["P"], "s3"), shell.dump("d2")),
            &[("P", "dev")],
        );
        assert_eq!(
            managed(&env, "d2").get("AWS_SECRET_ACCESS_KEY").map(String::as_str),
            Some("dev secret with spaces"),
            "{shell:?}: {}",
            single.stderr
        );
    }
}

/// Random strings over all of Unicode but NUL, ESC and the C1 controls (refused at resolution: they
/// start escape sequences), weighted to what shells mind (control characters, quotes, `$`,
/// backticks, curly quotes), from proptest's deterministic runner: a failure repeats.
fn random_values(count: usize) -> Vec<String> {
    use proptest::strategy::{Strategy, ValueTree};
    let strategy =
        "([\\x01-\\x1a\\x1c-\\x1f]|['\"\\\\$`!\\n\\r*{}();#%’‘‚‛]|[^\\x00\\x1b\\x80-\\x9f]|[ -~]){1,24}";
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    (0..count).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect()
}

/// Any string survives emit → real shell → child process, byte for byte, in every shell.
#[test]
fn random_values_round_trip_through_every_shell() {
    let env = TestEnv::new();
    let values = random_values(40);
    let mut credentials = String::new();
    for (i, value) in values.iter().enumerate() {
        let json = serde_json::json!({"Version": 1, "AccessKeyId": "AKIARANDOM", "SecretAccessKey": value, "SessionToken": value});
        let file = env.write(&format!("random/{i}.json"), &json.to_string());
        credentials.push_str(&format!("[p{i}]\ncredential_process = cat {}\n", file.display()));
    }
    env.credentials(&credentials);
    for shell in SHELLS {
        let vars: Vec<(String, String)> =
            (0..values.len()).map(|i| (format!("P{i}"), format!("p{i}"))).collect();
        let script: String = (0..values.len())
            .map(|i| {
                format!(
                    "{}{}",
                    shell.call(&[&format!("P{i}")], &format!("s{i}")),
                    shell.dump(&format!("d{i}"))
                )
            })
            .collect();
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let out = shell.run(&env, &script, &vars);
        assert_eq!(out.status, 0, "{shell:?}: {}", out.stderr);
        for (i, value) in values.iter().enumerate() {
            let got = managed(&env, &format!("d{i}"));
            assert_eq!(got.get("AWS_SECRET_ACCESS_KEY"), Some(value), "{shell:?}: value {i} {value:?}");
            assert_eq!(got.get("AWS_SESSION_TOKEN"), Some(value), "{shell:?}: value {i}");
        }
    }
}

/// kill -9 at any moment of a write leaves the old credentials file whole.
#[test]
fn a_killed_writer_never_leaves_a_torn_file() {
    let env = mfa_env();
    env.config("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n");
    let original = std::fs::read_to_string(env.path(".aws/credentials")).unwrap();
    for round in 0..30u64 {
        let mut child = env
            .awsume(&["export", "--profile", "r", "-c", "target"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(round * 700));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read_to_string(env.path(".aws/credentials")).unwrap();
        assert!(now.starts_with(&original), "round {round}: the user's section changed:\n{now}");
        let parsed = env.run(&["-l"]);
        assert_eq!(parsed.status, 0, "round {round}: {}", parsed.stderr);
    }
    // A write that completes removes what killed writers left behind (temp files may hold secrets).
    env.run(&["export", "--profile", "r", "-c", "target"]).ok();
    let litter: Vec<_> = std::fs::read_dir(env.path(".aws"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(litter.is_empty(), "{litter:?}");
}

/// Every command path, with --debug: no secret reaches stderr, a file it should not, or a child's argv.
#[test]
fn no_secret_leaks_on_any_path() {
    let env = TestEnv::new();
    let token_file = env.write("web-token", "WEBTOKEN-SECRET-1");
    let process = env.write("proc.json", r#"{"Version":1,"AccessKeyId":"AKIAPROC","SecretAccessKey":"PROC-SECRET-2","SessionToken":"PROC-TOKEN-3"}"#);
    env.config(&format!(
        "[profile user]\nmfa_serial = arn:aws:iam::1:mfa/u\n[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = user\n\
         [profile proc]\ncredential_process = cat {}\n[profile web]\nrole_arn = arn:aws:iam::1:role/w\nweb_identity_token_file = {}\n",
        process.display(),
        token_file.display()
    ));
    env.credentials(&static_keys("user", "AKIAUSER", "USER-SECRET-4"));
    let cache = env.path("export-cache.json").display().to_string();
    let paths: &[&[&str]] = &[
        &["export", "--profile", "role", "--debug", "--mfa-token", "123456"],
        &["export", "--profile", "role", "--debug", "--env"],
        &["export", "--profile", "role", "--debug", "--cache-file", &cache],
        &["export", "--profile", "role", "--debug", "-c", "out"],
        &["export", "--profile", "proc", "--debug", "--env-export"],
        &["export", "--profile", "web", "--debug"],
        &["export", "--profile", "user", "--debug", "--exec", "sh", "-c", "tr '\\0' ' ' < /proc/$$/cmdline"],
        &["role", "--debug", "--emit", "bash"],
        &["proc", "--debug", "-s", "--shell", "fish"],
        &["-l", "--debug"],
    ];
    let mut secrets: Vec<String> =
        ["WEBTOKEN-SECRET-1", "PROC-SECRET-2", "PROC-TOKEN-3", "USER-SECRET-4", "123456"]
            .map(String::from)
            .to_vec();
    for args in paths {
        let out = env.run(args);
        assert_eq!(out.status, 0, "{args:?}: {}", out.stderr);
        if let Ok(json) = serde_json::from_str::<serde_json::Value>(&out.stdout) {
            secrets.extend(
                ["SecretAccessKey", "SessionToken"].iter().filter_map(|k| json[k].as_str().map(String::from)),
            );
        }
        for secret in &secrets {
            assert!(
                !out.stderr.contains(secret.as_str()),
                "{args:?} printed a secret on stderr: {}",
                out.stderr
            );
        }
        if args.contains(&"--exec") {
            assert!(!out.stdout.contains("USER-SECRET-4"), "a secret in the child's argv: {}", out.stdout);
        }
    }
    // Secrets are only where they are meant to be: the credentials file, the two caches, our inputs.
    let intended = [
        ".aws/credentials",
        ".awsume/cache/aws-credentials-AKIAUSER",
        "export-cache.json",
        "proc.json",
        "web-token",
    ];
    let mut stack = vec![env.home.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(env.home.path()).unwrap().display().to_string();
            if intended.contains(&rel.as_str())
                || rel.starts_with(".aws/config")
                || rel.starts_with(".aws/cli/cache/")
            {
                continue;
            }
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            for secret in &secrets {
                assert!(!text.contains(secret.as_str()), "{rel} holds a secret");
            }
        }
    }
}
