//! Running the real shells: `awsume init SHELL` loaded, a script run strictly, and what a child
//! process sees afterwards.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{MANAGED, Output, TestEnv, run};

#[derive(Clone, Copy, Debug)]
pub enum Sh {
    Bash,
    Zsh,
    Fish,
    Nu,
}

pub const SHELLS: [Sh; 4] = [Sh::Bash, Sh::Zsh, Sh::Fish, Sh::Nu];

pub fn nu_path() -> PathBuf {
    std::env::var_os("AWSUME_TEST_NU")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/node_modules/.bin/nu"))
}

impl Sh {
    pub fn name(self) -> &'static str {
        match self {
            Sh::Bash => "bash",
            Sh::Zsh => "zsh",
            Sh::Fish => "fish",
            Sh::Nu => "nu",
        }
    }

    /// Runs `script` in this shell, strict where the shell has such a mode, after loading `awsume init`.
    pub fn run(self, env: &TestEnv, script: &str, vars: &[(&str, &str)]) -> Output {
        self.run_after(env, "", script, vars)
    }

    /// Like `run`, with `setup` run before `awsume init` is loaded (aliases, options of an rc file).
    pub fn run_after(self, env: &TestEnv, setup: &str, script: &str, vars: &[(&str, &str)]) -> Output {
        let init = env.write(&format!("init.{}", self.name()), &init_script(env, self));
        let init = init.display();
        let (program, flags, prelude) = match self {
            Sh::Bash => (
                "bash".into(),
                vec!["--noprofile", "--norc", "-c"],
                format!("set -euo pipefail\nsource '{init}'\n"),
            ),
            Sh::Zsh => (
                "zsh".into(),
                vec!["-f", "-c"],
                format!("setopt err_exit nounset pipefail\nsource '{init}'\n"),
            ),
            Sh::Fish => ("fish".into(), vec!["--no-config", "-c"], format!("source '{init}'\n")),
            Sh::Nu => (nu_path(), vec!["-n", "-c"], format!("source '{init}'\n")),
        };
        let mut cmd = env.command(program.to_str().unwrap());
        cmd.args(flags).arg(format!("{setup}{prelude}{script}")).envs(vars.iter().copied());
        run(cmd, None)
    }

    /// `awsume` with each argument taken from the variable of that name, status written to `status`.
    pub fn call(self, arg_vars: &[&str], status: &str) -> String {
        match self {
            Sh::Bash | Sh::Zsh => {
                let args: Vec<String> = arg_vars.iter().map(|v| format!("\"${v}\"")).collect();
                format!("if awsume {}; then echo 0 > {status}; else echo $? > {status}; fi\n", args.join(" "))
            }
            Sh::Fish => {
                let args: Vec<String> = arg_vars.iter().map(|v| format!("${v}")).collect();
                format!("awsume {}; echo $status > {status}\n", args.join(" "))
            }
            Sh::Nu => {
                let args: Vec<String> = arg_vars.iter().map(|v| format!("$env.{v}")).collect();
                format!(
                    "try {{ awsume {}; '0' | save -f {status} }} catch {{ $env.LAST_EXIT_CODE | into string | save -f {status} }}\n",
                    args.join(" ")
                )
            }
        }
    }

    /// A child process writes its whole environment to `file`.
    pub fn dump(self, file: &str) -> String {
        match self {
            Sh::Nu => format!("^env -0 | save --raw -f {file}\n"),
            _ => format!("env -0 > {file}\n"),
        }
    }
}

pub fn init_script(env: &TestEnv, shell: Sh) -> String {
    let out = env.run(&["init", shell.name()]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    out.stdout
}

/// The managed variables in an `env -0` dump.
pub fn managed(env: &TestEnv, file: &str) -> BTreeMap<String, String> {
    let bytes = std::fs::read(env.path(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    String::from_utf8(bytes)
        .unwrap()
        .split('\0')
        .filter_map(|entry| entry.split_once('='))
        .filter(|(name, _)| MANAGED.contains(name))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}
