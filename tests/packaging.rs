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

/// The Debian package (`cargo deb`, built by `scripts/test`, which names it in AWSUME_TEST_DEB):
/// unpacked into a scratch root, it holds the files Debian's tools look for, and both names run,
/// `aws-export-credentials` as export. Without a package to look at, says so and checks nothing.
#[test]
fn the_debian_package_installs_both_names_the_man_pages_and_completions() {
    let Some(deb) = std::env::var_os("AWSUME_TEST_DEB") else {
        eprintln!("AWSUME_TEST_DEB is not set (scripts/test builds the package): not checked");
        return;
    };
    let root = tempfile::Builder::new().prefix("awsume-deb.").tempdir().unwrap();
    let out = Command::new("dpkg-deb").arg("-x").arg(&deb).arg(root.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for file in [
        "usr/bin/awsume",
        "usr/share/man/man1/awsume.1.gz",
        "usr/share/man/man1/aws-export-credentials.1.gz",
        "usr/share/bash-completion/completions/awsume",
        "usr/share/bash-completion/completions/aws-export-credentials",
        "usr/share/zsh/vendor-completions/_awsume",
        "usr/share/zsh/vendor-completions/_aws-export-credentials",
        "usr/share/fish/vendor_completions.d/awsume.fish",
        "usr/share/fish/vendor_completions.d/aws-export-credentials.fish",
        "usr/share/doc/awsume/copyright",
        "usr/share/doc/awsume/changelog.Debian.gz",
    ] {
        assert!(root.path().join(file).is_file(), "{file} is not in the package");
    }
    let link = std::fs::read_link(root.path().join("usr/bin/aws-export-credentials")).unwrap();
    assert_eq!(link, Path::new("awsume"), "a link to the one binary");
    let version = Command::new(root.path().join("usr/bin/awsume")).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("awsume "));
    let help =
        Command::new(root.path().join("usr/bin/aws-export-credentials")).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("Usage: aws-export-credentials") && help.contains("--env-export"), "{help}");
    let control = Command::new("dpkg-deb").arg("-f").arg(&deb).output().unwrap();
    let control = String::from_utf8_lossy(&control.stdout);
    for field in
        ["Package: awsume", "Version: ", "Maintainer: ", "Depends: libc6", "Section: utils", "Description: "]
    {
        assert!(control.contains(field), "{field} in {control}");
    }
    assert!(control.contains("replaces the Python tools awsume"), "{control}");
    // The control archive lists every file's md5 sum (dpkg --verify, debsums).
    let control_dir = tempfile::Builder::new().prefix("awsume-deb-control.").tempdir().unwrap();
    assert!(Command::new("dpkg-deb").arg("-e").arg(&deb).arg(control_dir.path()).status().unwrap().success());
    let sums = std::fs::read_to_string(control_dir.path().join("md5sums")).unwrap();
    assert!(sums.lines().any(|l| l.ends_with("  usr/bin/awsume")), "{sums}");
}

/// The Homebrew formula names the files the package installs, and tests both names.
#[test]
fn the_homebrew_formula_installs_what_the_package_does() {
    let formula =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/homebrew/awsume.rb"))
            .unwrap();
    for needed in [
        "bin.install_symlink \"awsume\" => \"aws-export-credentials\"",
        "man/awsume.1",
        "man/aws-export-credentials.1",
        "completions/awsume.bash",
        "completions/_awsume",
        "completions/awsume.fish",
        "completions/aws-export-credentials.fish",
        "awsume --version",
        "awsume init bash",
        "test do",
    ] {
        assert!(formula.contains(needed), "the formula lacks {needed}");
    }
}
