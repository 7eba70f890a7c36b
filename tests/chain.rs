//! `awsume export` with no profile named follows botocore's default chain (environment keys, the
//! `default` profile, web identity, the container endpoint, IMDSv2), against the test STS and a
//! loopback metadata stub; and a differential test against botocore itself.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use crate::testenv::{Output, TestEnv, botocore, python, run, static_keys};

fn stub_script() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/metadata_stub.py").display().to_string()
}

/// The metadata stub on loopback: IMDSv2 and a container endpoint checking `token`.
struct Stub {
    child: Child,
    port: u16,
}

impl Stub {
    fn start(token: &str) -> Self {
        Self::start_with(token, &[])
    }

    /// With the stub's own variables (`AWSUME_STUB_TOKEN_STATUS`, `AWSUME_STUB_LOG`).
    fn start_with(token: &str, vars: &[(&str, &str)]) -> Self {
        let mut child = Command::new(python())
            .arg(stub_script())
            .env("AWSUME_STUB_TOKEN", token)
            .envs(vars.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        Stub { child, port: line.trim().parse().unwrap() }
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A HOME with no AWS files at all.
fn bare() -> TestEnv {
    let env = TestEnv::new();
    std::fs::remove_dir_all(env.path(".aws")).unwrap();
    env
}

fn export(env: &TestEnv, args: &[&str], vars: &[(&str, &str)], unset: &[&str]) -> Output {
    let mut cmd = env.awsume(&[&["export"][..], args].concat());
    cmd.envs(vars.iter().copied());
    for name in unset {
        cmd.env_remove(name);
    }
    run(cmd, None)
}

/// The key `--json` gives, with `--exec` giving the child a key of the same kind (a fresh web
/// identity session is another key); `--info` names the link that answered.
fn exported_key(env: &TestEnv, vars: &[(&str, &str)], unset: &[&str], link: &str) -> String {
    let json = export(env, &["--json", "--info"], vars, unset);
    assert_eq!(json.status, 0, "{}", json.stderr);
    assert!(json.stderr.contains(&format!("the default chain answered with {link}")), "{}", json.stderr);
    let key = json.json()["AccessKeyId"].as_str().unwrap().to_string();
    let exec = export(env, &["--exec", "sh", "-c", "printf %s \"$AWS_ACCESS_KEY_ID\""], vars, unset);
    assert_eq!(exec.status, 0, "{}", exec.stderr);
    assert!(
        exec.stdout == key || (key.starts_with("ASIA") && exec.stdout.starts_with("ASIA")),
        "{} vs {key}",
        exec.stdout
    );
    key
}

#[test]
fn each_link_of_the_default_chain_answers_in_an_empty_home() {
    let env = bare();
    let keys = [("AWS_ACCESS_KEY_ID", "AKIAFROMENV"), ("AWS_SECRET_ACCESS_KEY", "env-secret")];
    assert_eq!(exported_key(&env, &keys, &[], "the environment's keys"), "AKIAFROMENV");

    let token = env.write("web-token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2ln");
    let web = [
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
        ("AWS_ROLE_ARN", "arn:aws:iam::111111111111:role/ci"),
        ("AWS_ROLE_SESSION_NAME", "pipeline-42"),
    ];
    assert!(exported_key(&env, &web, &[], "web identity").starts_with("ASIA"));
    let call = &env.calls()[0];
    assert_eq!(call["action"], "AssumeRoleWithWebIdentity");
    assert_eq!(call["params"]["RoleSessionName"], "pipeline-42");

    // EKS Pod Identity's way: a full URI and a token file.
    let stub = Stub::start("pod-identity-token");
    let token_file = env.write("pod-token", "pod-identity-token");
    let full_uri = format!("http://127.0.0.1:{}/v1/credentials", stub.port);
    let container = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri.as_str()),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file.to_str().unwrap()),
    ];
    assert_eq!(exported_key(&env, &container, &[], "the container credentials endpoint"), "ASIACONTAINER");

