//! `export --container PORT --tls`: a container on a bridge network reaches the endpoint at its
//! host's address over HTTPS. "The container" is a network namespace joined to the test's own by a
//! veth pair (no route to the host's loopback); Node's AWS SDK (`@aws-sdk/credential-providers`,
//! its default chain) runs in it.

use std::path::Path;

use crate::testenv::{TestEnv, run, static_keys};

/// Node's default chain, then a plain GET of the endpoint without the token: what each gave.
const CLIENT: &str = r#"
const https = require('https');
const { fromNodeProviderChain } = require('@aws-sdk/credential-providers');
(async () => {
  const out = {};
  try {
    const c = await fromNodeProviderChain()();
    out.key = c.accessKeyId; out.secret = c.secretAccessKey; out.expiration = c.expiration;
  } catch (e) { out.error = String(e && e.message || e); }
  if (process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI.startsWith('https:')) {
    out.anonymous = await new Promise((done) => {
      https.get(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, (r) => done(r.statusCode)).on('error', (e) => done(String(e.message)));
    });
  }
  console.log(JSON.stringify(out));
})();
"#;

fn node_modules() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/node_modules");
    assert!(
        dir.join("@aws-sdk/credential-providers").is_dir(),
        "npm's @aws-sdk/credential-providers in .tools: run scripts/test"
    );
    dir.display().to_string()
}

#[test]
fn a_container_on_a_bridge_gets_the_keys_over_https_and_the_ca_is_made_once() {
    let env = TestEnv::new();
    env.credentials(&static_keys("p", "AKIACONTAINERTLS", "tls-secret"));
    env.write("client.js", CLIENT);
    let script = format!(
        r#"set -u
ip link set lo up || exit 97
unshare -n sh -c 'echo $$ > box.pid; exec sleep 60' &
for _ in $(seq 200); do [ -s box.pid ] && break; sleep 0.05; done
box=$(cat box.pid)
trap 'kill $box $served $plain 2>/dev/null' EXIT
ip link add awsh0 type veth peer name awsb0 || exit 97
ip link set awsb0 netns "$box"
ip addr add 10.99.0.1/24 dev awsh0 && ip link set awsh0 up
nsenter -t "$box" -n sh -c 'ip link set lo up && ip addr add 10.99.0.2/24 dev awsb0 && ip link set awsb0 up'
AWS_CONTAINER_AUTHORIZATION_TOKEN=the-token '{bin}' export --profile p --container 9911 --bind 10.99.0.1 --tls 2> tls.err &
served=$!
AWS_CONTAINER_AUTHORIZATION_TOKEN=the-token '{bin}' export --profile p --container 9912 --bind 10.99.0.1 --allow-remote 2> plain.err &
plain=$!
for _ in $(seq 200); do grep -q serving tls.err && grep -q serving plain.err && break; sleep 0.05; done
box_env() {{ nsenter -t "$box" -n env -u AWS_CONTAINER_AUTHORIZATION_TOKEN NODE_PATH='{modules}' NODE_EXTRA_CA_CERTS="$HOME/.awsume/tls/ca.pem" "$@"; }}
box_env AWS_CONTAINER_CREDENTIALS_FULL_URI=https://10.99.0.1:9911/ AWS_CONTAINER_AUTHORIZATION_TOKEN=the-token node client.js > with-token.json
box_env AWS_CONTAINER_CREDENTIALS_FULL_URI=https://10.99.0.1:9911/ node client.js > without-token.json
box_env AWS_CONTAINER_CREDENTIALS_FULL_URI=http://10.99.0.1:9912/ AWS_CONTAINER_AUTHORIZATION_TOKEN=the-token node client.js > plain.json
nsenter -t "$box" -n ip -4 -o addr show > box-addresses
"#,
        bin = crate::testenv::BIN,
        modules = node_modules(),
    );
    let mut cmd = env.command("unshare");
    cmd.args(["-n", "sh", "-c", &script]);
    let out = run(cmd, None);
    if out.status == 97 || out.stderr.contains("unshare failed") {
        eprintln!("no network namespace here (not root?): the container case was not run: {}", out.stderr);
        return;
    }
    assert_eq!(out.status, 0, "{}", out.stderr);
    let read = |name: &str| std::fs::read_to_string(env.path(name)).unwrap_or_default();
    let json = |name: &str| -> serde_json::Value {
        serde_json::from_str(read(name).trim())
            .unwrap_or_else(|e| panic!("{name}: {e}: {}\n{}", read(name), read("tls.err")))
    };
    let with = json("with-token.json");
    assert_eq!(with["key"], "AKIACONTAINERTLS", "{with}\n{}", read("tls.err"));
    assert_eq!(with["secret"], "tls-secret");
    let without = json("without-token.json");
    assert!(without["key"].is_null(), "{without}");
    assert_eq!(without["anonymous"], 401, "{without}");
    // Plain HTTP to an address that is not loopback or ECS's/EKS's: the SDK refuses it.
    let plain = json("plain.json");
    assert!(plain["key"].is_null(), "{plain}");
    assert!(read("plain.err").contains("plain HTTP"), "{}", read("plain.err"));
    let tls_err = read("tls.err");
    assert!(tls_err.contains("made a CA for container endpoints"), "{tls_err}");
    assert!(tls_err.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI=https://10.99.0.1:9911/"), "{tls_err}");
    assert!(tls_err.contains("NODE_EXTRA_CA_CERTS") && !tls_err.contains("BEGIN"), "{tls_err}");
    let addresses = read("box-addresses");
    assert!(
        addresses.contains("10.99.0.2/24") && addresses.lines().count() == 2,
        "only its loopback and the veth: {addresses}"
    );
    // The CA: key 0600 in a 0700 directory, certificate 0644; a second run reuses it.
    let (key, cert) = (env.path(".awsume/tls/ca.key"), env.path(".awsume/tls/ca.pem"));
    assert_eq!(crate::testenv::mode(&key), 0o600);
    assert_eq!(crate::testenv::mode(&cert), 0o644);
    assert_eq!(crate::testenv::mode(&env.path(".awsume/tls")), 0o700);
    let before = (std::fs::read(&key).unwrap(), std::fs::read(&cert).unwrap());
    let mut again = env.awsume(&["export", "--profile", "p", "--container", "0", "--tls"]);
    let mut child =
        again.stderr(std::process::Stdio::piped()).stdout(std::process::Stdio::null()).spawn().unwrap();
    // Its lines until it serves (then it is stopped): a second run makes no CA.
    let mut said = String::new();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(child.stderr.take().unwrap()));
    while let Some(Ok(line)) = lines.next() {
        said.push_str(&line);
        said.push('\n');
        if line.contains("serving") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(said.contains("over HTTPS") && !said.contains("made a CA"), "{said}");
    assert_eq!((std::fs::read(&key).unwrap(), std::fs::read(&cert).unwrap()), before, "the same CA");
}
