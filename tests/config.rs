//! Large AWS files: a file read whole once is mapped (which section lies where), and later runs
//! read only the sections they need through the map, until the file changes.

use std::os::unix::fs::PermissionsExt;

use crate::testenv::TestEnv;

/// `count` profiles with keys of their own, `p0001` … (`p0500`'s key is `AKIA0500`).
fn many_profiles(count: usize, changed: Option<&str>) -> String {
    (1..=count)
        .map(|i| {
            let key = match changed {
                Some(key) if i == 500 => key.to_string(),
                _ => format!("AKIA{i:04}"),
            };
            format!("[profile p{i:04}]\naws_access_key_id = {key}\naws_secret_access_key = s{i}\nregion = eu-west-1\n")
        })
        .collect()
}

fn key_of(env: &TestEnv, profile: &str) -> String {
    let out = env.run(&["export", "--profile", profile, "--json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    out.json()["AccessKeyId"].as_str().unwrap().to_string()
}

#[test]
fn a_large_config_is_read_through_its_map_until_it_changes() {
    let env = TestEnv::new();
    env.config(&many_profiles(1000, None));
    // A file written within the last 2 seconds gets no map (its times could not tell a later write
    // from it): wait that out, as a config edited a while ago is.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(key_of(&env, "p0001"), "AKIA0001");
    let maps = env.path(".awsume/cache/maps");
    let made: Vec<_> = std::fs::read_dir(&maps).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(made.len(), 1, "the config is mapped (the credentials file is missing): {made:?}");
    assert_eq!(std::fs::metadata(&made[0]).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::metadata(&maps).unwrap().permissions().mode() & 0o777, 0o700);
    let map = std::fs::read_to_string(&made[0]).unwrap();
    assert!(!map.contains("AKIA") && !map.contains("s500"), "a map holds names and places, never a value");
    // Through the map: the right section, wherever it lies.
    assert_eq!(key_of(&env, "p0500"), "AKIA0500");
    assert_eq!(key_of(&env, "p1000"), "AKIA1000");
    // Changed, even to the same size: the map is for the old version, and the file is read anew.
    env.config(&many_profiles(1000, Some("AKIA9999")));
    assert_eq!(key_of(&env, "p0500"), "AKIA9999");
    // Broken: said, as for any file read whole (the map of the old version is no excuse).
    env.config(&format!("{}[profile p0500]\nk = v\n", many_profiles(1000, None)));
    env.run(&["export", "--profile", "p0001", "--json"])
        .assert_clean_failure("section [profile p0500] already defined");
}
