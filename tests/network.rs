//! The network path: one HTTP stack whose trust roots are the system's, or exactly the bundle that
//! `AWS_CA_BUNDLE` or the profile's `ca_bundle` names, as botocore reads them.

use crate::testenv::{TestEnv, run, static_keys};

fn tls_env() -> (TestEnv, String, std::path::PathBuf) {
    let env = TestEnv::new();
    env.credentials(&static_keys("base", "AKIABASE", "base-secret"));
    let (endpoint, ca) = env.tls_endpoint();
    let ca = env.write("corp-ca.pem", &ca);
    (env, endpoint, ca)
}

#[test]
fn a_tls_endpoint_signed_by_a_private_ca_needs_its_bundle() {
    let (env, endpoint, ca) = tls_env();
    env.config(&format!(
        "[profile r]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\n\
         [profile r-bundled]\nrole_arn = arn:aws:iam::111111111111:role/bundled\nsource_profile = base\nca_bundle = {}\n",
        ca.display()
    ));
    let export = |profile: &str, vars: &[(&str, &str)]| {
        let mut cmd = env.awsume(&["export", "--profile", profile, "--json"]);
        cmd.env("AWS_ENDPOINT_URL", &endpoint).envs(vars.iter().copied());
        run(cmd, None)
    };
    // The system's roots do not know the CA: refused, in one line that says why.
    let refused = export("r", &[]);
    refused.assert_clean_failure("profile \"r\": AssumeRole arn:aws:iam::111111111111:role/r: ");
    assert!(refused.stderr.to_lowercase().contains("certificate"), "{}", refused.stderr);
    assert!(env.calls().is_empty());
    let by_env = export("r", &[("AWS_CA_BUNDLE", ca.to_str().unwrap())]);
    assert_eq!(by_env.status, 0, "{}", by_env.stderr);
    assert!(by_env.json()["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    let by_profile = export("r-bundled", &[]);
    assert_eq!(by_profile.status, 0, "{}", by_profile.stderr);
    assert_eq!(env.actions(), ["AssumeRole", "AssumeRole"]);
}

#[test]
fn an_unreadable_or_empty_bundle_is_named() {
    let (env, endpoint, _) = tls_env();
    env.config("[profile r]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\n");
    env.write("empty.pem", "");
    for (bundle, needle) in [
        ("~/missing.pem", "cannot read the CA bundle ~/missing.pem"),
        ("~/empty.pem", "the CA bundle ~/empty.pem holds no PEM certificate"),
    ] {
        let mut cmd = env.awsume(&["export", "--profile", "r"]);
        cmd.env("AWS_ENDPOINT_URL", &endpoint).env("AWS_CA_BUNDLE", bundle);
        run(cmd, None).assert_clean_failure(needle);
    }
    assert!(env.calls().is_empty());
}

/// Each way of not reaching STS is said in a few plain words with the endpoint, in one line; the
/// SDK's chain of wrappers is for `--debug`.
#[test]
fn transport_failures_are_said_in_plain_words() {
    let (env, tls_endpoint, _) = tls_env();
    env.config(
        "[profile r]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\n\
         [profile slow]\nrole_arn = arn:aws:iam::111111111111:role/slow\nsource_profile = base\n\
         [profile proxied]\nrole_arn = arn:aws:iam::111111111111:role/proxied\nsource_profile = base\n",
    );
    let proxy_page = format!("HTTP 503 from {}, which is not an answer from AWS", env.endpoint);
    let cases: [(&str, &str, String); 5] = [
        ("r", "http://127.0.0.1:9/", "cannot reach http://127.0.0.1:9/: connection refused".into()),
        (
            "r",
            "http://awsume-test.invalid/",
            "cannot reach http://awsume-test.invalid/: the host name does not resolve".into(),
        ),
        ("slow", &env.endpoint, format!("no answer from {} in time", env.endpoint)),
        (
            "r",
            &tls_endpoint,
            format!("cannot reach {tls_endpoint}: its TLS certificate is not trusted (UnknownIssuer)"),
        ),
        ("proxied", &env.endpoint, proxy_page),
    ];
    for (profile, endpoint, needle) in cases {
        // A short timeout for the endpoint that never answers only: the others fail at once.
        let timeout = if profile == "slow" { "2" } else { "20" };
        let mut cmd = env.awsume(&["export", "--profile", profile]);
        cmd.env("AWS_ENDPOINT_URL", endpoint).env("AWSUME_TIMEOUT", timeout);
        let out = run(cmd, None);
        out.assert_clean_failure(&needle);
        assert!(
            !out.stderr.contains("dispatch failure") && !out.stderr.contains("io error"),
            "{}",
            out.stderr
        );
        let mut debug = env.awsume(&["export", "--profile", profile, "--debug"]);
        debug.env("AWS_ENDPOINT_URL", endpoint).env("AWSUME_TIMEOUT", timeout);
        let debugged = run(debug, None);
        assert!(
            debugged.stderr.lines().any(|l| l.starts_with("awsume: debug: ") && l.contains(endpoint)),
            "{}",
            debugged.stderr
        );
    }
}
