//! The shell function in real shells (bash, zsh, fish, nu; PowerShell where `pwsh` exists), started
//! with no rc files: hostile values round-trip byte for byte into a child process's environment,
//! switching leaves nothing stale, failure changes nothing, and nothing hostile is ever executed.

use std::collections::BTreeMap;
use std::path::Path;

use crate::testenv::{Output, SHELLS, Sh, TestEnv, init_script, managed, run};

/// Every character class a shell could misread, in one value (profile names cannot hold a newline).
pub const HOSTILE: &str =
    "h '\"$(touch pwned) `touch pwned` \\x ! ’‘‚‛ *?[a] ; echo PWNED -n ü 日本 $HOME %s \\";
const REGION: &str = "r-'\"$(touch pwned)`touch pwned`;echo PWNED ’‘‚‛ \\";
const KEY: &str = "AKIA'\"$(touch pwned)`touch pwned`";
const SECRET: &str = "s/+= '\\'' \\\\ \\ \n\t line ; echo PWNED \u{1}\u{7}[31m ’‘‚‛ *?[a] -n \\";
const TOKEN: &str = "t\n\nnext '\"\r$(touch pwned) {x} ${HOME} %s \\n \\";
const EXPIRATION: &str = "2099-01-02T03:04:05Z";

fn expected_hostile() -> BTreeMap<String, String> {
    [
        ("AWSUME_PROFILE", HOSTILE),
        ("AWS_ACCESS_KEY_ID", KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SECURITY_TOKEN", TOKEN),
        ("AWS_SESSION_TOKEN", TOKEN),
        ("AWS_REGION", REGION),
        ("AWS_DEFAULT_REGION", REGION),
        ("AWSUME_EXPIRATION", EXPIRATION),
        ("AWS_CREDENTIAL_EXPIRATION", EXPIRATION),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect()
}

/// A profile named HOSTILE whose credential_process prints hostile keys, and a plain static one.
fn hostile_env() -> TestEnv {
    let env = TestEnv::new();
    let json = serde_json::json!({
        "Version": 1, "AccessKeyId": KEY, "SecretAccessKey": SECRET, "SessionToken": TOKEN, "Expiration": EXPIRATION
    });
    let creds = env.write("creds.json", &json.to_string());
    env.credentials(&format!(
        "[{HOSTILE}]\ncredential_process = cat {}\nregion = {REGION}\n\
         [plain]\naws_access_key_id = AKIAPLAIN\naws_secret_access_key = plain-secret\n",
        creds.display()
    ));
    env
}

fn assert_nothing_executed(env: &TestEnv, out: &Output) {
    assert!(!env.path("pwned").exists(), "a hostile value was executed");
    assert!(!out.stdout.contains("PWNED") || out.stdout.contains("echo PWNED"), "{}", out.stdout);
}

fn the_function_applies_full_state(shell: Sh) {
    let env = hostile_env();
    let vars = [
        ("H", HOSTILE),
        ("PLAIN", "plain"),
        ("NOPE", "nope"),
        ("UNSET", "--unset"),
        ("AWS_PROFILE", "stale"),
        ("AWS_SESSION_TOKEN", "stale"),
    ];
    let script = [
        shell.call(&["H"], "s1"),
        shell.dump("d1"),
        shell.call(&["PLAIN"], "s2"),
        shell.dump("d2"),
        shell.call(&["NOPE"], "s3"),
        shell.dump("d3"),
        shell.call(&["UNSET"], "s4"),
        shell.dump("d4"),
    ]
    .concat();
    let out = shell.run(&env, &script, &vars);
    assert_eq!(out.status, 0, "{shell:?}: {}", out.stderr);
    assert_nothing_executed(&env, &out);
    let status = |f: &str| std::fs::read_to_string(env.path(f)).unwrap().trim().to_string();
    assert_eq!(
        [status("s1"), status("s2"), status("s3"), status("s4")],
        ["0", "0", "1", "0"],
        "{shell:?}: {}",
        out.stderr
    );
    assert_eq!(managed(&env, "d1"), expected_hostile(), "{shell:?}");
    let plain: BTreeMap<String, String> = [
        ("AWSUME_PROFILE", "plain"),
        ("AWS_ACCESS_KEY_ID", "AKIAPLAIN"),
        ("AWS_SECRET_ACCESS_KEY", "plain-secret"),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    assert_eq!(managed(&env, "d2"), plain, "{shell:?}: switching leaves nothing stale");
    assert_eq!(managed(&env, "d3"), plain, "{shell:?}: a failure changes nothing");
    assert!(managed(&env, "d4").is_empty(), "{shell:?}: --unset clears all eleven");
    assert!(out.stderr.contains("awsume: profile \"nope\" not found"), "{}", out.stderr);
}

#[test]
fn bash_function_applies_full_state() {
    the_function_applies_full_state(Sh::Bash);
}

#[test]
fn zsh_function_applies_full_state() {
    the_function_applies_full_state(Sh::Zsh);
}

#[test]
fn fish_function_applies_full_state() {
    the_function_applies_full_state(Sh::Fish);
}

#[test]
fn nu_function_applies_full_state() {
    the_function_applies_full_state(Sh::Nu);
}

/// `awsume export …` and `awsume init …` through the function reach the binary as typed: their
/// output is the user's (a pipe, a file, a child's terminal), never evaluated, and nothing is applied.
#[test]
fn export_and_init_pass_through_the_function_in_every_shell() {
    let env = hostile_env();
    let json = env.run(&["export", "--profile", HOSTILE, "--json"]);
    assert_eq!(json.status, 0, "{}", json.stderr);
    for shell in SHELLS {
        let name = shell.name();
        let to_files = match shell {
            Sh::Bash | Sh::Zsh => {
                format!("awsume export --profile \"$H\" --json > j\nawsume init {name} > i\n")
            }
            Sh::Fish => format!("awsume export --profile $H --json > j\nawsume init {name} > i\n"),
            Sh::Nu => {
                format!("awsume export --profile $env.H --json | save -f j\nawsume init {name} | save -f i\n")
            }
        };
        let script =
            [to_files, shell.call(&["E", "P", "PLAIN", "X", "SH", "C", "EXIT"], "s"), shell.dump("d")]
                .concat();
        let vars = [
            ("H", HOSTILE),
            ("E", "export"),
            ("P", "--profile"),
            ("PLAIN", "plain"),
            ("X", "--exec"),
            ("SH", "sh"),
            ("C", "-c"),
            ("EXIT", "test \"$AWS_ACCESS_KEY_ID\" = AKIAPLAIN && exit 7"),
        ];
        let out = shell.run(&env, &script, &vars);
        assert_eq!(out.status, 0, "{shell:?}: {}", out.stderr);
        assert_nothing_executed(&env, &out);
        let read = |f: &str| std::fs::read_to_string(env.path(f)).unwrap();
        assert_eq!(read("j"), json.stdout, "{shell:?}: the JSON as the binary prints it");
        assert_eq!(read("i"), init_script(&env, shell), "{shell:?}");
        assert_eq!(read("s").trim(), "7", "{shell:?}: --exec's status: {}", out.stderr);
        assert!(managed(&env, "d").is_empty(), "{shell:?}: nothing applied");
    }
    // Behind another flag, where the function cannot see it, the binary refuses instead.
    let hidden = env.run(&["--emit", "bash", "--debug", "export", "--profile", "plain"]);
    hidden.assert_clean_failure("export and init must come first");
}

/// `-s` through the function prints statements; that shell evaluating them gives the same state.
#[test]
fn show_commands_evaluated_by_each_shell_give_the_same_state() {
    let env = hostile_env();
    for shell in SHELLS {
        let direct = env.run(&[HOSTILE, "-s", "--shell", shell.name()]);
        assert_eq!(direct.status, 0, "{}", direct.stderr);
        let statements = env.write(&format!("show.{}", shell.name()), &direct.stdout);
        let apply = match shell {
            Sh::Bash | Sh::Zsh => format!(
                "out=\"$(awsume \"$H\" -s)\"\n[ \"$out\" = \"$(cat '{}')\" ] || exit 9\neval \"$out\"\n",
                statements.display()
            ),
            Sh::Fish => format!(
                "test (awsume $H -s | string collect) = (cat '{0}' | string collect); or exit 9\nsource '{0}'\n",
                statements.display()
            ),
            Sh::Nu => format!(
                "if (awsume $env.H -s) != (open --raw '{0}') {{ exit 9 }}\nsource '{0}'\n",
                statements.display()
            ),
        };
        let out = shell.run(&env, &format!("{apply}{}", shell.dump("show-dump")), &[("H", HOSTILE)]);
        assert_eq!(out.status, 0, "{shell:?}: {}", out.stderr);
        assert_nothing_executed(&env, &out);
        assert_eq!(managed(&env, "show-dump"), expected_hostile(), "{shell:?}");
    }
}

/// The bash and zsh statements the function evaluates lint clean.
#[test]
fn emitted_bash_statements_pass_shellcheck() {
    let env = hostile_env();
    for args in
        [&[HOSTILE, "--emit", "bash"][..], &["--unset", "--emit", "bash"], &[HOSTILE, "-s", "--emit", "bash"]]
    {
        let out = env.run(args);
        assert_eq!(out.status, 0, "{}", out.stderr);
        let file = env.write("emitted.bash", &out.stdout);
        let mut check = env.command("shellcheck");
        // SC1003, SC1112 and SC2016 describe the hostile literal text itself (a `\` before a quote,
        // curly quotes, `$` inside single quotes): all intended, all inert. SC2034: shellcheck reads
        // `\builtin export X=…` as a plain, unused assignment.
        check.args(["--enable=all", "--shell=bash", "--exclude=SC1003,SC1112,SC2016,SC2034"]).arg(&file);
        let lint = run(check, None);
        assert_eq!(lint.status, 0, "{}", lint.stdout);
    }
}

#[test]
fn completion_lists_profile_names_in_every_shell() {
    let env = TestEnv::new();
    env.config("[profile prod-admin]\nregion = x\n[profile prod-read]\nregion = x\n[sso-session corp]\nsso_region = x\n");
    env.credentials("[dev]\naws_access_key_id = A\naws_secret_access_key = S\n[prod-admin]\naws_access_key_id = A\naws_secret_access_key = S\n");
    let expected = "prod-admin\nprod-read\n";
    let cases = [
        (
            Sh::Bash,
            "COMP_WORDS=(awsume prod)\nCOMP_CWORD=1\n_awsume_complete\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n",
        ),
        (
            Sh::Zsh,
            "compadd() { shift; printf '%s\\n' \"$@\"; }\nwords=(awsume prod)\nCURRENT=2\n_awsume_complete\n",
        ),
        (Sh::Fish, "complete -C 'awsume prod' | string replace -r '\\t.*' ''\n"),
        (Sh::Nu, "nu-complete awsume 'awsume prod' | str join \"\\n\" | print\n"),
    ];
    for (shell, script) in cases {
        let out = shell.run(&env, script, &[]);
        assert_eq!(out.stdout.trim_end(), expected.trim_end(), "{shell:?}: {}", out.stderr);
    }
    let region = Sh::Bash.run(&env, "COMP_WORDS=(awsume --region eu-west-)\nCOMP_CWORD=2\n_awsume_complete\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n", &[]);
    assert_eq!(region.stdout, "eu-west-1\neu-west-2\neu-west-3\n");
    let all = env.run(&["--complete", "--", ""]);
    assert_eq!(
        all.stdout, "dev\neks\nexport\ninit\nkeys\nprocess\nprod-admin\nprod-read\nsso\n",
        "deduplicated, sorted, no sso-session"
    );
    let sessions = env.run(&["--complete", "--", "sso", "populate", ""]);
    assert_eq!(sessions.stdout, "corp\n", "sso populate takes an [sso-session]");
}

/// The static scripts in `completions/` (for packagers, and for the binary run without the
/// function) know the subcommands too, as each shell loads them.
#[test]
fn static_completions_know_the_subcommands() {
    let env = TestEnv::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let bash = format!(
        "source '{}'\nCOMP_WORDS=(awsume keys r)\nCOMP_CWORD=2\n_awsume awsume r keys\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        dir.join("awsume.bash").display()
    );
    let out = Sh::Bash.run(&env, &bash, &[]);
    assert_eq!(out.stdout, "remove\nrotate\n", "{}", out.stderr);
    let fish = format!(
        "source '{}'\ncomplete -C 'awsume k' | string replace -r '\\t.*' ''\n",
        dir.join("awsume.fish").display()
    );
    let out = Sh::Fish.run(&env, &fish, &[]);
    assert!(out.stdout.lines().any(|l| l == "keys"), "{}{}", out.stdout, out.stderr);
    for file in ["awsume.nu", "aws-export-credentials.nu"] {
        let nu = format!("source '{}'\nprint ok\n", dir.join(file).display());
        assert_eq!(Sh::Nu.run(&env, &nu, &[]).stdout.trim(), "ok", "{file} loads in nu");
    }
}

/// The scripts `awsume init` prints are accepted by each shell's own checker.
#[test]
fn init_scripts_lint_and_parse_clean() {
    let env = TestEnv::new();
    for cmd in ["awsume", "aws_me-2"] {
        let bash = env.write("lint.bash", &env.run(&["init", "bash", "--cmd", cmd]).stdout);
        let mut check = env.command("shellcheck");
        check.args(["--enable=all", "--shell=bash"]).arg(&bash);
        let lint = run(check, None);
        assert_eq!(lint.status, 0, "{}", lint.stdout);
        let zsh = env.write("lint.zsh", &env.run(&["init", "zsh", "--cmd", cmd]).stdout);
        let mut check = env.command("zsh");
        check.arg("-n").arg(&zsh);
        run(check, None).ok();
        let fish = env.write("lint.fish", &env.run(&["init", "fish", "--cmd", cmd]).stdout);
        let mut check = env.command("fish");
        check.arg("--no-execute").arg(&fish);
        run(check, None).ok();
        for shell in SHELLS {
            let out = shell.run(&env, "", &[]);
            assert_eq!((out.status, out.stderr.as_str()), (0, ""), "{shell:?} loads its init silently");
        }
    }
    let bad = env.run(&["init", "bash", "--cmd", "x;rm"]);
    assert_eq!(bad.status, 2);
}

#[test]
fn powershell_script_parses_and_runs_where_pwsh_exists() {
    let env = hostile_env();
    let script = env.write("init.ps1", &env.run(&["init", "powershell"]).stdout);
    let python = crate::testenv::python();
    let checker = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/ps_parse.py");
    for file in
        [script.clone(), env.write("show.ps1", &env.run(&[HOSTILE, "-s", "--shell", "powershell"]).stdout)]
    {
        let mut parse = env.command(&python);
        parse.arg(&checker).arg(&file);
        let out = run(parse, None);
        assert_eq!(out.status, 0, "{}: {}{}", file.display(), out.stdout, out.stderr);
    }
    let pwsh = ["/usr/bin/pwsh", "/usr/local/bin/pwsh", "/opt/microsoft/powershell/7/pwsh"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(pwsh) = pwsh else {
        eprintln!("pwsh not installed: PowerShell checked by the parser only");
        return;
    };
    let mut cmd = env.command(pwsh);
    // Strict, stopping at the first error, in a culture that writes dates its own way: the values
    // (the expiry above all) still arrive byte for byte, and text goes down the pipeline.
    cmd.args(["-NoProfile", "-NonInteractive", "-Command"]).arg(format!(
        "Set-StrictMode -Version Latest; $ErrorActionPreference = 'Stop'; \
         [Threading.Thread]::CurrentThread.CurrentCulture = [Globalization.CultureInfo]::new('de-DE'); \
         . '{}'; awsume $env:H; & env -0 | Set-Content -NoNewline -Path d1; awsume nope; awsume --unset; \
         & env -0 | Set-Content -NoNewline -Path d2; \
         if ((awsume export --profile plain --json | ConvertFrom-Json).AccessKeyId -ne 'AKIAPLAIN') {{ exit 9 }}; \
         if (-not (awsume -l | Select-String -SimpleMatch 'plain')) {{ exit 8 }}",
        script.display()
    ));
    cmd.env("H", HOSTILE);
    let out = run(cmd, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(managed(&env, "d1"), expected_hostile());
    assert!(managed(&env, "d2").is_empty());
}

#[test]
fn show_commands_has_long_short_and_bundled_forms() {
    let env = hostile_env();
    let long = env.run(&["plain", "--show-commands", "--shell", "bash"]);
    assert!(long.stdout.starts_with("export AWSUME_PROFILE='plain'\n"), "{}", long.stderr);
    for args in [&["plain", "-s", "--shell", "bash"][..], &["plain", "-rs", "--shell", "bash"]] {
        assert_eq!(env.run(args).stdout, long.stdout);
    }
    // Through a function, --shell still names the shell the statements are for.
    let fish = env.run(&["plain", "-s", "--shell", "fish"]);
    assert!(fish.stdout.starts_with("set -gx AWSUME_PROFILE 'plain'\n"), "{}", fish.stdout);
    for shell in SHELLS {
        let script = match shell {
            Sh::Nu => "awsume plain -s --shell fish | save -f shown\n",
            _ => "awsume plain -s --shell fish > shown\n",
        };
        let out = shell.run(&env, script, &[]);
        assert_eq!(out.status, 0, "{shell:?}: {}", out.stderr);
        assert_eq!(std::fs::read_to_string(env.path("shown")).unwrap(), fish.stdout, "{shell:?}");
    }
}

/// Through the function `-s` prints the statements and applies them, as awsume does; `-u -s`
/// prints and unsets.
#[test]
fn show_commands_through_the_function_print_and_apply() {
    let env = hostile_env();
    for shell in SHELLS {
        let statements = env.run(&[HOSTILE, "-s", "--shell", shell.name()]).stdout;
        let unset = env.run(&["-u", "-s", "--shell", shell.name()]).stdout;
        let (show, hide) = match shell {
            Sh::Nu => ("awsume $env.H -s | save -f shown\n", "awsume -u -s | save -f hidden\n"),
            Sh::Fish => ("awsume $H -s > shown\n", "awsume -u -s > hidden\n"),
            _ => ("awsume \"$H\" -s > shown\n", "awsume -u -s > hidden\n"),
        };
        let script = [show, &shell.dump("d1"), hide, &shell.dump("d2")].concat();
        let out = shell.run(&env, &script, &[("H", HOSTILE)]);
        assert_eq!(out.status, 0, "{shell:?}: {}", out.stderr);
        assert_nothing_executed(&env, &out);
        let read = |f: &str| std::fs::read_to_string(env.path(f)).unwrap();
        assert_eq!(read("shown"), statements, "{shell:?}: printed");
        assert_eq!(managed(&env, "d1"), expected_hostile(), "{shell:?}: and applied");
        assert_eq!(read("hidden"), unset, "{shell:?}: -u -s prints");
        assert!(managed(&env, "d2").is_empty(), "{shell:?}: and unsets");
    }
}
