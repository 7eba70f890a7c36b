//! A network and mount namespace of a test's own where a private `/etc/hosts` sends real AWS host
//! names to 127.0.0.1 and the test STS answers for them on 443 (hosts mode), with its CA as
//! `AWS_CA_BUNDLE` and no endpoint override: the way to test partitions and browsers on real names.

use std::path::Path;

use super::{Output, TestEnv, python, run};

/// The names the stub answers for.
const NAMES: [&str; 20] = [
    "oidc.eusc-de-east-1.amazonaws.eu",
    "portal.sso.eusc-de-east-1.amazonaws.eu",
    "oidc.cn-north-1.amazonaws.com.cn",
    "portal.sso.cn-north-1.amazonaws.com.cn",
    "sts.eusc-de-east-1.amazonaws.eu",
    "sts.cn-north-1.amazonaws.com.cn",
    "sts.us-gov-west-1.amazonaws.com",
    "sts.amazonaws.com",
    "sts.us-east-1.amazonaws.com",
    "signin.amazonaws-eusc.eu",
    "signin.amazonaws.cn",
    "signin.amazonaws-us-gov.com",
    "signin.aws.amazon.com",
    "eusc-de-east-1.signin.amazonaws-eusc.eu",
    "cn-north-1.signin.amazonaws.cn",
    "oidc.us-east-1.amazonaws.com",
    "portal.sso.us-east-1.amazonaws.com",
    "sts.eu-west-1.amazonaws.com",
    "eu-west-1.signin.aws.amazon.com",
    "eu-west-1.console.aws.amazon.com",
];

/// `script` run in the namespaces, after the stub is up (`$HOME` is the test's; `calls.json` and
/// `hosts.json` hold what the stub saw when it ends). `None` where namespaces cannot be made.
pub fn in_partitions(env: &TestEnv, script: &str) -> Option<Output> {
    let names = NAMES.join(",");
    let hosts: String = NAMES.iter().map(|n| format!("127.0.0.1 {n}\n")).collect();
    env.write("hosts", &format!("127.0.0.1 localhost\n{hosts}"));
    let stub = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/sts_server.py");
    let whole = format!(
        r#"set -u
ip link set lo up || exit 97
mount --bind "$HOME/hosts" /etc/hosts || exit 97
mkfifo "$HOME/stub.in"
AWSUME_STUB_NAMES='{names}' AWSUME_STUB_CA="$HOME/stub-ca.pem" '{py}' '{stub}' < "$HOME/stub.in" > "$HOME/stub.ports" 2> "$HOME/stub.err" &
exec 3> "$HOME/stub.in"
for _ in $(seq 400); do [ -s "$HOME/stub.ports" ] && break; sleep 0.05; done
export AWS_CA_BUNDLE="$HOME/stub-ca.pem" CURL_CA_BUNDLE="$HOME/stub-ca.pem"
unset AWS_ENDPOINT_URL
{script}
curl -s https://signin.aws.amazon.com/_awsume/requests/ns > "$HOME/calls.json"
curl -s https://signin.aws.amazon.com/_awsume/hosts > "$HOME/hosts.json"
"#,
        py = python().display(),
        stub = stub.display(),
    );
    let mut cmd = env.command("unshare");
    cmd.args(["-n", "-m", "sh", "-c", &whole]);
    let out = run(cmd, None);
    if out.status == 97 || out.stderr.contains("unshare failed") {
        eprintln!("no network and mount namespace here (not root?): not run: {}", out.stderr);
        return None;
    }
    Some(out)
}

pub fn json(env: &TestEnv, name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(env.path(name)).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{name}: {e}: {text}\nstub: {}",
            std::fs::read_to_string(env.path("stub.err")).unwrap_or_default()
        )
    })
}

/// The hosts the stub saw a request to, for paths starting with `path`.
pub fn hosts_for(env: &TestEnv, path: &str) -> Vec<String> {
    json(env, "hosts.json")
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"].as_str().unwrap_or("").starts_with(path))
        .map(|r| r["host"].as_str().unwrap().to_string())
        .collect()
}
