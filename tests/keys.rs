//! `awsume keys` against a real Secret Service: a private `dbus-daemon --session` with
//! `gnome-keyring-daemon --unlock` on it, in the test's HOME; `secret-tool` checks the keychain on its
//! own; the AWS CLI v1 runs the profile's credential_process as any tool would.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::testenv::{Output, TestEnv, run, static_keys};

/// A session bus and an unlocked GNOME Keyring for one test; both go when it is dropped.
struct SecretService {
    bus: Child,
    keyring: Option<Child>,
    address: String,
}

impl SecretService {
    /// `None` where the machine has no dbus-daemon or gnome-keyring (said on stderr: the test is
    /// not run).
    fn start(env: &TestEnv) -> Option<Self> {
        let started = Self::try_start(env);
        if started.is_none() {
            eprintln!("no dbus-daemon or gnome-keyring-daemon here: the keychain test was not run");
        }
        started
    }

    fn try_start(env: &TestEnv) -> Option<Self> {
        let (bus, address) = private_bus(env, "bus")?;
        let mut keyring = env
            .command("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        // The login keyring's password, then EOF: it is made and unlocked.
        drop(std::io::Write::write_all(&mut keyring.stdin.take()?, b"awsume-test"));
        let service = SecretService { bus, keyring: Some(keyring), address };
        service.wait_until_unlocked(env);
        Some(service)
    }

    /// Waits for a positive answer, not for time to pass: the default collection is the login
    /// keyring, and it is unlocked. A machine under load may take long; one that never gets there
    /// fails the test here, saying so, rather than a later step with a locked keyring.
    fn wait_until_unlocked(&self, env: &TestEnv) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
        let mut last = String::new();
        while std::time::Instant::now() < deadline {
            let mut ask = env.command("dbus-send");
            ask.args([
                "--session",
                "--print-reply",
                "--reply-timeout=5000",
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets/aliases/default",
                "org.freedesktop.DBus.Properties.Get",
                "string:org.freedesktop.Secret.Collection",
                "string:Locked",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address);
            let out = run(ask, None);
            if out.status == 0 && out.stdout.contains("boolean false") {
                return;
            }
            last = format!("{}{}", out.stdout, out.stderr);
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the private gnome-keyring never had an unlocked default collection within 90 s: {last}");
    }

    fn secret_tool(&self, env: &TestEnv, args: &[&str]) -> Output {
        let mut cmd = env.command("secret-tool");
        cmd.args(args).env("DBUS_SESSION_BUS_ADDRESS", &self.address);
        run(cmd, None)
    }

    fn awsume(&self, env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Output {
        let mut cmd = env.awsume(args);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.address).env("AWSUME_KEYCHAIN", "secret-service");
        cmd.envs(vars.iter().copied());
        run(cmd, None)
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        if let Some(mut keyring) = self.keyring.take() {
            let _ = keyring.kill();
            let _ = keyring.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

fn files_under(dir: &std::path::Path, needle: &str) -> Vec<String> {
    let out = Command::new("grep").args(["-rlF", needle]).arg(dir).output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect()
}

#[test]
fn imported_keys_leave_the_file_and_every_tool_still_works() {
    let env = TestEnv::new();
    let Some(ss) = SecretService::start(&env) else { return };
    let secret = "alice-secret-3f9a";
    let credentials = format!(
        "# mine\n{}\n; about other\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = o\n",
        static_keys("alice", "AKIAALICE", secret)
    );
    env.credentials(&credentials);
    env.config("[profile admin]\nrole_arn = arn:aws:iam::111111111111:role/admin\nsource_profile = alice\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n");
    let out = ss.awsume(&env, &["keys", "import", "alice"], &[]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(env.path(".aws/credentials")).unwrap(),
        "# mine\n; about other\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = o\n",
        "the section left empty goes (with its blank line); every other byte stays"
    );
    assert!(
        files_under(env.home.path(), secret).iter().all(|f| f.contains("keyrings/")),
        "no plaintext copy: {:?}",
        files_under(env.home.path(), secret)
    );
    let stored = ss.secret_tool(&env, &["lookup", "service", "awsume", "username", "alice"]);
    assert!(stored.stdout.contains("AKIAALICE") && stored.stdout.contains(secret), "{}", stored.stderr);
    let config = std::fs::read_to_string(env.path(".aws/config")).unwrap();
    assert!(
        config.contains("[profile alice]\ncredential_process = ") && config.contains(" keys process alice\n"),
        "{config}"
    );
    // awsume reads the keychain itself: the line's program need not even exist.
    env.config(&config.replace(crate::testenv::BIN, "/nonexistent/awsume"));
    let export = ss.awsume(&env, &["export", "--profile", "alice", "--json"], &[]);
    assert_eq!(export.status, 0, "{}", export.stderr);
    assert_eq!(export.json()["AccessKeyId"], "AKIAALICE");
    env.config(&config);
    // A role with MFA over it: the MFA session signed by the keychain's key, then the role.
    let role = ss.awsume(&env, &["export", "--profile", "admin", "--mfa-token", "123456"], &[]);
    assert_eq!(role.status, 0, "{}", role.stderr);
    assert_eq!(env.actions(), ["GetSessionToken", "AssumeRole"]);
    assert_eq!(env.calls()[0]["key"], "AKIAALICE");
    // The AWS CLI runs the credential_process line as every tool does.
    let aws = crate::testenv::python().with_file_name("aws");
    let mut cmd = env.command(aws);
    cmd.args(["sts", "get-caller-identity", "--profile", "alice"])
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("DBUS_SESSION_BUS_ADDRESS", &ss.address)
        .env("AWSUME_KEYCHAIN", "secret-service");
    let cli = run(cmd, None);
    assert_eq!(cli.status, 0, "{}", cli.stderr);
    assert!(cli.stdout.contains("\"Account\""), "{}", cli.stdout);
    // The way back.
    let back = ss.awsume(&env, &["keys", "export-plaintext", "alice"], &[]);
    assert_eq!(back.status, 0, "{}", back.stderr);
    assert!(
        std::fs::read_to_string(env.path(".aws/credentials"))
            .unwrap()
            .contains(&format!("[alice]\naws_access_key_id = AKIAALICE\naws_secret_access_key = {secret}\n"))
    );
    assert!(!std::fs::read_to_string(env.path(".aws/config")).unwrap().contains("credential_process"));
}

#[test]
fn add_list_remove_and_no_bus() {
    let env = TestEnv::new();
    let Some(ss) = SecretService::start(&env) else { return };
    let vars = [("AWS_ACCESS_KEY_ID", "AKIANEW"), ("AWS_SECRET_ACCESS_KEY", "new-secret-77")];
    let add = ss.awsume(&env, &["keys", "add", "newp", "--env"], &vars);
    assert_eq!(add.status, 0, "{}", add.stderr);
    let list = ss.awsume(&env, &["keys", "list"], &[]);
    assert_eq!(list.status, 0, "{}", list.stderr);
    assert!(list.stdout.lines().any(|l| l.starts_with("newp ") && l.contains("AKIANEW")), "{}", list.stdout);
    assert!(!list.stdout.contains("new-secret-77") && !list.stderr.contains("new-secret-77"));
    let listed = env.run(&["-l"]);
    assert!(
        listed.stdout.lines().any(|l| l.starts_with("newp ") && l.contains("keychain keys")),
        "{}",
        listed.stdout
    );
    let remove = ss.awsume(&env, &["keys", "remove", "newp"], &[]);
    assert_eq!(remove.status, 0, "{}", remove.stderr);
    assert!(ss.secret_tool(&env, &["lookup", "service", "awsume", "username", "newp"]).stdout.is_empty());
    assert!(!ss.awsume(&env, &["keys", "list"], &[]).stdout.contains("newp"));
    // No session bus: one line naming the profile, the keychain tried and how to choose another.
    let mut cmd = env.awsume(&["keys", "add", "x", "--env"]);
    cmd.env("AWSUME_KEYCHAIN", "secret-service")
        .envs(vars.iter().copied())
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    run(cmd, None).assert_clean_failure("profile \"x\": the Secret Service: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set); choose one with AWSUME_KEYCHAIN=");
}

/// A session bus where no Secret Service runs and none can be started (no service directories).
fn bare_bus(env: &TestEnv) -> Option<(Child, String)> {
    private_bus(env, "bare-bus")
}

/// A session bus of the test's own with no service directories: nothing on it is started on
/// demand, so no second gnome-keyring (one that was never unlocked) can race the test's own for the
/// Secret Service's name.
fn private_bus(env: &TestEnv, name: &str) -> Option<(Child, String)> {
    let socket = env.path(&format!(".run/{name}"));
    let config = env.write(
        &format!("{name}.conf"),
        &format!(
            "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n\
             <busconfig><type>session</type><listen>unix:path={}</listen><auth>EXTERNAL</auth>\
             <policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>\
             <allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n",
            socket.display()
        ),
    );
    dbus_daemon(env, &[format!("--config-file={}", config.display())])
}

/// A `dbus-daemon` run with `args`, and the address it listens on.
fn dbus_daemon(env: &TestEnv, args: &[String]) -> Option<(Child, String)> {
    let mut bus = env
        .command("dbus-daemon")
        .args(args)
        .args(["--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut address = String::new();
    BufReader::new(bus.stdout.take()?).read_line(&mut address).ok()?;
    Some((bus, address.trim().to_string()))
}

/// Reads take the quick path (the wire, two round trips); what it cannot serve goes to the full
/// client or to the kernel keyring, and ends in one line when nothing can serve it.
#[test]
fn reads_the_quick_path_cannot_serve_end_in_one_line() {
    let env = TestEnv::new();
    let Some(ss) = SecretService::start(&env) else { return };
    let vars = [("AWS_ACCESS_KEY_ID", "AKIADUP"), ("AWS_SECRET_ACCESS_KEY", "dup-secret-41")];
    ss.awsume(&env, &["keys", "add", "dup", "--env"], &vars).ok();
    let quick = ss.awsume(&env, &["export", "--profile", "dup", "--json", "--debug"], &[]);
    assert_eq!(quick.json()["SecretAccessKey"], "dup-secret-41");
    assert!(
        !quick.stderr.contains("full client") && !quick.stderr.contains("dup-secret-41"),
        "{}",
        quick.stderr
    );
    // A second entry for the same account (another app's, with one more attribute): ambiguous.
    let mut store = env.command("secret-tool");
    store
        .args(["store", "--label=another", "service", "awsume", "username", "dup", "app", "other"])
        .env("DBUS_SESSION_BUS_ADDRESS", &ss.address);
    run(store, Some("other-secret")).ok();
    ss.awsume(&env, &["export", "--profile", "dup"], &[]).assert_clean_failure(
        "profile \"dup\": keychain keys: the Secret Service: 2 entries for dup (service awsume): remove all but one in your keychain app",
    );
    // A bus with no Secret Service on it: named when it was chosen, the kernel keyring tried on auto.
    let Some((mut bus, address)) = bare_bus(&env) else { return };
    for (choice, needle) in [
        (
            "secret-service",
            "the Secret Service: no Secret Service answers on the session bus (org.freedesktop.secrets)",
        ),
        ("auto", "the kernel keyring (keyutils"),
    ] {
        let mut cmd = env.awsume(&["export", "--profile", "dup"]);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &address).env("AWSUME_KEYCHAIN", choice);
        run(cmd, None).assert_clean_failure(needle);
    }
    let _ = bus.kill();
    let _ = bus.wait();
}

/// `aws …` as the AWS CLI v1 runs it on this HOME, against the test server (moto's IAM and STS).
fn aws(env: &TestEnv, args: &[&str]) -> serde_json::Value {
    let mut cmd = env.command(crate::testenv::python().with_file_name("aws"));
    cmd.args(args)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "AKIAADMIN")
        .env("AWS_SECRET_ACCESS_KEY", "admin");
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "aws {args:?}: {}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or(serde_json::Value::Null)
}

/// A new IAM user of moto's with one access key: (user, key id, secret).
fn iam_user(env: &TestEnv, name: &str) -> (String, String, String) {
    let user = format!("{name}-{}", env.id);
    aws(env, &["iam", "create-user", "--user-name", &user]);
    let key = aws(env, &["iam", "create-access-key", "--user-name", &user]);
    let id = key["AccessKey"]["AccessKeyId"].as_str().unwrap().to_string();
    let secret = key["AccessKey"]["SecretAccessKey"].as_str().unwrap().to_string();
    (user, id, secret)
}

fn listed_keys(env: &TestEnv, user: &str) -> Vec<String> {
    let keys = aws(env, &["iam", "list-access-keys", "--user-name", user]);
    keys["AccessKeyMetadata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["AccessKeyId"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn rotate_replaces_the_key_in_iam_and_where_it_was_kept() {
    let env = TestEnv::new();
    let Some(ss) = SecretService::start(&env) else { return };
    // In the keychain, with MFA: IAM is asked through the MFA session.
    let (user, old, secret) = iam_user(&env, "kept");
    let vars = [("AWS_ACCESS_KEY_ID", old.as_str()), ("AWS_SECRET_ACCESS_KEY", secret.as_str())];
    ss.awsume(&env, &["keys", "add", "kept", "--env"], &vars).ok();
    let config = std::fs::read_to_string(env.path(".aws/config")).unwrap();
    env.config(&format!("{config}mfa_serial = arn:aws:iam::123456789012:mfa/{user}\n"));
    let out = ss.awsume(&env, &["keys", "rotate", "kept", "--mfa-token", "123456"], &[]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let now = listed_keys(&env, &user);
    assert_eq!(now.len(), 1, "IAM lists exactly the new key: {now:?}");
    assert_ne!(now[0], old);
    let stored = ss.secret_tool(&env, &["lookup", "service", "awsume", "username", "kept"]);
    assert!(stored.stdout.contains(&now[0]), "the keychain holds it: {}", stored.stdout);
    assert!(env.actions().contains(&"GetSessionToken".to_string()), "{:?}", env.actions());
    // In plain text: the credentials file takes the new key, every other byte kept.
    let (user, old, secret) = iam_user(&env, "plain");
    env.credentials(&format!("# mine\n{}[other]\nk = v\n", static_keys("plain", &old, &secret)));
    let out = ss.awsume(&env, &["keys", "rotate", "plain"], &[]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let now = listed_keys(&env, &user);
    assert_eq!(now.len(), 1, "{now:?}");
    let file = std::fs::read_to_string(env.path(".aws/credentials")).unwrap();
    assert!(
        file.starts_with(&format!("# mine\n[plain]\naws_access_key_id = {}\n", now[0]))
            && file.ends_with("[other]\nk = v\n"),
        "{file}"
    );
}
