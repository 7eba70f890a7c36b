//! Fixtures more than one topic module uses: the AWS CLI's Python peer (botocore) on a test's HOME,
//! IAM Identity Center's config and token files, `aws login` cache entries and sign-ins, and the
//! commonest config (alice, whose keys sign with MFA, and a role she assumes).

use super::{TestEnv, following_browser, run};

/// `alice`, an IAM user whose keys sign only with MFA (keys in the credentials file are the test's
/// to write), in eu-west-1, and `admin`, a role she assumes.
pub const ALICE_WITH_MFA: &str = "\
[profile alice]
mfa_serial = arn:aws:iam::123456789012:mfa/alice
region = eu-west-1
[profile admin]
role_arn = arn:aws:iam::111111111111:role/admin
source_profile = alice
";

/// What botocore resolves for `profile` on this HOME (its access key), with the same caches.
pub fn botocore_key(env: &TestEnv, profile: &str, vars: &[(&str, &str)]) -> String {
    botocore(env, Some(profile), vars)
}

/// The AWS CLI's Python peer (`tests/support/botocore_creds.py`) on this HOME: the access key it
/// resolves for `profile`, or by its default chain without one; `ERROR…` when it resolves none.
pub fn botocore(env: &TestEnv, profile: Option<&str>, vars: &[(&str, &str)]) -> String {
    let helper = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/botocore_creds.py");
    let mut cmd = env.command(super::python());
    cmd.arg(helper).args(profile).env("AWS_DEFAULT_REGION", "us-east-1").envs(vars.iter().copied());
    run(cmd, None).stdout.trim().to_string()
}

/// IAM Identity Center profiles: a legacy one, an `sso_session` one (`modern`, session `corp`), a
/// role on it, and one naming a session that does not exist.
pub const SSO_CONFIG: &str = "\
[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 111111111111
sso_role_name = ReadOnly

[profile modern]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = Admin
region = eu-central-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-2
sso_registration_scopes = sso:account:access

[profile on-sso]
role_arn = arn:aws:iam::333333333333:role/deploy
source_profile = modern

[profile ghost]
sso_session = nowhere
sso_account_id = 1
sso_role_name = R
";

pub fn sha1(text: &str) -> String {
    let out = std::process::Command::new("sh")
        .args(["-c", "printf %s \"$1\" | sha1sum", "sh", text])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_string()
}

pub fn future(hours: i64) -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("{hours} hours"), "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

pub fn sso_env() -> TestEnv {
    let env = TestEnv::new();
    env.config(SSO_CONFIG);
    env
}

pub fn token_path(env: &TestEnv, key: &str) -> std::path::PathBuf {
    env.path(&format!(".aws/sso/cache/{}.json", sha1(key)))
}

/// The `corp` session's token as the AWS CLI leaves it an hour after it ended: its refresh token
/// and client registration still good.
pub fn ended_token(refresh: &str) -> serde_json::Value {
    serde_json::json!({
        "startUrl": "https://corp.awsapps.com/start", "region": "us-east-2", "accessToken": "old-token",
        "expiresAt": future(-1), "clientId": "cid", "clientSecret": "csecret",
        "registrationExpiresAt": future(24 * 30), "refreshToken": refresh
    })
}

/// A token file exactly as `aws sso login` writes it.
pub fn cli_token(env: &TestEnv, key: &str, body: serde_json::Value) {
    let path = token_path(env, key);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body.to_string()).unwrap();
}

/// The `aws login` session the tests sign in as.
pub const LOGIN_ARN: &str = "arn:aws:iam::123456789012:user/alice";

pub fn entry_path(env: &TestEnv, dir: &str) -> std::path::PathBuf {
    let out = std::process::Command::new("sh")
        .args(["-c", "printf %s \"$1\" | sha256sum", "sh", LOGIN_ARN])
        .output()
        .unwrap();
    let digest = String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_string();
    env.path(&format!("{dir}/{digest}.json"))
}

pub fn read_entry(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn with_expiry(path: &std::path::Path, minutes: i64) {
    let mut entry = read_entry(path);
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("{minutes} minutes"), "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    entry["accessToken"]["expiresAt"] = String::from_utf8(out.stdout).unwrap().trim().into();
    std::fs::write(path, entry.to_string()).unwrap();
}

/// `awsume NAME --login` with a browser that follows the redirect; the entry it wrote.
pub fn signed_in(env: &TestEnv, profile: &str) -> std::path::PathBuf {
    let browser = following_browser(env);
    let out = env.run(&["export", "--profile", profile, "--json"]);
    assert_ne!(out.status, 0, "not signed in yet");
    let mut login = env.awsume(&[profile, "--login", "-s", "--shell", "bash"]);
    login.env("BROWSER", &browser);
    let login = run(login, None);
    assert_eq!(login.status, 0, "{}", login.stderr);
    entry_path(env, ".aws/login/cache")
}

/// What a person on another device does with the page `url`: opens it (following the sign-in's
/// redirect to the service's confirmation page) and copies the code shown there.
pub fn code_shown_for(url: &str) -> String {
    let out =
        std::process::Command::new("curl").args(["-s", "-L", "--max-time", "10", url]).output().unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    let code = page.split("<pre id=code>").nth(1).and_then(|rest| rest.split("</pre>").next());
    code.unwrap_or_else(|| panic!("no code on the page: {page}")).to_string()
}

/// The sign-in page in a line awsume wrote on stderr.
pub fn authorize_url(line: &str) -> Option<String> {
    let start = line.find("http://")?;
    let url = line[start..].split_whitespace().next()?;
    url.contains("/v1/authorize?").then(|| url.to_string())
}
