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

/// A static profile `base` and a role `admin` on it, both in eu-west-1.
fn eks_env(key: &str, secret: &str) -> TestEnv {
    let env = TestEnv::new();
    env.credentials(&static_keys("base", key, secret));
    env.config(
        "[profile base]\nregion = eu-west-1\n\
         [profile admin]\nrole_arn = arn:aws:iam::111111111111:role/admin\nsource_profile = base\nregion = eu-west-1\n",
    );
    env
}

fn shape(value: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.extend(value["status"].as_object().unwrap().keys().map(|k| format!("status.{k}")));
    keys.sort();
    keys
}

#[test]
fn eks_tokens_are_the_aws_clis_for_static_and_role_profiles_and_kept() {
    let env = eks_env("AKIAEKSBASE", "eks-secret");
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

/// A cluster in the test EKS (moto's), named apart for this test, made by `profile` (EKS keeps
/// clusters per account); its ARN.
fn eks_cluster(env: &TestEnv, profile: &str, name: &str) -> String {
    let script = "import sys, boto3\n\
        eks = boto3.Session(profile_name=sys.argv[3]).client('eks', region_name='eu-west-1', endpoint_url=sys.argv[1])\n\
        print(eks.create_cluster(name=sys.argv[2], roleArn='arn:aws:iam::111111111111:role/eks', resourcesVpcConfig={})['cluster']['arn'])\n";
    let mut cmd = env.command(python());
    cmd.args(["-c", script, env.endpoint.as_str(), name, profile]);
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    out.stdout.trim().to_string()
}

/// The YAML file at `path` as JSON (PyYAML reads it as kubectl would).
fn yaml(env: &TestEnv, path: &std::path::Path) -> serde_json::Value {
    let mut cmd = env.command(python());
    cmd.args(["-c", "import sys, json, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))"]);
    cmd.arg(path);
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

const KUBECTLS: &str = "apiVersion: v1\n# the lab, by hand\nclusters:\n- cluster:\n    server: https://lab:6443\n  name: lab\ncontexts:\n- context:\n    cluster: lab\n    user: lab\n  name: lab\ncurrent-context: lab\nkind: Config\npreferences: {}\nusers:\n- name: lab\n  user:\n    token: not-ours\n";

/// `eks kubeconfig` writes what `aws eks update-kubeconfig` writes (cluster and context the same,
/// the user's exec plugin ours), keeps the rest of the file byte for byte, and a second run
/// changes nothing and calls nothing.
#[test]
fn eks_kubeconfig_is_the_aws_clis_entry_with_our_token_and_keeps_the_rest() {
    let env = eks_env("AKIAEKSKC", "s");
    let name = format!("kc-{}", env.id);
    let arn = eks_cluster(&env, "admin", &name);
    let path = env.write(".kube/config", KUBECTLS);
    let out = env.run(&["eks", "kubeconfig", "--cluster", &name, "--profile", "admin", "--alias", "demo"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("Added new context demo to ~/.kube/config"), "{}", out.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("apiVersion: v1\n# the lab, by hand\nclusters:\n- cluster:\n    server: https://lab:6443\n  name: lab\n"));
    assert!(text.contains("users:\n- name: lab\n  user:\n    token: not-ours\n- name: "), "{text}");
    assert_eq!(crate::testenv::mode(&path), 0o600);
    // The AWS CLI v1 on a copy of the same file.
    let theirs_path = env.write("theirs", KUBECTLS);
    let mut cmd = env.command(python().with_file_name("aws"));
    cmd.args([
        "eks",
        "update-kubeconfig",
        "--name",
        &name,
        "--profile",
        "admin",
        "--alias",
        "demo",
        "--kubeconfig",
    ]);
    cmd.arg(&theirs_path);
    let theirs_out = run(cmd, None);
    assert_eq!(theirs_out.status, 0, "{}", theirs_out.stderr);
    let (ours, theirs) = (yaml(&env, &path), yaml(&env, &theirs_path));
    for key in ["clusters", "contexts", "current-context", "apiVersion", "kind"] {
        assert_eq!(ours[key], theirs[key], "{key}");
    }
    assert_eq!(ours["contexts"][1]["context"]["cluster"], arn.as_str());
    let (our_user, their_user) = (&ours["users"][1], &theirs["users"][1]);
    assert_eq!(our_user["name"], their_user["name"]);
    assert_eq!(our_user["user"]["exec"]["apiVersion"], their_user["user"]["exec"]["apiVersion"]);
    assert_eq!(our_user["user"]["exec"]["command"], "awsume");
    assert_eq!(
        our_user["user"]["exec"]["args"],
        serde_json::json!(["eks", "token", "--cluster", name, "--region", "eu-west-1", "--profile", "admin"])
    );
    assert_eq!(ours["users"][0], theirs["users"][0], "the other user kept");
    // Again: nothing changes, EKS is not asked (the cluster entry is there).
    let described = env.actions().iter().filter(|a| *a == "DescribeCluster").count();
    let out = env.run(&["eks", "kubeconfig", "--cluster", &name, "--profile", "admin", "--alias", "demo"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("is already up to date"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert_eq!(env.actions().iter().filter(|a| *a == "DescribeCluster").count(), described);
    // --dry-run prints, writes nothing; a cluster EKS does not know is one line, the file untouched.
    let out = env.run(&[
        "eks",
        "kubeconfig",
        "--cluster",
        &name,
        "--profile",
        "admin",
        "--alias",
        "x",
        "--dry-run",
    ]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.contains("current-context: x\n") && out.stdout.contains("# the lab, by hand\n"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let out = env.run(&["eks", "kubeconfig", "--cluster", "nowhere", "--profile", "admin"]);
    out.assert_clean_failure("eks:DescribeCluster of \"nowhere\" in eu-west-1: ResourceNotFoundException");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

/// kubectl (Debian's) runs `awsume eks token` from the entry `eks kubeconfig` wrote, and a loopback
/// API server that authenticates as EKS does (botocore recomputes the token's signature) accepts
/// it; the second kubectl call uses the kept token; a token for another cluster is refused.
#[test]
fn kubectl_signs_in_with_the_entry_and_the_api_server_checks_the_token() {
    let env = eks_env("AKIAEKSKUBECTL", "s");
    let (tls, ca) = env.tls_endpoint();
    let ca_file = env.write("ca.pem", &ca);
    let kubeconfig = env.path("kube/demo.yaml");
    let server = format!("{tls}k8s/demo");
    let ca_path = ca_file.display().to_string();
    let kc = kubeconfig.display().to_string();
    let args = [
        "eks",
        "kubeconfig",
        "--cluster",
        "demo",
        "--profile",
        "admin",
        "--kubeconfig",
        &kc,
        "--endpoint",
        &server,
        "--ca-file",
        &ca_path,
    ];
    let out = env.run(&args);
    assert_eq!(out.status, 0, "{}", out.stderr);
    // `--raw` takes the whole path (kubectl puts no server path before it).
    let raw = format!("/{}/k8s/demo/api/v1/namespaces/default", env.id);
    let kubectl = |config: &str| {
        let mut cmd = env.command("kubectl");
        cmd.args([
            "--kubeconfig",
            config,
            "get",
            "--raw",
            &raw.replace("/demo/", &format!("/{}/", cluster_of(config))),
        ]);
        run(cmd, None)
    };
    for _ in 0..2 {
        let out = kubectl(&kc);
        assert_eq!(out.status, 0, "{}", out.stderr);
        let answer: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let who = answer["metadata"]["annotations"]["signed-in-as"].as_str().unwrap();
        assert!(who.starts_with("arn:aws:sts::111111111111:assumed-role/admin/"), "{who}");
    }
    let actions = env.actions();
    assert_eq!(actions.iter().filter(|a| *a == "AssumeRole").count(), 1, "{actions:?}");
    // Two (gcloud's kubectl asks /version first, signed in too).
    assert!(actions.iter().filter(|a| *a == "KubernetesRequest").count() >= 2, "{actions:?}");
    // The same user against another cluster's server: its token names demo, so it is refused.
    let other = std::fs::read_to_string(&kubeconfig).unwrap().replace("/k8s/demo", "/k8s/other");
    let other_path = env.write("kube/other.yaml", &other);
    let out = kubectl(&other_path.display().to_string());
    assert_ne!(out.status, 0, "{}", out.stdout);
    assert!(out.stderr.contains("Unauthorized") || out.stderr.contains("credentials"), "{}", out.stderr);
}

/// Which cluster a test kubeconfig's server is (`…/k8s/NAME`).
fn cluster_of(config: &str) -> String {
    let text = std::fs::read_to_string(config).unwrap();
    let server = text.lines().find_map(|l| l.trim().strip_prefix("server: ")).unwrap();
    server.rsplit('/').next().unwrap().to_string()
}
