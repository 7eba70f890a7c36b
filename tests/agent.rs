//! `--agent`: scoped credentials for AI agents and automation (one more AssumeRole with the
//! partition's ReadOnlyAccess, an hour, a source identity and the `awsume-agent` tag), cached apart
//! from the person's session, served (never keys) to an `--exec` command; `--format sts` is the
//! shape agents' credential hooks read.

use crate::testenv::{TestEnv, python, run, static_keys};

fn agent_env(role: &str) -> TestEnv {
    let env = TestEnv::new();
    env.credentials(&format!(
        "{}{}",
        static_keys("base", "AKIAAGENTBASE", "agent-secret"),
        static_keys("keys", "AKIAAGENTKEYS", "keys-secret")
    ));
    env.config(&format!(
        "[profile dev]\nrole_arn = arn:aws:iam::111111111111:role/{role}\nsource_profile = base\nregion = eu-west-1\n\
         [profile keys]\nregion = eu-west-1\n"
    ));
    env
}

fn assume_calls(env: &TestEnv) -> Vec<serde_json::Value> {
    env.calls().into_iter().filter(|c| c["action"] == "AssumeRole").collect()
}

#[test]
fn an_agent_gets_a_read_only_tagged_hour_cached_apart_from_the_persons_session() {
    let env = agent_env("dev");
    let out = env.run(&["export", "--profile", "dev", "--agent=claude", "--format", "sts"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let agent = out.json();
    let calls = assume_calls(&env);
    assert_eq!(calls.len(), 1, "{calls:?}");
    let params = &calls[0]["params"];
    assert_eq!(params["RoleArn"], "arn:aws:iam::111111111111:role/dev");
    assert_eq!(params["PolicyArns.member.1.arn"], "arn:aws:iam::aws:policy/ReadOnlyAccess");
    assert!(params.get("PolicyArns.member.2.arn").is_none());
    assert_eq!(params["DurationSeconds"], "3600");
    assert_eq!(params["SourceIdentity"], "claude");
    assert_eq!(
        (&params["Tags.member.1.Key"], &params["Tags.member.1.Value"]),
        (&"awsume-agent".into(), &"claude".into())
    );
    assert_eq!(calls[0]["key"], "AKIAAGENTBASE");
    // Again: the agent's cached session, no call.
    let again = env.run(&["export", "--profile", "dev", "--agent=claude", "--format", "sts"]);
    assert_eq!(again.json(), agent);
    assert_eq!(assume_calls(&env).len(), 1);
    // The person's own: another session (no policy, no tag), and the agent's is not it.
    let person = env.run(&["export", "--profile", "dev", "--json"]).json();
    let calls = assume_calls(&env);
    assert_eq!(calls.len(), 2);
    assert!(
        calls[1]["params"].get("PolicyArns.member.1.arn").is_none()
            && calls[1]["params"].get("Tags.member.1.Key").is_none()
    );
    assert_ne!(person["AccessKeyId"], agent["Credentials"]["AccessKeyId"]);
    // And the agent's again after the person's: still its own, still cached.
    let third = env.run(&["export", "--profile", "dev", "--agent=claude", "--format", "sts"]).json();
    assert_eq!(third, agent);
    assert_eq!(assume_calls(&env).len(), 2);
    // The shell function's confirmation says it is an agent's.
    let out = env.run(&["dev", "--agent=claude", "--emit", "bash"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("[dev] Agent (claude, scoped) credentials will expire"), "{}", out.stderr);
}

#[test]
fn agent_settings_choose_the_policies_duration_and_role() {
    let env = agent_env("dev");
    env.write("policy.json", r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#);
    env.write(
        ".awsume/config.yaml",
        &format!("agent_policy_arns: arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess, arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess\nagent-policy: {}\nagent_duration: 900\n", env.path("policy.json").display()),
    );
    let out = env.run(&["export", "--profile", "dev", "--agent", "--json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let params = &assume_calls(&env)[0]["params"];
    assert_eq!(params["PolicyArns.member.1.arn"], "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
    assert_eq!(params["PolicyArns.member.2.arn"], "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess");
    assert!(params["Policy"].as_str().unwrap().contains("s3:GetObject"));
    assert_eq!(params["DurationSeconds"], "900");
    assert_eq!(params["SourceIdentity"], "agent", "the default name");
    // A profile with no role: one line naming agent_role_arn; with it, that role is assumed with
    // the profile's credentials.
    let out = env.run(&["export", "--profile", "keys", "--agent", "--json"]);
    out.assert_clean_failure(
        "profile \"keys\" assumes no role, so --agent has none to scope: set agent_role_arn",
    );
    env.config(
        "[profile keys]\nregion = eu-west-1\nagent_role_arn = arn:aws:iam::111111111111:role/agents\n",
    );
    let out = env.run(&["export", "--profile", "keys", "--agent=ci", "--json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let last = assume_calls(&env).pop().unwrap();
    assert_eq!(last["params"]["RoleArn"], "arn:aws:iam::111111111111:role/agents");
    assert_eq!(last["params"]["Tags.member.1.Value"], "ci");
    assert_eq!(last["key"], "AKIAAGENTKEYS", "signed by the profile's own keys");
}

#[test]
fn a_trust_policy_without_tag_session_is_one_line_and_nothing_is_cached() {
    let env = agent_env("notags");
    let out = env.run(&["export", "--profile", "dev", "--agent", "--json"]);
    out.assert_clean_failure("sts:TagSession");
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("sts:SetSourceIdentity"), "{}", out.stderr);
    let cached = std::fs::read_dir(env.path(".aws/cli/cache"))
        .map(|d| d.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "json")).count())
        .unwrap_or(0);
    assert_eq!(cached, 0, "nothing cached");
    // The person's own session of the same role (no tags) is fine.
    assert_eq!(env.run(&["export", "--profile", "dev", "--json"]).status, 0);
}

/// `--agent --exec`: the command gets an endpoint (never keys), and botocore in it the agent's
/// scoped session.
#[test]
fn an_agents_command_gets_an_endpoint_and_the_scoped_session() {
    let env = agent_env("dev");
    let child = "import json, os, sys, botocore.session\n\
        frozen = botocore.session.get_session().get_credentials().get_frozen_credentials()\n\
        names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']\n\
        print(json.dumps({'key': frozen.access_key, 'env': {n: os.environ.get(n) for n in names}}))\n";
    let py = python().display().to_string();
    let mut cmd = env.awsume(&["export", "--profile", "dev", "--agent=claude", "--exec", &py, "-c", child]);
    cmd.env("AWS_ACCESS_KEY_ID", "AKIAINHERITED").env("AWS_SECRET_ACCESS_KEY", "inherited");
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let seen: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert!(
        seen["env"]["AWS_CONTAINER_CREDENTIALS_FULL_URI"].as_str().unwrap().starts_with("http://127.0.0.1:")
    );
    for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] {
        assert!(seen["env"][name].is_null(), "{name} reached the agent: {seen}");
    }
    let scoped = env.run(&["export", "--profile", "dev", "--agent=claude", "--format", "sts"]).json();
    assert_eq!(seen["key"], scoped["Credentials"]["AccessKeyId"], "the agent's session");
    let calls = assume_calls(&env);
    assert!(calls.iter().all(|c| c["params"]["Tags.member.1.Value"] == "claude"), "{calls:?}");
}
