//! Every partition's hosts, with no endpoint override: the test runs inside a network and mount
//! namespace of its own where a private `/etc/hosts` sends the real AWS host names to 127.0.0.1, and
//! the test STS (moto, and its SSO, OIDC, sign-in and federation stubs) answers for them on port
//! 443 with a certificate from a test CA given as `AWS_CA_BUNDLE`. The stub records each request's
//! host; awsume and botocore resolve and connect to the real names.

use crate::testenv::{TestEnv, following_browser, hosts_for, in_partitions, json, python, static_keys};

/// IAM Identity Center in the European Sovereign Cloud and in China: the authorize page on that
/// partition's OIDC host, the keys from its portal host, which botocore also calls with the token.
#[test]
fn sso_sign_ins_use_each_partitions_hosts() {
    let env = TestEnv::new();
    env.config(
        "[sso-session eu]\nsso_start_url = https://eu.awsapps.com/start\nsso_region = eusc-de-east-1\n\
         [sso-session cn]\nsso_start_url = https://cn.awsapps.cn/start\nsso_region = cn-north-1\n\
         [profile eusc]\nsso_session = eu\nsso_account_id = 111111111111\nsso_role_name = Admin\nregion = eusc-de-east-1\n\
         [profile china]\nsso_session = cn\nsso_account_id = 222222222222\nsso_role_name = Admin\nregion = cn-north-1\n",
    );
    let browser = following_browser(&env);
    let script = format!(
        "for p in eusc china; do BROWSER='{browser}' '{bin}' export --profile $p --sso-login > $p.json 2> $p.err; done\n\
         '{py}' -c \"import boto3; print(boto3.Session(profile_name='eusc').get_credentials().access_key)\" > botocore.out 2>&1\n",
        browser = browser.display(),
        bin = crate::testenv::BIN,
        py = python().display(),
    );
    let Some(out) = in_partitions(&env, &script) else { return };
    assert_eq!(out.status, 0, "{}", out.stderr);
    for (profile, key) in [("eusc", "ASIASSO111111111111"), ("china", "ASIASSO222222222222")] {
        let err = std::fs::read_to_string(env.path(&format!("{profile}.err"))).unwrap();
        assert_eq!(json(&env, &format!("{profile}.json"))["AccessKeyId"], key, "{profile}: {err}");
    }
    let authorize = hosts_for(&env, "/authorize");
    assert_eq!(authorize, ["oidc.eusc-de-east-1.amazonaws.eu", "oidc.cn-north-1.amazonaws.com.cn"]);
    let portal = hosts_for(&env, "/federation/credentials");
    assert_eq!(
        portal[..2],
        ["portal.sso.eusc-de-east-1.amazonaws.eu", "portal.sso.cn-north-1.amazonaws.com.cn"]
    );
    // botocore with the token awsume cached: the same portal host.
    let botocore = std::fs::read_to_string(env.path("botocore.out")).unwrap();
    assert_eq!(botocore.trim(), "ASIASSO111111111111", "{botocore}");
    assert_eq!(portal[2], "portal.sso.eusc-de-east-1.amazonaws.eu");
    let tokens = hosts_for(&env, "/token");
    assert!(
        tokens.contains(&"oidc.eusc-de-east-1.amazonaws.eu".to_string())
            && tokens.contains(&"oidc.cn-north-1.amazonaws.com.cn".to_string()),
        "{tokens:?}"
    );
}