    let imds = format!("http://127.0.0.1:{}/", stub.port);
    let on_ec2 = [("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.as_str())];
    assert_eq!(exported_key(&env, &on_ec2, &["AWS_EC2_METADATA_DISABLED"], "instance metadata"), "ASIAIMDS");
}

/// ECS's way: a relative URI under 169.254.170.2, served in a network namespace of our own.
#[test]
fn the_container_link_reads_a_relative_uri() {
    let env = bare();
    let script = format!(
        "ip link set lo up && ip addr add 169.254.170.2/32 dev lo || exit 97\n\
         '{py}' '{stub}' 169.254.170.2 80 30 > stub.port &\n\
         trap 'kill $! 2>/dev/null' EXIT\n\
         for _ in $(seq 200); do [ -s stub.port ] && break; sleep 0.05; done\n\
         '{bin}' export --json --info\n",
        py = python().display(),
        stub = stub_script(),
        bin = crate::testenv::BIN,
    );
    let mut cmd = env.command("unshare");
    cmd.args(["-n", "sh", "-c", &script])
        .env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task");
    let out = run(cmd, None);
    if out.status == 97 || out.stderr.contains("unshare failed") {
        eprintln!("no network namespace here (not root?): the relative-URI case was not run: {}", out.stderr);
        return;
    }
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.json()["AccessKeyId"], "ASIACONTAINER");
    assert!(out.stderr.contains("the container credentials endpoint"), "{}", out.stderr);
}

#[test]
fn nothing_configured_is_one_line_at_once() {
    let env = bare();
    // Instance metadata is off: the endpoint it would ask is never connected to.
    let metadata = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    metadata.set_nonblocking(true).unwrap();
    let endpoint = format!("http://{}/", metadata.local_addr().unwrap());
    let out = export(&env, &["--json"], &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.as_str())], &[]);
    assert!(metadata.accept().is_err(), "instance metadata was asked while it is off");
    out.assert_clean_failure("no credentials found: no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, no credentials in profile \"default\", no AWS_WEB_IDENTITY_TOKEN_FILE, no AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI, and instance metadata is off");
    // With IMDS on but nobody answering: the same list, then what IMDS said, in a few seconds.
    let started = Instant::now();
    let out = export(
        &env,
        &[],
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/")],
        &["AWS_EC2_METADATA_DISABLED"],
    );
    assert!(started.elapsed() < crate::testenv::PROMPTLY, "{:?}", started.elapsed());
    out.assert_clean_failure("no credentials found: no AWS_ACCESS_KEY_ID");
    assert!(out.stderr.contains("instance metadata (IMDSv2)"), "{}", out.stderr);
}

#[test]
fn environment_keys_win_over_a_role_in_default() {
    let env = TestEnv::new();
    env.config("[default]\nrole_arn = arn:aws:iam::111111111111:role/d\nsource_profile = base\n");
    env.credentials(&static_keys("base", "AKIABASE", "base-secret"));
    let keys = [("AWS_ACCESS_KEY_ID", "AKIAFROMENV"), ("AWS_SECRET_ACCESS_KEY", "env-secret")];
    assert_eq!(exported_key(&env, &keys, &[], "the environment's keys"), "AKIAFROMENV");
    assert!(env.calls().is_empty());
    // The shell command keeps awsume's rule: no profile named means profile "default".
    let mut shell = env.awsume(&["-s", "--shell", "bash"]);
    shell.envs(keys);
    let out = run(shell, None);
    assert!(out.stdout.contains("export AWSUME_PROFILE='default'"), "{}", out.stdout);
    assert_eq!(env.actions(), ["AssumeRole"]);
}

