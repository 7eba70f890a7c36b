//! Many callers at once with no terminal (an IDE, terraform with many providers): real processes,
//! each in a session of its own (`setsid`, stdin closed), against the stubs that count calls. One
//! AssumeRole, one refresh, one sign-in for all of them; MFA through the desktop's dialog; the
//! device flow over SSH; a lock whose holder was killed holds nobody up.

use std::process::{Command, Stdio};

use crate::testenv::{
    BIN, Output, PROMPTLY, TestEnv, cli_token, ended_token, finished, following_browser, sso_env,
    static_keys, together, token_path,
};

/// `awsume ARGS` as a process with no terminal: a new session, stdin closed.
fn detached(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Command {
    let mut cmd = crate::testenv::detached(env, BIN, args, vars);
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

/// `n` callers started together, each waited for.
fn callers(env: &TestEnv, n: usize, args: &[&str], vars: &[(&str, &str)]) -> Vec<Output> {
    together((0..n).map(|_| detached(env, args, vars)))
}

fn count(actions: &[String], action: &str) -> usize {
    actions.iter().filter(|a| *a == action).count()
}

#[test]
fn twenty_callers_on_a_cold_role_make_one_assume_role() {
    let env = TestEnv::new();
    env.credentials(&static_keys("base", "AKIACONCURRENT", "s"));
    env.config("[profile r]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\n");
    let outs = callers(&env, 20, &["export", "--profile", "r", "--format", "process"], &[]);
    let keys: std::collections::BTreeSet<String> =
        outs.iter().map(|o| o.ok().json()["AccessKeyId"].to_string()).collect();
    assert_eq!(env.actions(), ["AssumeRole"]);
    assert_eq!(keys.len(), 1, "all twenty got the one session: {keys:?}");
}

#[test]
fn thirty_callers_after_the_sso_token_ended_refresh_it_once() {
    let env = sso_env();
    cli_token(&env, "corp", ended_token("single-use"));
    let outs = callers(&env, 30, &["export", "--profile", "modern", "--format", "process"], &[]);
    for out in &outs {
        assert_eq!(out.ok().json()["AccessKeyId"], "ASIASSO222222222222");
    }
    let actions = env.actions();
    assert_eq!(count(&actions, "CreateToken"), 1, "one refresh of a single-use token: {actions:?}");
    assert_eq!(count(&actions, "GetRoleCredentials"), 30);
}

#[test]
fn twenty_callers_on_an_ended_login_session_refresh_it_once() {
    let env = TestEnv::new();
    let path = crate::testenv::signed_in(&env, "console");
    crate::testenv::with_expiry(&path, -1);
    let before = env.actions().len();
    let outs = callers(&env, 20, &["export", "--profile", "console", "--json"], &[]);
    for out in &outs {
        assert_eq!(out.ok().json()["AccessKeyId"], "ASIALOGIN1", "the new keys for every caller");
    }
    assert_eq!(env.actions()[before..], ["CreateOAuth2Token"], "one refresh of a single-use token");
}

/// No SSO token yet and no terminal: the browser signs in (one tab for all eight), one client
/// registration, one token.
#[test]
fn eight_callers_with_no_sso_token_share_one_browser_sign_in() {
    let env = sso_env();
    let follow = following_browser(&env);
    let opened = env.path("opened");
    let browser = env.write(
        "browser",
        &format!("#!/bin/sh\necho x >> '{}'\nexec '{}' \"$1\"\n", opened.display(), follow.display()),
    );
    std::fs::set_permissions(&browser, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let vars = [("BROWSER", browser.to_str().unwrap())];
    let outs = callers(&env, 8, &["export", "--profile", "modern", "--format", "process"], &vars);
    for out in &outs {
        assert_eq!(out.ok().json()["AccessKeyId"], "ASIASSO222222222222");
    }
    assert_eq!(std::fs::read_to_string(&opened).unwrap().lines().count(), 1, "one browser tab");
    let actions = env.actions();
    assert_eq!((count(&actions, "RegisterClient"), count(&actions, "CreateToken")), (1, 1), "{actions:?}");
    assert!(token_path(&env, "corp").exists());
}

/// A sign-in that waits on a browser nobody answers holds up no other profile.
#[test]
fn a_waiting_sign_in_delays_no_other_profile() {
    let env = sso_env();
    env.credentials(&static_keys("base", "AKIAOTHER", "s"));
    let vars = [("BROWSER", "true")];
    let mut waiting = detached(&env, &["export", "--profile", "modern"], &vars).spawn().unwrap();
    let lock = {
        let mut path = token_path(&env, "corp").into_os_string();
        path.push(".lock");
        std::path::PathBuf::from(path)
    };
    let deadline = std::time::Instant::now() + PROMPTLY;
    while !lock.exists() {
        assert!(std::time::Instant::now() < deadline, "the sign-in never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let started = std::time::Instant::now();
    let other = finished(detached(&env, &["export", "--profile", "base"], &[]).spawn().unwrap());
    other.ok();
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    assert!(waiting.try_wait().unwrap().is_none(), "the sign-in is still waiting for its browser");
    let _ = waiting.kill();
    let _ = waiting.wait();
}

/// No terminal, an MFA role, a desktop: the code is asked in zenity once (never in its argv), it
/// reaches STS, and the next call reuses the MFA session.
#[test]
fn mfa_without_a_terminal_asks_the_desktop_once() {
    let env = TestEnv::new();
    env.credentials(&static_keys("base", "AKIADIALOG", "s"));
    env.config(
        "[profile base]\nmfa_serial = arn:aws:iam::123456789012:mfa/base\n\
         [profile r]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\n",
    );
    let asked = env.path("asked");
    env.write(
        "bin/zenity",
        &format!("#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\necho 246810\n", asked.display()),
    );
    std::fs::set_permissions(env.path("bin/zenity"), std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .unwrap();
    let path = format!("{}:{}", env.path("bin").display(), TestEnv::path_var());
    let vars = [("DISPLAY", ":99"), ("PATH", path.as_str())];
    let first = finished(detached(&env, &["export", "--profile", "r"], &vars).spawn().unwrap());
    first.ok();
    let dialogs = std::fs::read_to_string(&asked).unwrap();
    assert_eq!(dialogs.lines().count(), 1, "{dialogs}");
    assert!(
        dialogs.contains("--entry --hide-text") && dialogs.contains("arn:aws:iam::123456789012:mfa/base")
    );
    assert!(!dialogs.contains("246810"), "the code is never in an argv");
    assert_eq!(env.calls()[0]["params"]["TokenCode"], "246810");
    env.config(&format!(
        "{}[profile r2]\nrole_arn = arn:aws:iam::111111111111:role/r2\nsource_profile = base\n",
        std::fs::read_to_string(env.path(".aws/config")).unwrap()
    ));
    finished(detached(&env, &["export", "--profile", "r2"], &vars).spawn().unwrap()).ok();
    assert_eq!(std::fs::read_to_string(&asked).unwrap().lines().count(), 1, "the MFA session is reused");
    assert_eq!(env.actions(), ["GetSessionToken", "AssumeRole", "AssumeRole"]);
}

/// Over SSH with no display and no browser: the device flow, said why, and the shell gets keys.
#[test]
fn over_ssh_without_a_display_the_device_flow_signs_in() {
    let env = sso_env();
    let mut cmd = env.awsume(&["modern", "--sso-login", "--emit", "bash"]);
    cmd.env("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22");
    let out = crate::testenv::run(cmd, None);
    out.ok();
    assert!(out.stdout.contains("AWS_ACCESS_KEY_ID='ASIASSO222222222222'"), "{}", out.stdout);
    assert!(
        out.stderr.contains(
            "this is an SSH session without a display: signing in with a browser on another device"
        ),
        "{}",
        out.stderr
    );
    let actions = env.actions();
    assert!(actions.contains(&"StartDeviceAuthorization".to_string()), "{actions:?}");
    assert!(!actions.contains(&"Authorize".to_string()), "no loopback sign-in: {actions:?}");
}

/// A run killed while it held a lock: the kernel lets the lock go, and the next run goes on.
#[test]
fn a_killed_lock_holder_holds_nobody_up() {
    let env = TestEnv::new();
    env.credentials(&static_keys("base", "AKIAKILLED", "s"));
    env.config("[profile base]\nmfa_serial = arn:aws:iam::123456789012:mfa/base\n");
    let lock = env.path(".awsume/cache/aws-credentials-AKIAKILLED.lock");
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    std::fs::set_permissions(lock.parent().unwrap(), std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .unwrap();
    let script = format!(
        "import fcntl, os, time\nf = open('{}', 'w')\nfcntl.flock(f, fcntl.LOCK_EX)\nopen('{}', 'w').write('held')\ntime.sleep(120)\n",
        lock.display(),
        env.path("held").display()
    );
    let mut holder = env.command(crate::testenv::python()).args(["-c", &script]).spawn().unwrap();
    while !env.path("held").exists() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    holder.kill().unwrap();
    holder.wait().unwrap();
    let started = std::time::Instant::now();
    let out = finished(
        detached(&env, &["export", "--profile", "base", "--mfa-token", "123456"], &[]).spawn().unwrap(),
    );
    out.ok();
    assert!(started.elapsed() < PROMPTLY, "{:?}", started.elapsed());
    assert_eq!(env.actions(), ["GetSessionToken"]);
}

/// A fake dialog program `name` in `bin/` running `body` (sh).
fn fake_dialog(env: &TestEnv, name: &str, body: &str) -> String {
    let path = env.write(&format!("bin/{name}"), &format!("#!/bin/sh\n{body}\n"));
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    format!("{}:{}", env.path("bin").display(), TestEnv::path_var())
}

/// A serial with every quote PowerShell ends a string at reaches the PowerShell dialog as data
/// (its environment), never in its script: the command line is the same whatever the serial.
#[test]
fn the_powershell_dialog_gets_the_question_as_data_never_as_script() {
    let env = TestEnv::new();
    env.credentials(&static_keys("base", "AKIAPWSH", "s"));
    let serial = "arn:aws:iam::123456789012:mfa/a'’‘‚‛\"`$(touch PWNED);#";
    env.config(&format!(
        "[profile base]\nmfa_serial = {serial}\nmfa_prompt = powershell\n\
         [profile r]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\n"
    ));
    let seen = env.path("seen");
    let path = fake_dialog(
        &env,
        "powershell",
        &format!(
            "printf '%s\\n' \"$@\" > '{}'\nprintf '%s' \"$AWSUME_MFA_QUESTION\" > '{}.question'\necho 135790",
            seen.display(),
            seen.display()
        ),
    );
    finished(detached(&env, &["export", "--profile", "r"], &[("PATH", path.as_str())]).spawn().unwrap()).ok();
    let argv = std::fs::read_to_string(&seen).unwrap();
    assert!(argv.contains("InputBox($env:AWSUME_MFA_QUESTION, 'awsume')"), "{argv}");
    for quote in ["'’", "‘", "‚", "‛", "PWNED", "mfa/a"] {
        assert!(!argv.contains(quote), "the serial is not in the script: {argv}");
    }
    let question = std::fs::read_to_string(env.path("seen.question")).unwrap();
    assert_eq!(question, format!("MFA code for {serial}"));
    assert_eq!(env.calls()[0]["params"]["TokenCode"], "135790");
}

/// A dialog that writes a lot before its answer is read while it runs (no stall on a full pipe),
/// and a dialog awsume is killed in front of does not stay on the desktop.
#[test]
fn a_chatty_dialog_is_read_as_it_runs_and_a_dialog_ends_with_awsume() {
    let env = TestEnv::new();
    env.credentials(&static_keys("base", "AKIACHATTY", "s"));
    env.config(
        "[profile base]\nmfa_serial = arn:aws:iam::123456789012:mfa/base\nmfa_prompt = zenity\n\
         [profile r]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\n",
    );
    // 128 KiB of noise, then the code (the first 1 KiB is what awsume keeps: the noise is no code).
    let path = fake_dialog(&env, "zenity", "head -c 131072 /dev/zero | tr '\\0' ' '; echo 246810");
    let out =
        finished(detached(&env, &["export", "--profile", "r"], &[("PATH", path.as_str())]).spawn().unwrap());
    out.assert_clean_failure("no valid MFA code");
    let path = fake_dialog(&env, "zenity", "printf ' %.0s' $(seq 100); echo 246810");
    finished(detached(&env, &["export", "--profile", "r"], &[("PATH", path.as_str())]).spawn().unwrap()).ok();
    // A dialog nobody answers, awsume killed meanwhile: the dialog goes too.
    let pid_file = env.path("dialog.pid");
    let path = fake_dialog(&env, "zenity", &format!("echo $$ > '{}'\nexec sleep 300", pid_file.display()));
    env.config(&format!(
        "{}[profile r2]\nrole_arn = arn:aws:iam::111111111111:role/r2\nsource_profile = base\n",
        std::fs::read_to_string(env.path(".aws/config")).unwrap()
    ));
    let mut child =
        detached(&env, &["export", "--profile", "r2", "-r"], &[("PATH", path.as_str())]).spawn().unwrap();
    let started = std::time::Instant::now();
    while !pid_file.exists() {
        assert!(started.elapsed() < PROMPTLY, "the dialog never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    let pid = std::fs::read_to_string(&pid_file).unwrap().trim().to_string();
    // setsid forks (no terminal, but a new session): its child is awsume; kill that.
    let awsume = Command::new("pgrep").args(["-P", &child.id().to_string()]).output().unwrap();
    let awsume = String::from_utf8_lossy(&awsume.stdout).trim().to_string();
    let target = if awsume.is_empty() { child.id().to_string() } else { awsume };
    Command::new("kill").args(["-KILL", &target]).status().unwrap();
    let _ = child.wait();
    let proc = std::path::PathBuf::from(format!("/proc/{pid}"));
    let started = std::time::Instant::now();
    while proc.exists() && !std::fs::read_to_string(proc.join("stat")).unwrap_or_default().contains(") Z ") {
        assert!(started.elapsed() < PROMPTLY, "the dialog outlived awsume");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
