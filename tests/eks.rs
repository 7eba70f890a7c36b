//! `awsume eks token` against the AWS CLI v1's `aws eks get-token` on the same files: the same
//! presigned URL (scheme, host, path, action, version, signed headers, lifetime, credential scope)
//! and the same ExecCredential shape; kept until shortly before it ends.

use crate::testenv::{TestEnv, python, run, static_keys};

/// The presigned URL inside a token, and its query as pairs.
fn presigned(token: &str) -> (String, Vec<(String, String)>) {
    use base64::Engine;
    let encoded = token.strip_prefix("k8s-aws-v1.").expect("the token's prefix");
    let bytes =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(encoded).expect("base64url, no padding");
    let url = String::from_utf8(bytes).unwrap();
    let (base, query) = url.split_once('?').unwrap();
    let pairs = query
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned())
        })
        .collect();
    (base.to_string(), pairs)
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("{name} in {pairs:?}"))
}

fn theirs(env: &TestEnv, profile: &str, exec_info: Option<&str>) -> serde_json::Value {
    let mut cmd = env.command(python().with_file_name("aws"));
    cmd.args(["eks", "get-token", "--cluster-name", "demo", "--profile", profile, "--output", "json"]);
    if let Some(info) = exec_info {
        cmd.env("KUBERNETES_EXEC_INFO", info);
    }
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

fn ours(env: &TestEnv, profile: &str, exec_info: Option<&str>) -> serde_json::Value {
    let mut cmd = env.awsume(&["eks", "token", "--cluster", "demo", "--profile", profile]);
    if let Some(info) = exec_info {
        cmd.env("KUBERNETES_EXEC_INFO", info);
    }
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

fn shape(value: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.extend(value["status"].as_object().unwrap().keys().map(|k| format!("status.{k}")));
    keys.sort();
    keys
}

#[test]
fn eks_tokens_are_the_aws_clis_for_static_and_role_profiles_and_kept() {
    let env = TestEnv::new();
    env.credentials(&static_keys("base", "AKIAEKSBASE", "eks-secret"));
    env.config(
        "[profile base]\nregion = eu-west-1\n\
         [profile admin]\nrole_arn = arn:aws:iam::111111111111:role/admin\nsource_profile = base\nregion = eu-west-1\n",
    );
    for profile in ["base", "admin"] {
        for info in [
            None,
            Some(
                r#"{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "spec": {"interactive": false}}"#,
            ),
        ] {
            let (a, b) = (ours(&env, profile, info), theirs(&env, profile, info));
            assert_eq!(shape(&a), shape(&b), "{profile}");
            assert_eq!(a["apiVersion"], b["apiVersion"], "{profile} {info:?}");
            assert_eq!(a["kind"], "ExecCredential");
            let (ours_url, ours_q) = presigned(a["status"]["token"].as_str().unwrap());
            let (theirs_url, theirs_q) = presigned(b["status"]["token"].as_str().unwrap());
            assert_eq!(ours_url, theirs_url, "{profile}: scheme, host and path");
            for name in ["Action", "Version", "X-Amz-Algorithm", "X-Amz-SignedHeaders", "X-Amz-Expires"] {
                assert_eq!(param(&ours_q, name), param(&theirs_q, name), "{profile}: {name}");
            }
            assert_eq!(param(&ours_q, "X-Amz-SignedHeaders"), "host;x-k8s-aws-id");
            assert_eq!(param(&ours_q, "X-Amz-Expires"), "60");
            let scope = |q: &[(String, String)]| {
                param(q, "X-Amz-Credential").split('/').skip(2).collect::<Vec<_>>().join("/")
            };
            assert_eq!(scope(&ours_q), scope(&theirs_q), "{profile}: region, service, terminator");
            assert_eq!(scope(&ours_q), "eu-west-1/sts/aws4_request");
            if profile == "base" {
                assert!(param(&ours_q, "X-Amz-Credential").starts_with("AKIAEKSBASE/"));
            } else {
                assert!(
                    param(&ours_q, "X-Amz-Credential").starts_with("ASIA"),
                    "signed by the role's session"
                );
            }
        }
    }
    // The same call again: the kept token, no resolution, no signing (the file untouched).
    let assumed = env.actions().iter().filter(|a| *a == "AssumeRole").count();
    let first = ours(&env, "admin", None);
    let kept: Vec<_> = std::fs::read_dir(env.path(".awsume/cache"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().unwrap().to_string_lossy().starts_with("process-")
                && p.extension().is_some_and(|x| x == "json")
        })
        .collect();
    let modified = |p: &std::path::Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let before: Vec<_> = kept.iter().map(|p| modified(p)).collect();
    assert_eq!(ours(&env, "admin", None), first);
    assert_eq!(kept.iter().map(|p| modified(p)).collect::<Vec<_>>(), before);
    assert_eq!(env.actions().iter().filter(|a| *a == "AssumeRole").count(), assumed, "no STS call");
    assert!(kept.iter().all(|p| crate::testenv::mode(p) == 0o600));
}

/// kubectl runs the exec plugin once per call: a burst of 10 with no terminal, on an MFA role,
/// asks the desktop's dialog once, and one resolution serves them all.
#[test]
fn ten_kubectl_calls_at_once_on_an_mfa_role_ask_one_dialog() {
    let env = TestEnv::new();
    env.credentials(&static_keys("base", "AKIAEKSMFA", "s"));
    env.config(
        "[profile base]\nmfa_serial = arn:aws:iam::123456789012:mfa/base\nmfa_prompt = zenity\n\
         [profile admin]\nrole_arn = arn:aws:iam::111111111111:role/admin\nsource_profile = base\nregion = eu-west-1\n",
    );
    let asked = env.path("asked");
    let zenity = env.write(
        "bin/zenity",
        &format!("#!/bin/sh\necho asked >> '{}'\nsleep 1\necho 246810\n", asked.display()),
    );
    std::fs::set_permissions(&zenity, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", env.path("bin").display(), TestEnv::path_var());
    let vars = [("PATH", path.as_str()), ("DISPLAY", ":99")];
    let args = ["eks", "token", "--cluster", "demo", "--profile", "admin"];
    let outs = crate::testenv::together(
        (0..10).map(|_| crate::testenv::detached(&env, crate::testenv::BIN, &args, &vars)),
    );
    let tokens: std::collections::BTreeSet<String> = outs
        .iter()
        .map(|out| {
            assert_eq!(out.status, 0, "{}", out.stderr);
            let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
            json["status"]["token"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(tokens.len(), 1, "one token for the burst");
    assert_eq!(std::fs::read_to_string(&asked).unwrap().lines().count(), 1, "one dialog");
    assert_eq!(env.actions(), ["GetSessionToken", "AssumeRole"]);
}
