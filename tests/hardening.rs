//! What a hostile review of the binary found, each finding as a test: huge and hostile input, the
//! credential servers under a local attacker, planted caches, control characters, NUL bytes,
//! concurrent MFA prompts, symlinked cache directories and readable credentials files.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::testenv::{Output, TestEnv, mfa_env, mode, run, start_server, static_keys};

/// Runs `program args` as uid/gid 65534 (nobody), the local attacker.
fn as_nobody(env: &TestEnv, script: &str) -> Output {
    let mut cmd = env.command("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "bash", "-c", script]);
    run(cmd, None)
}

fn chown_nobody(path: &std::path::Path) {
    let status = std::process::Command::new("chown").arg("65534:65534").arg(path).status().unwrap();
    assert!(status.success());
}

#[test]
fn list_survives_a_huge_name_and_pads_wide_characters() {
    let env = TestEnv::new();
    let huge = "p".repeat(70_000);
    env.credentials(&format!("{}{}", static_keys(&huge, "AKIA1", "s"), static_keys("名前", "AKIA2", "s")));
    let out = env.run(&["-l"]);
    assert_eq!(out.status, 0, "{}", &out.stderr[..out.stderr.len().min(300)]);
    assert!(out.stdout.lines().any(|l| l.starts_with(&huge)), "the name whole");
    let header = out.stdout.lines().next().unwrap();
    let cjk = out.stdout.lines().find(|l| l.starts_with("名前")).unwrap();
    // 名前 is four columns wide: the TYPE column starts where the header's does.
    let column = |line: &str, at: usize| unicode_columns(&line[..line.char_indices().nth(at).unwrap().0]);
    assert_eq!(column(cjk, 2 + huge.len() - 4 + 2), unicode_columns(&header[..header.find("TYPE").unwrap()]));
}

/// Columns a string takes in a terminal: two for the CJK characters these tests use.
fn unicode_columns(text: &str) -> usize {
    text.chars().map(|c| if ('\u{4e00}'..='\u{9fff}').contains(&c) { 2 } else { 1 }).sum()
}

#[test]
fn a_section_of_100000_keys_reads_at_once() {
    let env = TestEnv::new();
    let mut text = static_keys("big", "AKIA1", "s");
    for i in 0..100_000 {
        text.push_str(&format!("k{i} = v\n"));
    }
    env.credentials(&text);
    let out = env.run(&["--complete", "--", "b"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.stdout.trim(), "big");
}

/// `export --imds` serving a static profile, and its address.
fn imds_server(env: &TestEnv, extra: &[&str]) -> (Child, String) {
    env.credentials(&static_keys("p", "AKIASERVED", "served-secret"));
    start_server(env, &[&["export", "--profile", "p", "--imds"][..], extra].concat(), &[])
}

const TOKEN_REQUEST: &str =
    "PUT /latest/api/token HTTP/1.1\r\nHost: x\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\n";

/// One raw request, the status line of the answer.
fn status_of(address: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.lines().next().unwrap_or("").to_string()
}

#[test]
fn the_imds_server_serves_only_its_user_and_no_proxied_token_request() {
    let env = TestEnv::new();
    let (mut server, address) = imds_server(&env, &["0"]);
    let (host, port) = address.split_once(':').unwrap();
    assert_eq!(status_of(&address, &format!("{TOKEN_REQUEST}\r\n")), "HTTP/1.1 200 OK");
    assert_eq!(
        status_of(&address, &format!("{TOKEN_REQUEST}X-Forwarded-For: 10.0.0.1\r\n\r\n")),
        "HTTP/1.1 403 Forbidden",
        "a token request relayed by a proxy"
    );
    // Another local user: refused before a byte of the request is read.
    let script = format!(
        "exec 3<>/dev/tcp/{host}/{port}; printf 'PUT /latest/api/token HTTP/1.1\\r\\nHost: x\\r\\nX-aws-ec2-metadata-token-ttl-seconds: 60\\r\\n\\r\\n' >&3; head -n 1 <&3"
    );
    let nobody = as_nobody(&env, &script);
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(nobody.stdout.trim(), "HTTP/1.1 403 Forbidden", "{}", nobody.stderr);
}

#[test]
fn a_stalled_connection_delays_no_other_client() {
    let env = TestEnv::new();
    let (mut server, address) = imds_server(&env, &["0"]);
    // Connected and silent, and another dripping a byte at a time.
    let idle = TcpStream::connect(&address).unwrap();
    let mut drip = TcpStream::connect(&address).unwrap();
    drip.write_all(b"PU").unwrap();
    let status = status_of(&address, &format!("{TOKEN_REQUEST}\r\n"));
    // Served while the stalled ones still wait: the idle connection is open yet (a server that
    // took one connection at a time would have had to give up on it first).
    idle.set_nonblocking(true).unwrap();
    let still_open = matches!(idle.peek(&mut [0u8; 1]), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock);
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(still_open, "the request was answered only after the stalled connection was dropped");
}

#[test]
fn serving_beyond_loopback_needs_a_flag_and_is_said() {
    use std::io::BufRead;
    let env = TestEnv::new();
    env.credentials(&static_keys("p", "AKIA1", "s"));
    env.run(&["export", "--profile", "p", "--imds", "0.0.0.0:0"]).assert_clean_failure("--allow-remote");
    let mut cmd = env.awsume(&["export", "--profile", "p", "--imds", "0.0.0.0:0", "--allow-remote"]);
    cmd.stdin(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stderr.take().unwrap()).read_line(&mut first).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(first.contains("reachable from other machines"), "{first}");
}

#[test]
fn planted_caches_of_another_user_are_misses() {
    let env = mfa_env();
    // --cache-file: a file of someone else's with their keys for this very profile.
    let cache = env.path("cache.json");
    let planted = r#"{"Version":1,"AccessKeyId":"ASIAATTACKER","SecretAccessKey":"a","SessionToken":"t","Expiration":"2099-01-01T00:00:00Z","Profile":"r"}"#;
    std::fs::write(&cache, planted).unwrap();
    chown_nobody(&cache);
    let out = env.run(&["export", "--profile", "r", "--mfa-token", "123456", "--cache-file", "cache.json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_ne!(out.json()["AccessKeyId"], "ASIAATTACKER");
    assert!(out.stderr.contains("belongs to uid 65534"), "{}", out.stderr);
    // The MFA cache under a shared XDG_CACHE_HOME: the attacker's directory and session.
    let shared = env.path("shared");
    std::fs::create_dir_all(shared.join("awsume")).unwrap();
    std::fs::write(
        shared.join("awsume/aws-credentials-AKIABASE"),
        r#"{"AccessKeyId":"ASIAATTACKER","SecretAccessKey":"a","SessionToken":"t","Expiration":"2099-01-01 00:00:00"}"#,
    )
    .unwrap();
    chown_nobody(&shared.join("awsume"));
    chown_nobody(&shared.join("awsume/aws-credentials-AKIABASE"));
    let mut cmd = env.awsume(&["export", "--profile", "base", "--mfa-token", "123456"]);
    cmd.env("XDG_CACHE_HOME", &shared);
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_ne!(out.json()["AccessKeyId"], "ASIAATTACKER");
    assert!(env.actions().iter().filter(|a| *a == "GetSessionToken").count() >= 1);
}

#[test]
fn control_characters_in_names_and_values_are_shown_escaped() {
    let env = TestEnv::new();
    env.credentials(&format!(
        "{}[evil]\naws_access_key_id = A\n",
        static_keys("x\u{1b}[2Jy\u{7}", "AKIA\u{1b}]0;owned\u{7}", "s")
    ));
    let out = env.run(&["-l"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(!out.stdout.contains('\u{1b}') && !out.stdout.contains('\u{7}'), "{:?}", out.stdout);
    assert!(out.stdout.contains("x\\x1b[2Jy\\x07"), "{}", out.stdout);
    let err = env.run(&["export", "--profile", "nope\u{1b}[31m"]);
    err.assert_clean_failure("nope\\x1b[31m");
    assert!(!err.stderr.contains('\u{1b}'));
}

#[test]
fn a_nul_byte_in_a_key_is_refused_naming_the_profile_and_key() {
    let env = TestEnv::new();
    env.credentials("[p]\naws_access_key_id = AKIA1\naws_secret_access_key = se\0cret\n");
    for args in [
        &["export", "--profile", "p", "--env"][..],
        &["export", "--profile", "p", "-c", "out"],
        &["export", "--profile", "p", "--exec", "true"],
    ] {
        env.run(args).assert_clean_failure("aws_secret_access_key holds a NUL byte");
    }
    assert!(!std::fs::read_to_string(env.path(".aws/credentials")).unwrap().contains("[out]"));
    let process = env.write(
        "nul-process",
        "#!/bin/sh\nprintf '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\\\\u0000x\"}'\n",
    );
    std::fs::set_permissions(&process, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    env.config(&format!("[profile proc]\ncredential_process = {}\n", process.display()));
    env.run(&["export", "--profile", "proc", "--env"])
        .assert_clean_failure("profile \"proc\": the SecretAccessKey");
}

#[test]
fn five_concurrent_cold_runs_ask_for_one_mfa_code() {
    let env = mfa_env();
    let count = env.path("codes");
    let process =
        env.write("code", &format!("#!/bin/sh\necho x >> '{}'\nsleep 0.5\necho 123456\n", count.display()));
    std::fs::set_permissions(&process, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    env.config(&format!(
        "[profile base]\nmfa_serial = arn:aws:iam::123456789012:mfa/base\nmfa_process = {}\n\
         [profile r]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\n",
        process.display()
    ));
    let runs: Vec<Child> = (0..5)
        .map(|_| {
            let mut cmd = env.awsume(&["export", "--profile", "r"]);
            cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
            cmd.spawn().unwrap()
        })
        .collect();
    for child in runs {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(std::fs::read_to_string(&count).unwrap().lines().count(), 1, "mfa_process ran once");
    assert_eq!(env.actions().iter().filter(|a| *a == "GetSessionToken").count(), 1);
}

#[test]
fn symlinked_cache_directories_are_followed_and_judged_where_they_lead() {
    let env = mfa_env();
    for (dir, link) in [("elsewhere-mfa", ".awsume/cache"), ("elsewhere-cli", ".aws/cli/cache")] {
        std::fs::create_dir_all(env.path(dir)).unwrap();
        std::fs::set_permissions(env.path(dir), std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
        std::fs::create_dir_all(env.path(link).parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(env.path(dir), env.path(link)).unwrap();
    }
    let out = env.run(&["export", "--profile", "r", "--mfa-token", "123456"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(env.run(&["export", "--profile", "r"]).status, 0, "both sessions reused");
    assert_eq!(env.actions(), ["GetSessionToken", "AssumeRole"]);
    assert!(env.path("elsewhere-mfa/aws-credentials-AKIABASE").exists());
    let entries = std::fs::read_dir(env.path("elsewhere-cli")).unwrap();
    assert_eq!(
        entries.filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "json")).count(),
        1
    );
    // A target others can write to: a miss with a note, and nothing cached there.
    std::fs::set_permissions(env.path("elsewhere-mfa"), std::os::unix::fs::PermissionsExt::from_mode(0o777))
        .unwrap();
    let out = env.run(&["export", "--profile", "base", "--mfa-token", "123456", "--refresh"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("others can write to"), "{}", out.stderr);
}

#[test]
fn a_credentials_file_others_can_read_is_made_private_when_secrets_go_in() {
    let env = TestEnv::new();
    env.credentials(&static_keys("p", "AKIA1", "s"));
    std::fs::set_permissions(
        env.path(".aws/credentials"),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    let out = env.run(&["export", "--profile", "p", "-c", "copy"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(mode(&env.path(".aws/credentials")), 0o600);
    assert!(out.stderr.contains("readable by others (mode 644)"), "{}", out.stderr);
    let again = env.run(&["export", "--profile", "p", "-c", "copy"]);
    assert!(!again.stderr.contains("readable by others"), "said once: {}", again.stderr);
}

/// Characters that reorder or hide text show escaped in `-l`; a key id holding an escape sequence
/// is refused before anything is printed; a profile name that cannot be a section header is refused
/// before a keychain is opened, a sign-in started or a file written; a pasted code over 64 KiB is
/// refused without being held whole.
#[test]
fn reorderings_escapes_header_breaking_names_and_huge_pastes() {
    let env = TestEnv::new();
    env.credentials(
        &(static_keys("admin\u{202e}nimda", "AKIA1", "s") + &static_keys("esc", "AKIA\u{1b}[31m", "s")),
    );
    let list = env.run(&["-l"]);
    assert!(
        list.ok().stdout.contains("admin\\u{202e}nimda") && !list.stdout.contains('\u{202e}'),
        "{}",
        list.stdout
    );
    env.run(&["export", "--profile", "esc", "--format", "env"])
        .assert_clean_failure("the AccessKeyId it resolved to holds an escape character (ESC or C1)");
    let before = std::fs::read_to_string(env.path(".aws/credentials")).unwrap();
    let mut add = env.awsume(&["keys", "add", "x]\n[victim", "--env"]);
    add.env("AWS_ACCESS_KEY_ID", "AKIAX")
        .env("AWS_SECRET_ACCESS_KEY", "s")
        .env("AWSUME_KEYCHAIN", "secret-service");
    run(add, None).assert_clean_failure("cannot be a section header");
    env.run(&["x]\n[victim", "--login", "-s", "--no-browser"])
        .assert_clean_failure("cannot be a section header");
    assert!(env.calls().is_empty(), "no sign-in was started");
    assert!(!env.path(".aws/config").exists());
    assert_eq!(std::fs::read_to_string(env.path(".aws/credentials")).unwrap(), before);
    // 16 MiB on stdin: awsume stops reading at 64 KiB (the rest meets a closed pipe).
    let mut login = env.awsume(&["web", "--login", "--remote", "-s"]);
    let mut child =
        login.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&vec![b'A'; 16 << 20]).is_err());
    let out = child.wait_with_output().unwrap();
    assert!(writer.join().unwrap(), "awsume stopped reading before the end");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("longer than 65536 bytes"), "{stderr}");
}

/// A lock file another user owns (left by `sudo -E awsume`) is a miss, as their cache entry is: a
/// note naming it and the fix, the work done without sharing. A symlink planted where a lock goes
/// is never followed (nothing is made where it leads). The AWS files' edit lock, which must hold,
/// refuses a foreign lock in one line; so does a SAML browser profile another user owns.
#[test]
fn foreign_or_planted_lock_files_are_not_followed_or_trusted() {
    let env = mfa_env();
    let cache = env.path(".awsume/cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::set_permissions(&cache, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let lock = cache.join("aws-credentials-AKIABASE.lock");
    std::fs::write(&lock, "").unwrap();
    chown_nobody(&lock);
    let out = env.run(&["export", "--profile", "r", "--mfa-token", "123456"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("not sharing this with other runs: ~/.awsume/cache/aws-credentials-AKIABASE.lock belongs to uid 65534")
            && out.stderr.contains("(remove it)"),
        "{}",
        out.stderr
    );
    // A symlink as the lock: not followed.
    std::fs::remove_file(&lock).unwrap();
    let target = env.path("elsewhere/made-by-awsume");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&target, &lock).unwrap();
    let out = env.run(&["export", "--profile", "base", "--mfa-token", "123456", "-r"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("is a symlink (remove it)"), "{}", out.stderr);
    assert!(!target.exists(), "nothing was made where the link leads");
    // The edit lock of the credentials file: refused in one line, the file untouched.
    env.write(".aws/credentials.lock", "");
    chown_nobody(&env.path(".aws/credentials.lock"));
    let before = std::fs::read_to_string(env.path(".aws/credentials")).unwrap();
    env.run(&["export", "--profile", "base", "--mfa-token", "123456", "-c", "out"])
        .assert_clean_failure("credentials.lock belongs to uid 65534");
    assert_eq!(std::fs::read_to_string(env.path(".aws/credentials")).unwrap(), before);
    // The SAML browser profile of another user: not used.
    let profile = env.path(".awsume/saml-browser");
    std::fs::create_dir_all(&profile).unwrap();
    chown_nobody(&profile);
    env.config("[profile web]\nsaml_url = https://idp.example.com/sso\nsaml_browser = /bin/false\n");
    env.run(&["export", "--profile", "web"])
        .assert_clean_failure("the SAML browser profile is not to be trusted");
}

/// Another local user cannot starve the container endpoint: their 60 held connections are closed
/// at once, and the owner's requests (with the token) are all answered meanwhile.
#[test]
fn another_user_cannot_fill_the_container_endpoints_connections() {
    let env = TestEnv::new();
    env.credentials(&static_keys("p", "AKIAOWNER", "owner-secret"));
    let token = [("AWS_CONTAINER_AUTHORIZATION_TOKEN", "owner-token")];
    let (mut server, address) = start_server(&env, &["export", "--profile", "p", "--container", "0"], &token);
    let (host, port) = address.split_once(':').unwrap();
    // 100 connections kept open (reopened as the endpoint drops them) for 8 s by uid 65534, with
    // the system's Python (the test's venv is not theirs).
    let hold = format!(
        "/usr/bin/python3 -c 'import socket, time\nend = time.time() + 8\nheld = []\nwhile time.time() < end:\n    held = [c for c in held if c.fileno() >= 0]\n    while len(held) < 100:\n        try: held.append(socket.create_connection((\"{host}\", {port}), timeout=1))\n        except OSError: break\n    open(\"{out}\", \"w\").write(str(len(held)))\n    time.sleep(0.05)\n    for c in held:\n        c.setblocking(False)\n        try:\n            if c.recv(1) == b\"\": c.close()\n        except BlockingIOError: pass\n        except OSError: c.close()\n' >/dev/null 2>&1 &\nfor _ in $(seq 100); do [ -s '{out}' ] && break; sleep 0.05; done",
        out = env.path("held").display()
    );
    std::fs::set_permissions(env.home.path(), std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    as_nobody(&env, &hold);
    std::thread::sleep(Duration::from_millis(300));
    let request = format!("GET / HTTP/1.1\r\nHost: {address}\r\nAuthorization: owner-token\r\n\r\n");
    for _ in 0..10 {
        assert_eq!(status_of(&address, &request), "HTTP/1.1 200 OK", "the owner is answered");
    }
    server.kill().unwrap();
    server.wait().unwrap();
}
