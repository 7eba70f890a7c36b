//! Interactive shells driven through tmux: the MFA prompt reaches the terminal while the function
//! captures stdout, and Ctrl-C at the prompt leaves the environment untouched.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::shells::{SHELLS, Sh, managed, nu_path};
use crate::testenv::{TestEnv, static_keys};

struct Tmux<'a> {
    env: &'a TestEnv,
    socket: String,
}

impl Tmux<'_> {
    fn tmux(&self, args: &[&str]) -> String {
        let mut cmd: Command = self.env.command("tmux");
        cmd.args(["-L", &self.socket]).args(args);
        let out = cmd.output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "s"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    fn wait_for(&self, what: impl Fn(&str) -> bool, label: &str) {
        let start = Instant::now();
        loop {
            let screen = self.tmux(&["capture-pane", "-p", "-t", "s"]);
            if what(&screen) {
                return;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "waited for {label}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux<'_> {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

fn interactive_command(env: &TestEnv, shell: Sh) -> String {
    let init = env.write(&format!("init.{}", shell.name()), &env.run(&["init", shell.name()]).stdout);
    let init = init.display();
    match shell {
        Sh::Bash => {
            let rc = env.write("bashrc", &format!("PS1='$ '\nsource '{init}'\n"));
            format!("bash --noprofile --rcfile '{}' -i", rc.display())
        }
        Sh::Zsh => {
            env.write("zdot/.zshrc", &format!("PS1='$ '\nsource '{init}'\n"));
            format!("env ZDOTDIR='{}' zsh -i", env.path("zdot").display())
        }
        Sh::Fish => format!("fish --no-config --init-command \"source '{init}'\""),
        Sh::Nu => format!("'{}' -n --execute \"source '{init}'\"", nu_path().display()),
    }
}

fn dump_and_wait(tmux: &Tmux, env: &TestEnv, shell: Sh, file: &str) {
    let line = shell.dump(file);
    tmux.keys(&["-l", line.trim_end()]);
    tmux.keys(&["Enter"]);
    let path = env.path(file);
    tmux.wait_for(|_| std::fs::metadata(&path).is_ok_and(|m| m.len() > 0), file);
    std::thread::sleep(Duration::from_millis(100));
}

#[test]
fn mfa_prompt_works_through_the_function_and_ctrl_c_applies_nothing() {
    for shell in SHELLS {
        let env = TestEnv::new();
        env.config(
            "[profile alice]\nmfa_serial = arn:aws:iam::1:mfa/alice\n[profile bob]\nmfa_serial = arn:aws:iam::1:mfa/bob\n",
        );
        env.credentials(&(static_keys("alice", "AKIAALICE", "a") + &static_keys("bob", "AKIABOB", "b")));
        let tmux = Tmux { env: &env, socket: format!("awsume-{}-{}", env.id, shell.name()) };
        let command = interactive_command(&env, shell);
        tmux.tmux(&[
            "new-session",
            "-d",
            "-s",
            "s",
            "-x",
            "160",
            "-y",
            "40",
            "-c",
            &env.home.path().display().to_string(),
            &command,
        ]);
        tmux.keys(&["-l", "awsume alice"]);
        tmux.keys(&["Enter"]);
        tmux.wait_for(|s| s.contains("Enter MFA code for arn:aws:iam::1:mfa/alice:"), "the MFA prompt");
        tmux.keys(&["-l", "123456"]);
        tmux.keys(&["Enter"]);
        dump_and_wait(&tmux, &env, shell, "d1");
        let after_mfa = managed(&env, "d1");
        assert_eq!(after_mfa.get("AWSUME_PROFILE").map(String::as_str), Some("alice"), "{shell:?}");
        assert_eq!(
            after_mfa.get("AWS_ACCESS_KEY_ID").map(String::as_str),
            Some("AKIAIOSFODNN7EXAMPLE"),
            "{shell:?}"
        );

        tmux.keys(&["-l", "awsume bob"]);
        tmux.keys(&["Enter"]);
        tmux.wait_for(|s| s.contains("Enter MFA code for arn:aws:iam::1:mfa/bob:"), "the second MFA prompt");
        tmux.keys(&["C-c"]);
        std::thread::sleep(Duration::from_millis(300));
        dump_and_wait(&tmux, &env, shell, "d2");
        assert_eq!(managed(&env, "d2"), after_mfa, "{shell:?}: Ctrl-C at the prompt changes nothing");
        assert!(!Path::new(&env.path(".awsume/cache/aws-credentials-AKIABOB")).exists());
        assert_eq!(env.actions(), ["GetSessionToken"], "{shell:?}");
    }
}
