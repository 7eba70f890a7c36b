//! Interactive shells in tmux, for the tests where a terminal or a prompt matters: a private tmux
//! server per test, a shell with awsume's function loaded, keys typed and the screen read.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Sh, TestEnv, nu_path};

pub struct Tmux<'a> {
    pub env: &'a TestEnv,
    pub socket: String,
}

impl Tmux<'_> {
    pub fn tmux(&self, args: &[&str]) -> String {
        let mut cmd: Command = self.env.command("tmux");
        cmd.args(["-L", &self.socket]).args(args);
        let out = cmd.output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "s"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// Waits until the screen shows `what`, at most `PROMPTLY` (a shell starting on a machine
    /// busy with builds can take seconds; this only catches a hang).
    pub fn wait_for(&self, what: impl Fn(&str) -> bool, label: &str) {
        let start = Instant::now();
        loop {
            let screen = self.tmux(&["capture-pane", "-p", "-t", "s"]);
            if what(&screen) {
                return;
            }
            assert!(start.elapsed() < super::PROMPTLY, "waited for {label}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux<'_> {
    // Waits for the server (and so its shells) to be gone: nothing may write into the HOME while
    // it is being removed.
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            let mut alive: Command = self.env.command("tmux");
            alive.args(["-L", &self.socket, "has-session"]).stdout(Stdio::null()).stderr(Stdio::null());
            if !alive.status().is_ok_and(|s| s.success()) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

pub fn start(tmux: &Tmux, env: &TestEnv, shell: Sh) {
    start_sized(tmux, env, shell, 160);
}

pub fn start_sized(tmux: &Tmux, env: &TestEnv, shell: Sh, columns: u16) {
    let command = interactive_command(env, shell);
    let home = env.home.path().display().to_string();
    let columns = columns.to_string();
    tmux.tmux(&["new-session", "-d", "-s", "s", "-x", &columns, "-y", "40", "-c", &home, &command]);
}

pub fn interactive_command(env: &TestEnv, shell: Sh) -> String {
    let init = env.write(&format!("init.{}", shell.name()), &env.run(&["init", shell.name()]).stdout);
    let init = init.display();
    match shell {
        Sh::Bash => {
            let rc = env.write("bashrc", &format!("PS1='$ '\nsource '{init}'\n"));
            format!("bash --noprofile --rcfile '{}' -i", rc.display())
        }
        Sh::Zsh => {
            // As a user's ~/.zshrc: completion on (compinit), then awsume's line.
            env.write(
                "zdot/.zshrc",
                &format!("autoload -Uz compinit && compinit -u -D\nPS1='$ '\nsource '{init}'\n"),
            );
            format!("env ZDOTDIR='{}' zsh -i", env.path("zdot").display())
        }
        Sh::Fish => format!("fish --no-config --init-command \"source '{init}'\""),
        Sh::Nu => format!("'{}' -n --execute \"source '{init}'\"", nu_path().display()),
    }
}