/// For each layout, `awsume export` and botocore (with the AWS CLI's role cache) give the same
/// access key from the test STS, or both fail.
#[test]
fn awsume_and_botocore_agree_on_each_layout() {
    /// Name, config file, credentials file, environment.
    type Layout<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, &'a str)]);
    let layouts: &[Layout] = &[
        // name, config, credentials, environment; the profile exported is `p` (or none: "-")
        ("static default", "", "[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = s\n", &[]),
        (
            "role in default",
            "[default]\nrole_arn = arn:aws:iam::111111111111:role/d\nsource_profile = base\n",
            "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n",
            &[],
        ),
        (
            "env keys over a role in default",
            "[default]\nrole_arn = arn:aws:iam::111111111111:role/d\nsource_profile = base\n",
            "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n",
            &[("AWS_ACCESS_KEY_ID", "AKIAENV"), ("AWS_SECRET_ACCESS_KEY", "s")],
        ),
        (
            "process in default",
            "[default]\ncredential_process = sh -c \"printf '{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"AKIAPROC\\\", \\\"SecretAccessKey\\\": \\\"s\\\"}'\"\n",
            "",
            &[],
        ),
        (
            "credentials file wins a clash",
            "[profile p]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s\n",
            "[p]\naws_access_key_id = AKIACREDS\naws_secret_access_key = s\n",
            &[("AWS_PROFILE", "p")],
        ),
        (
            "a source with keys and a role uses its keys",
            "[profile p]\nrole_arn = arn:aws:iam::111111111111:role/p\nsource_profile = b\n\
             [profile b]\nrole_arn = arn:aws:iam::111111111111:role/b\nsource_profile = c\n",
            "[b]\naws_access_key_id = AKIAB\naws_secret_access_key = s\n[c]\naws_access_key_id = AKIAC\naws_secret_access_key = s\n",
            &[("AWS_PROFILE", "p")],
        ),
        (
            "two hops",
            "[profile p]\nrole_arn = arn:aws:iam::222222222222:role/p\nsource_profile = m\n\
             [profile m]\nrole_arn = arn:aws:iam::111111111111:role/m\nsource_profile = base\n",
            "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n",
            &[("AWS_PROFILE", "p")],
        ),
        (
            "a role on the container endpoint, by AWS_PROFILE",
            "[profile p]\nrole_arn = arn:aws:iam::111111111111:role/e\ncredential_source = EcsContainer\n",
            "",
            &[("AWS_PROFILE", "p")],
        ),
        (
            "missing source",
            "[profile p]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = gone\n",
            "",
            &[("AWS_PROFILE", "p")],
        ),
        (
            "source loop",
            "[profile p]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = q\n[profile q]\nrole_arn = arn:aws:iam::1:role/y\nsource_profile = p\n",
            "",
            &[("AWS_PROFILE", "p")],
        ),
        ("unknown profile", "", "", &[("AWS_PROFILE", "nobody")]),
        (
            "env keys and an unknown AWS_PROFILE",
            "",
            "",
            &[("AWS_PROFILE", "nobody"), ("AWS_ACCESS_KEY_ID", "AKIAENV"), ("AWS_SECRET_ACCESS_KEY", "s")],
        ),
        (
            "env keys beat a profile named by AWS_PROFILE",
            "[profile p]\nrole_arn = arn:aws:iam::111111111111:role/p\nsource_profile = base\n",
            "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n",
            &[("AWS_PROFILE", "p"), ("AWS_ACCESS_KEY_ID", "AKIAENV"), ("AWS_SECRET_ACCESS_KEY", "s")],
        ),
        ("nothing at all", "", "", &[]),
    ];
    for (name, config, credentials, vars) in layouts {
        let env = TestEnv::new();
        env.config(config);
        env.credentials(credentials);
        let ours = export(&env, &["--json"], vars, &[]);
        let ours = if ours.status == 0 {
            ours.json()["AccessKeyId"].as_str().unwrap().to_string()
        } else {
            "ERROR".into()
        };
        let theirs = botocore(&env, None, vars);
        let theirs = if theirs.starts_with("ERROR") { "ERROR" } else { &theirs };
        assert_eq!(ours, theirs, "{name}: awsume and botocore disagree");
    }
}

/// botocore's instance metadata rules: a token answer that is no success is reported with its
/// status; 403/404/405 (and, unless disabled, any failure) fall back to IMDSv1; attempts and the
/// IMDSv1 switch come from the environment or the profile.
#[test]
fn instance_metadata_follows_botocores_settings() {
    let env = bare();
    let log = env.path("stub.log");
    let imds_export = |status: &str, vars: &[(&str, &str)]| {
        let stub = Stub::start_with(
            "t",
            &[("AWSUME_STUB_TOKEN_STATUS", status), ("AWSUME_STUB_LOG", log.to_str().unwrap())],
        );
        let endpoint = format!("http://127.0.0.1:{}/", stub.port);
        let mut all = vec![("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.as_str())];
        all.extend_from_slice(vars);
        let out = export(&env, &["--json"], &all, &["AWS_EC2_METADATA_DISABLED"]);
        let requests = std::fs::read_to_string(&log).unwrap_or_default();
        std::fs::remove_file(&log).ok();
        (out, requests)
    };
    // Refused tokens (an IMDSv1-only endpoint): IMDSv1, as botocore.
    let (out, requests) = imds_export("403", &[]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.json()["AccessKeyId"], "ASIAIMDS");
    assert_eq!(requests.lines().next(), Some("PUT /latest/api/token"));
    // ... unless IMDSv1 is disabled: one line saying so.
    let (out, _) = imds_export("403", &[("AWS_EC2_METADATA_V1_DISABLED", "true")]);
    out.assert_clean_failure("HTTP 403 to the token request, and IMDSv1 is disabled");
    env.config("[default]\nec2_metadata_v1_disabled = true\n");
    let (out, _) = imds_export("404", &[]);
    out.assert_clean_failure(
        "HTTP 404 to the token request, and IMDSv1 is disabled (ec2_metadata_v1_disabled)",
    );
    // A 503 is said as a 503, tried as often as asked (environment first, then the profile).
    env.config("[default]\nec2_metadata_v1_disabled = true\nmetadata_service_num_attempts = 2\n");
    let (out, requests) = imds_export("503", &[]);
    out.assert_clean_failure("instance metadata (IMDSv2): HTTP 503 to the token request");
    assert_eq!(requests.lines().filter(|l| l.starts_with("PUT")).count(), 2, "{requests}");
    let (_, requests) = imds_export("503", &[("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3")]);
    assert_eq!(requests.lines().filter(|l| l.starts_with("PUT")).count(), 3, "{requests}");
    env.config("[default]\nmetadata_service_timeout = soon\n");
    let (out, _) = imds_export("503", &[]);
    out.assert_clean_failure("metadata_service_timeout \"soon\" is not a number");
}
