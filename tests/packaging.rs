//! What a packager gets: `cargo package` carries everything a build reads (the shell templates
//! above all), the licence, the man pages and the completions.

use std::path::Path;
use std::process::Command;

#[test]
fn the_package_holds_what_a_build_needs() {
    let root = env!("CARGO_MANIFEST_DIR");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listed = String::from_utf8(out.stdout).unwrap();
    let listed: Vec<&str> = listed.lines().collect();
    let mut needed = vec![
        "Cargo.toml".to_string(),
        "Cargo.lock".into(),
        "LICENSE".into(),
        "README.md".into(),
        "man/awsume.1".into(),
        "man/aws-export-credentials.1".into(),
        "completions/awsume.bash".into(),
        "src/main.rs".into(),
    ];
    for entry in std::fs::read_dir(format!("{root}/templates")).unwrap() {
        needed.push(format!("templates/{}", entry.unwrap().file_name().to_string_lossy()));
    }
    for file in &needed {
        assert!(listed.contains(&file.as_str()), "{file} is not in the package: {listed:?}");
    }
    assert!(!listed.iter().any(|f| f.starts_with("bench/")), "the benchmark stays out");
}

/// The README stands alone: every link is a file of this repository, none leads outside it.
#[test]
fn the_readme_links_only_inside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for doc in ["README.md", "docs/DESIGN.md", "tests/SUMMARY.md", "fuzz/README.md"] {
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        if doc == "README.md" {
            assert!(
                !text.contains("http://") && !text.contains("https://"),
                "the README names no address outside"
            );
        }
        for link in text.split("](").skip(1).filter_map(|rest| rest.split(')').next()) {
            assert!(!link.contains("://"), "{doc}: {link} leads outside the repository");
            let target = root.join(doc).parent().unwrap().join(link.split('#').next().unwrap());
            assert!(target.exists(), "{doc}: {link} does not exist");
        }
    }
}
