//! What `awsume` without a subcommand was asked to do: the mode its flags pick, in the order they win.

use super::console;
use crate::cli::AwsumeArgs;

/// What `awsume` (without a subcommand) was asked to do, in the order the flags win.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// `--refresh-autocomplete`: nothing to do, completion reads the files each time.
    RefreshAutocomplete,
    List {
        more: bool,
    },
    Settings(Vec<String>),
    Clean,
    Who,
    Unset,
    StopRefresh,
    RefreshHook,
    /// `awsume PROFILE --json`: print the profile's credentials as awsume's JSON.
    PrintJson,
    /// `-c`, `-cl`, `-cs SVC`, `-csl SVC` without a profile: the console as this shell's credentials.
    ConsoleHere,
    /// `--console-opt-in`: the console's multi-session opt-in page; no credentials.
    ConsoleOptIn,
    /// `--pick` (or plain `awsume` at a terminal with nothing to default to): choose from a list.
    Pick,
    /// `NAME --login`: sign in as `aws login` does, then set the profile.
    Login,
    /// `NAME --logout`: the profile's console session leaves the cache.
    Logout,
    /// Resolve a profile (or `--role-arn`, or take `--json JSON`) and set it in the shell.
    Switch,
}

impl Mode {
    pub fn of(args: &AwsumeArgs) -> Self {
        if args.refresh_autocomplete {
            Mode::RefreshAutocomplete
        } else if let Some(mode) = &args.list_profiles {
            Mode::List { more: mode == "more" }
        } else if let Some(operation) = &args.config {
            Mode::Settings(operation.clone())
        } else if args.clean {
            Mode::Clean
        } else if args.who {
            Mode::Who
        } else if args.unset {
            Mode::Unset
        } else if args.kill_refresher {
            Mode::StopRefresh
        } else if args.refresh_hook {
            Mode::RefreshHook
        } else if args.pick {
            Mode::Pick
        } else if args.logout {
            Mode::Logout
        } else if args.login {
            Mode::Login
        } else if args.console_opt_in {
            Mode::ConsoleOptIn
        } else if args.json.as_deref() == Some("") {
            Mode::PrintJson
        } else if console::asked(args)
            && args.profile.is_none()
            && args.profile_flag.is_none()
            && args.role_arn.is_none()
        {
            Mode::ConsoleHere
        } else {
            Mode::Switch
        }
    }

    /// Whether the mode changes the shell (and so needs the shell function, or `-s`).
    pub fn changes_the_shell(&self, args: &AwsumeArgs) -> bool {
        match self {
            Mode::Unset | Mode::StopRefresh | Mode::RefreshHook => true,
            // Opening the console or printing its link needs no shell to change.
            Mode::Switch | Mode::Login | Mode::Pick => !console::asked(args),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Mode;
    use crate::cli::Cli;

    #[test]
    fn the_first_flag_in_this_order_picks_the_mode() {
        let cases: &[(&[&str], Mode)] = &[
            (&["p"], Mode::Switch),
            (&["-l", "--unset"], Mode::List { more: false }),
            (&["-l", "more"], Mode::List { more: true }),
            (&["--config", "list", "--clean"], Mode::Settings(vec!["list".into()])),
            (&["--clean", "--who"], Mode::Clean),
            (&["--who", "-u"], Mode::Who),
            (&["-u", "-k"], Mode::Unset),
            (&["-k", "--refresh-hook"], Mode::StopRefresh),
            (&["--refresh-hook"], Mode::RefreshHook),
            (&["--refresh-autocomplete", "-l"], Mode::RefreshAutocomplete),
            (&["p", "--json"], Mode::PrintJson),
            (&["--json", "{}"], Mode::Switch),
            (&["--console-opt-in", "-c"], Mode::ConsoleOptIn),
        ];
        for (argv, mode) in cases {
            let cli = Cli::try_parse_from(std::iter::once(&"awsume").chain(argv.iter())).unwrap();
            assert_eq!(&Mode::of(&cli.args), mode, "{argv:?}");
        }
    }
}