/// `-cl` for roles in the European Sovereign Cloud, China and GovCloud: each partition's STS,
/// federation and console hosts.
#[test]
fn console_links_use_each_partitions_sign_in_and_console() {
    let env = TestEnv::new();
    env.credentials(&static_keys("base", "AKIAPARTITIONS", "s"));
    env.config(
        "[profile eusc]\nrole_arn = arn:aws-eusc:iam::111111111111:role/r\nsource_profile = base\nregion = eusc-de-east-1\n\
         [profile china]\nrole_arn = arn:aws-cn:iam::111111111111:role/r\nsource_profile = base\nregion = cn-north-1\n\
         [profile gov]\nrole_arn = arn:aws-us-gov:iam::111111111111:role/r\nsource_profile = base\nregion = us-gov-west-1\n",
    );
    let script = format!(
        "for p in eusc china gov; do '{bin}' $p -cl > $p.link 2> $p.err; echo $? >> $p.err; done\n",
        bin = crate::testenv::BIN
    );
    let Some(out) = in_partitions(&env, &script) else { return };
    assert_eq!(out.status, 0, "{}", out.stderr);
    for (profile, sts, signin, console) in [
        ("eusc", "sts.eusc-de-east-1.amazonaws.eu", "signin.amazonaws-eusc.eu", "console.amazonaws-eusc.eu"),
        ("china", "sts.cn-north-1.amazonaws.com.cn", "signin.amazonaws.cn", "console.amazonaws.cn"),
        (
            "gov",
            "sts.us-gov-west-1.amazonaws.com",
            "signin.amazonaws-us-gov.com",
            "console.amazonaws-us-gov.com",
        ),
    ] {
        let link = std::fs::read_to_string(env.path(&format!("{profile}.link"))).unwrap();
        let err = std::fs::read_to_string(env.path(&format!("{profile}.err"))).unwrap();
        assert!(
            link.starts_with(&format!("https://{signin}/federation?Action=login")),
            "{profile}: {link} {err}"
        );
        let destination = link.split("Destination=").nth(1).unwrap_or_default();
        let destination = percent_encoding::percent_decode_str(destination).decode_utf8_lossy();
        assert!(
            destination.starts_with(&format!("https://{console}/"))
                || destination.contains(&format!(".{console}/")),
            "{profile}: {destination}"
        );
        let hosts = json(&env, "hosts.json");
        let seen: Vec<&str> = hosts.as_array().unwrap().iter().map(|r| r["host"].as_str().unwrap()).collect();
        assert!(seen.contains(&sts) && seen.contains(&signin), "{profile}: {seen:?}");
    }
}

/// `aws login` in the European Sovereign Cloud (and China): the authorize page, the code's
/// exchange and the refresh on that partition's sign-in host.
#[test]
fn aws_login_signs_in_and_refreshes_on_each_partitions_sign_in_host() {
    let env = TestEnv::new();
    env.config("[profile eusc-user]\nregion = eusc-de-east-1\n[profile china-user]\nregion = cn-north-1\n");
    let browser = following_browser(&env);
    let expire = "import glob, json, os, sys\n\
        for p in glob.glob(os.path.expanduser('~/.aws/login/cache/*.json')):\n\
        \x20   e = json.load(open(p)); e['accessToken']['expiresAt'] = '2000-01-01T00:00:00Z'; json.dump(e, open(p, 'w'))\n";
    let script = format!(
        "for p in eusc-user china-user; do\n\
         BROWSER='{browser}' '{bin}' $p --login --emit bash > $p.login 2> $p.err || echo failed >> $p.err\n\
         '{py}' -c \"$EXPIRE\"\n\
         '{bin}' export --profile $p > $p.json 2>> $p.err\n\
         rm -f \"$HOME\"/.aws/login/cache/*.json\n\
         done\n",
        browser = browser.display(),
        bin = crate::testenv::BIN,
        py = python().display(),
    );
    let script = format!("export EXPIRE='{}'\n{script}", expire.replace('\'', "'\\''"));
    let Some(out) = in_partitions(&env, &script) else { return };
    assert_eq!(out.status, 0, "{}", out.stderr);
    for (profile, host) in [
        ("eusc-user", "eusc-de-east-1.signin.amazonaws-eusc.eu"),
        ("china-user", "cn-north-1.signin.amazonaws.cn"),
    ] {
        let err = std::fs::read_to_string(env.path(&format!("{profile}.err"))).unwrap();
        assert!(
            json(&env, &format!("{profile}.json"))["AccessKeyId"].as_str().unwrap().starts_with("ASIALOGIN"),
            "{profile}: {err}"
        );
        let authorize = hosts_for(&env, "/v1/authorize");
        assert!(authorize.contains(&host.to_string()), "{profile}: {authorize:?}");
        let tokens: Vec<String> = hosts_for(&env, "/v1/token").into_iter().filter(|h| h == host).collect();
        assert_eq!(tokens.len(), 2, "{profile}: the code's exchange, then the refresh: {tokens:?}");
    }
}
