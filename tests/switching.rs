//! Switching from Python awsume on a real machine: the rc line works with Python awsume's alias
//! defined before it, the function runs the binary that printed it whatever else is on PATH, and
//! keeps working across an in-place upgrade.

use crate::testenv::{BIN, SHELLS, Sh, TestEnv, managed, run, static_keys};

fn plain_env() -> TestEnv {
    let env = TestEnv::new();
    env.credentials(&static_keys("plain", "AKIAPLAIN", "plain-secret"));
    env
}

fn key(env: &TestEnv, dump: &str) -> Option<String> {
    managed(env, dump).get("AWS_ACCESS_KEY_ID").cloned()
}

/// Python awsume's setup line comes first in every migrating user's rc file; the README's line
/// after it still works, removes the alias, and says so once.
#[test]
fn the_rc_line_works_after_python_awsumes_alias_in_interactive_shells() {
    let env = plain_env();
    env.write("bashrc", "alias awsume=\". awsume\"\neval \"$(command awsume init bash)\"\n");
    env.write("zdot/.zshrc", "alias awsume=\". awsume\"\neval \"$(command awsume init zsh)\"\n");
    let check = "awsume plain; env -0 > d; alias awsume >/dev/null 2>&1 && echo ALIAS-LEFT; true";
    let fish_rc = "alias awsume='source (command -s awsume.fish)'; command awsume init fish | source";
    let cases: [(Sh, Vec<String>); 3] = [
        (Sh::Bash, vec!["bash".into(), "--noprofile".into(), "--rcfile".into(), "bashrc".into(), "-i".into(), "-c".into(), check.into()]),
        (Sh::Zsh, vec!["zsh".into(), "-i".into(), "-c".into(), check.into()]),
        (
            Sh::Fish,
            vec![
                "fish".into(),
                "--no-config".into(),
                "-i".into(),
                "-C".into(),
                fish_rc.into(),
                "-c".into(),
                "awsume plain; env -0 > d; functions awsume | string match -q '*awsume.fish*'; and echo ALIAS-LEFT; true"
                    .into(),
            ],
        ),
    ];
    for (shell, argv) in cases {
        let _ = std::fs::remove_file(env.path("d"));
        let mut cmd = env.command(&argv[0]);
        cmd.args(&argv[1..]).env("ZDOTDIR", env.path("zdot"));
        let out = run(cmd, None);
        assert_eq!(key(&env, "d").as_deref(), Some("AKIAPLAIN"), "{shell:?}: {}", out.stderr);
        assert!(!out.stdout.contains("ALIAS-LEFT"), "{shell:?}: the alias is gone");
        let notes: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("awsume: removed")).collect();
        assert_eq!(notes.len(), 1, "{shell:?}: one note: {}", out.stderr);
        assert!(notes[0].contains("delete"), "{shell:?}: it says what to do: {}", notes[0]);
    }
}

/// Not on PATH, and another `awsume` first on it (an old pipx install, say): the function still
/// runs the binary whose `init` it is.
#[test]
fn the_function_runs_the_binary_that_printed_it() {
    let env = plain_env();
    let junk = env.write(
        "junk/awsume",
        "#!/bin/sh\ntouch \"$HOME/junk-ran\"\necho 'echo JUNK; touch \"$HOME/junk-ran\"'\n",
    );
    std::fs::set_permissions(&junk, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/local/bin:/usr/bin:/bin", env.path("junk").display());
    for shell in SHELLS {
        let script = format!("{}{}", shell.call(&["P"], "s"), shell.dump("d"));
        let out = shell.run(&env, &script, &[("PATH", &path), ("P", "plain")]);
        assert_eq!(out.status, 0, "{shell:?}: {}", out.stderr);
        assert_eq!(key(&env, "d").as_deref(), Some("AKIAPLAIN"), "{shell:?}: {}", out.stderr);
        assert!(!env.path("junk-ran").exists(), "{shell:?}: the other awsume ran");
    }
    let powershell = env.run(&["init", "powershell"]).stdout;
    assert!(powershell.contains(&format!("'{BIN}'")), "PowerShell calls the path itself");
    assert!(!powershell.contains("Get-Command -Name awsume"), "{powershell}");
}

/// A package manager's symlink repointed at a new version, and a reinstall over the same file
/// (`cargo install` again), while the shell runs: the next call runs the new binary.
#[test]
fn the_function_survives_an_in_place_upgrade() {
    let env = plain_env();
    let install = |dir: &str| {
        let target = env.path(dir).join("awsume");
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(BIN, &target).unwrap();
        target
    };
    let v1 = install("cellar/1/bin");
    std::fs::create_dir_all(env.path("bin")).unwrap();
    std::os::unix::fs::symlink(&v1, env.path("bin/awsume")).unwrap();
    let init = run(
        {
            let mut cmd = env.command("bash");
            cmd.args(["-c", "command awsume init bash"])
                .env("PATH", format!("{}:/usr/bin:/bin", env.path("bin").display()));
            cmd
        },
        None,
    );
    assert!(
        init.stdout.contains(&format!("'{}'", env.path("bin/awsume").display())),
        "the link, not its target"
    );
    env.write("init.bash", &init.stdout);
    let v2 = install("cellar/2/bin");
    let script = format!(
        "source init.bash\nawsume plain && env -0 > d1\n\
         ln -sfn '{v2}' bin/awsume && rm -r cellar/1\nawsume plain && env -0 > d2\n\
         cp '{v2}' bin/awsume.new && rm bin/awsume && mv bin/awsume.new bin/awsume && rm -r cellar/2\nawsume plain && env -0 > d3\n",
        v2 = v2.display()
    );
    let mut cmd = env.command("bash");
    cmd.args(["--noprofile", "--norc", "-c", &script]).env("PATH", "/usr/bin:/bin");
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    for dump in ["d1", "d2", "d3"] {
        assert_eq!(key(&env, dump).as_deref(), Some("AKIAPLAIN"), "{dump}: {}", out.stderr);
    }
}
