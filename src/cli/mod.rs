//! Command-line definitions only (clap derive); no behaviour. The completion test generates the
//! static scripts in `completions/` from these.

use std::path::PathBuf;

use clap::{ArgAction, ArgGroup, Args, Parser, Subcommand};

mod eks;
mod values;

pub use values::Tags;
use values::{agent_name, function_name, role_arn};

pub use eks::{EksArgs, EksCommand, EksKubeconfigArgs, EksTokenArgs};

use crate::credentials::Secret;
use crate::deliver::shell::Shell;

#[derive(Parser, Debug)]
#[command(
    name = "awsume",
    version,
    about = "Get AWS credentials for any profile and set them in your shell",
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = "Set up your shell first: add to ~/.bashrc  eval \"$(command awsume init bash)\"  (awsume init --help: the other shells)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub args: AwsumeArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the shell function and completion for SHELL (load it from your rc file)
    #[command(after_help = "Load it once, in your rc file:
  bash        ~/.bashrc                  eval \"$(command awsume init bash)\"
  zsh         ~/.zshrc (after compinit)  eval \"$(command awsume init zsh)\"
  fish        config.fish                command awsume init fish | source
  nushell     config.nu                  ^awsume init nu | save -f ~/.awsume.nu  (once), then: source ~/.awsume.nu
  PowerShell  $PROFILE                   Invoke-Expression (& (Get-Command -CommandType Application awsume)[0] init powershell | Out-String)")]
    Init(InitArgs),
    /// Print credentials, run a command with them or write them to a file (aws-export-credentials)
    #[command(override_usage = "awsume export [OPTIONS] [--exec COMMAND [ARGS]...]")]
    Export(ExportArgs),
    /// IAM Identity Center: `sso populate SESSION` writes a profile per account and role
    Sso(SsoArgs),
    /// Long-term access keys in the OS keychain: add, import, list, remove, rotate, export-plaintext
    Keys(KeysArgs),
    /// kubectl and EKS: `eks token` prints the exec plugin's credential for a cluster, `eks kubeconfig`
    /// writes the kubeconfig entry that runs it
    Eks(EksArgs),
    /// Run another tool's credential command once for every caller, its output kept until it is due
    #[command(
        override_usage = "awsume process [--profile-key NAME] [-r] -- COMMAND [ARGS]...",
        after_help = "In ~/.aws/config, for every SDK and tool:\n  credential_process = awsume process -- okta-aws-cli web --format json"
    )]
    Process(ProcessArgs),
}

#[derive(Args, Debug)]
pub struct ProcessArgs {
    /// Keep this command's output apart from the same command's for other keys (a profile's name)
    #[arg(long, value_name = "NAME")]
    pub profile_key: Option<String>,
    /// Run the command again now, whatever is kept
    #[arg(short = 'r', long)]
    pub refresh: bool,
    /// The command that prints credential_process JSON, and its arguments (after --)
    #[arg(required = true, last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Args, Debug)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub command: KeysCommand,
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Store a profile's keys in the keychain (asked on the terminal, the secret hidden)
    Add {
        profile: String,
        /// Take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment
        #[arg(long)]
        env: bool,
    },
    /// Move keys from ~/.aws/credentials into the keychain (every other byte of the file kept)
    Import {
        profile: Option<String>,
        /// Every profile with long-term keys in the credentials file
        #[arg(long, conflicts_with = "profile")]
        all: bool,
    },
    /// Profiles whose keys are in the keychain, with their access key ids (never a secret)
    List,
    /// Delete a profile's keys from the keychain
    Remove { profile: String },
    /// Put a profile's keys back into ~/.aws/credentials, in plain text
    ExportPlaintext { profile: String },
    /// A new access key for the profile's IAM user (through its MFA session when it has
    /// mfa_serial), checked, stored where the old one was, then the old one deleted
    Rotate {
        profile: String,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// The credential_process of a keychain profile: its keys as credential_process JSON
    #[command(hide = true)]
    Process { profile: String },
}

#[derive(Args, Debug)]
pub struct SsoArgs {
    #[command(subcommand)]
    pub command: SsoCommand,
}

#[derive(Subcommand, Debug)]
pub enum SsoCommand {
    /// One profile per account and role that [sso-session SESSION] reaches, in ~/.aws/config
    Populate(PopulateArgs),
}

#[derive(Args, Debug)]
pub struct PopulateArgs {
    /// The [sso-session NAME] to sign in with
    pub session: String,
    /// Profile names: {account_name}, {account_id}, {role_name}, {session} (lower-cased, and
    /// characters other tools choke on replaced by `-`)
    #[arg(long, value_name = "TEMPLATE", default_value = "{account_name}.{role_name}")]
    pub template: String,
    /// Put this before every name
    #[arg(long, value_name = "PREFIX", default_value = "")]
    pub prefix: String,
    /// Print what would be written; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Remove profiles this command generated for the session whose access is gone
    #[arg(long)]
    pub prune: bool,
    /// AWS config file [default: $AWS_CONFIG_FILE, then ~/.aws/config]
    #[arg(long, value_name = "PATH")]
    pub config_file: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug, Clone)]
pub struct AwsumeArgs {
    /// Profile to use [default: $AWS_PROFILE, $AWS_DEFAULT_PROFILE, $AWSUME_DEFAULT_PROFILE, the
    /// default-profile setting, then "default"; with none that has credentials, the picker]
    pub profile: Option<String>,
    /// Profile to use when none is given as the first argument
    #[arg(long = "profile", value_name = "NAME", hide = true)]
    pub profile_flag: Option<String>,
    /// Print the commands that set the variables (the shell function applies them too)
    #[arg(short = 's', long)]
    pub show_commands: bool,
    /// Unset every variable awsume manages
    #[arg(short, long)]
    pub unset: bool,
    /// Shell to write commands for with --show-commands [default: from $SHELL]
    #[arg(long, value_enum, value_name = "SHELL")]
    pub shell: Option<Shell>,
    /// Role session name [default: the profile's role_session_name, then the profile name]
    #[arg(long, value_name = "NAME")]
    pub session_name: Option<String>,
    /// Role session duration in seconds [default: the profile's duration_seconds]
    #[arg(long, value_name = "SECONDS")]
    pub role_duration: Option<i32>,
    /// External id for the role [default: the profile's external_id]
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// AWS config file [default: $AWS_CONFIG_FILE, then ~/.aws/config]
    #[arg(long, value_name = "PATH")]
    pub config_file: Option<PathBuf>,
    /// AWS credentials file [default: $AWS_SHARED_CREDENTIALS_FILE, then ~/.aws/credentials]
    #[arg(long, value_name = "PATH")]
    pub credentials_file: Option<PathBuf>,
    /// Pick the profile from a list by typing (fuzzy; the ones you use most come first); also what
    /// `awsume` alone does on a terminal when no profile is named and there is no default
    #[arg(long, conflicts_with_all = ["profile", "role_arn"])]
    pub pick: bool,
    /// List profiles (profile, type, account, source, MFA, region, role); `more` adds when each
    /// profile's cached session expires
    #[arg(short = 'l', long, value_name = "more", num_args = 0..=1, default_missing_value = "list",
          value_parser = ["list", "more"])]
    pub list_profiles: Option<String>,
    /// Assume this role: an ARN or awsume's short form [PARTITION:]ACCOUNT:ROLE
    #[arg(long, value_name = "ARN", conflicts_with = "profile", value_parser = role_arn)]
    pub role_arn: Option<String>,
    /// With --role-arn: the profile whose credentials assume it [default: the shell's credentials]
    #[arg(long, value_name = "NAME", requires = "role_arn")]
    pub source_profile: Option<String>,
    /// Session policy for the role: JSON, or file://PATH
    #[arg(long, value_name = "JSON")]
    pub session_policy: Option<String>,
    /// Managed policy ARNs that limit the role session (comma-separated)
    #[arg(long, value_name = "ARN,…", value_delimiter = ',')]
    pub session_policy_arns: Vec<String>,
    /// Source identity to set on the role session
    #[arg(long, value_name = "ID")]
    pub source_identity: Option<String>,
    /// Session tags for the role: Key=Value,…
    #[arg(short = 't', long, value_name = "KEY=VALUE,…")]
    pub tags: Option<Tags>,
    /// Scoped credentials for an AI agent or other automation: the role assumed again, read-only
    /// by default (agent_policy_arns, agent_policy), for an hour (agent_duration), its session
    /// tagged awsume-agent=NAME and its source identity NAME [NAME default: agent]
    #[arg(long, value_name = "NAME", num_args = 0..=1, require_equals = true, default_missing_value = "agent", value_parser = agent_name)]
    pub agent: Option<String>,
    /// Also write the credentials into this awsume-managed profile of the credentials file
    #[arg(short = 'o', long, value_name = "NAME")]
    pub output_profile: Option<String>,
    /// Remove expired awsume-managed profiles from the credentials file
    #[arg(long)]
    pub clean: bool,
    /// With JSON (or - for stdin): set these credentials (awsume's JSON, credential_process JSON or
    /// an STS answer). Alone, after a profile: print that profile's credentials as awsume's JSON
    #[arg(long, value_name = "JSON", num_args = 0..=1, default_missing_value = "", conflicts_with = "auto_refresh")]
    pub json: Option<String>,
    /// Sign in as `aws login` does (a console session in the browser on this machine); the profile
    /// gets `login_session`, and is then set
    #[arg(long, conflicts_with_all = ["logout", "role_arn", "json"])]
    pub login: bool,
    /// Forget the profile's `aws login` session (its cached credentials and refresh token)
    #[arg(long)]
    pub logout: bool,
    /// Accepted for Python awsume's scripts; completion here needs no cache
    #[arg(long)]
    pub refresh_autocomplete: bool,
    /// Open the AWS console signed in as the profile (without one: as this shell's credentials)
    #[arg(short = 'c', long)]
    pub console: bool,
    /// Print the console sign-in link instead (a credential for 15 minutes) [also: -cl]
    #[arg(long)]
    pub console_link: bool,
    /// Open the console at a service: an alias (ec2, s3, cfn, ddb…), a console path or a URL [also: -cs]
    #[arg(long, value_name = "SERVICE")]
    pub console_service: Option<String>,
    /// Print the sign-in link to a service [also: -csl, -cls]
    #[arg(long, value_name = "SERVICE", visible_alias = "console-link-service")]
    pub console_service_link: Option<String>,
    /// Turn on the console's multi-session support in the browser awsume opens (up to five
    /// identities side by side): opens its opt-in page for --region (else the profile's,
    /// AWS_REGION, us-east-1); resolves no credentials
    #[arg(long)]
    pub console_opt_in: bool,
    /// Show the profile and identity (GetCallerIdentity) of the credentials in this shell
    #[arg(long, visible_alias = "whoami")]
    pub who: bool,
    /// awsume's settings: get KEY | set KEY VALUE | reset KEY | clear KEY | list
    #[arg(long, value_name = "OPERATION", num_args = 1..=3)]
    pub config: Option<Vec<String>>,
    /// Keep this shell's credentials fresh: renewed at a prompt once within `auto-refresh-margin`
    /// seconds (setting, default 600) of expiry, without asking again while the MFA session lasts.
    /// With -o NAME, profile NAME gets a credential_process that renews for long-running programs
    #[arg(short = 'a', long, conflicts_with_all = ["role_arn", "unset"])]
    pub auto_refresh: bool,
    /// Stop auto-refresh in this shell (the credentials stay as they are)
    #[arg(short = 'k', long)]
    pub kill_refresher: bool,
    /// The prompt hook's call: renew the profile in $AWSUME_AUTO_REFRESH, never asking
    #[arg(long, hide = true)]
    pub refresh_hook: bool,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Print the version
    #[arg(short = 'v', long, action = ArgAction::Version)]
    pub version: Option<bool>,
    /// Machine-readable output for the shell function of SHELL
    #[arg(long, value_enum, value_name = "SHELL", hide = true)]
    pub emit: Option<Shell>,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    #[arg(value_enum)]
    pub shell: Shell,
    /// Name of the shell function
    #[arg(long, value_name = "NAME", default_value = "awsume", value_parser = function_name)]
    pub cmd: String,
}

/// aws-export-credentials' interface, also reached as a binary named `aws-export-credentials`.
#[derive(Parser, Debug)]
#[command(
    name = "aws-export-credentials",
    version,
    about = "Print AWS credentials, run a command with them, or write them to a file",
    override_usage = "aws-export-credentials [OPTIONS] [--exec COMMAND [ARGS]...]"
)]
pub struct ExportCli {
    #[command(flatten)]
    pub args: ExportArgs,
}

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("mode").args(["json", "env", "env_export", "format", "exec", "credentials_file_profile", "imds", "container"])))]
pub struct ExportArgs {
    /// Profile to use [default: $AWS_PROFILE, $AWS_DEFAULT_PROFILE; with neither, botocore's default
    /// chain: environment keys, the default profile, web identity, container, instance metadata]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Print credential_process JSON (the default)
    #[arg(long)]
    pub json: bool,
    /// Indent the JSON
    #[arg(long)]
    pub pretty: bool,
    /// Print NAME=value lines
    #[arg(long)]
    pub env: bool,
    /// Print `export NAME=value` lines
    #[arg(long)]
    pub env_export: bool,
    /// Print as `aws configure export-credentials --format` does: process (JSON), env,
    /// env-no-export, powershell, windows-cmd, or fish
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<crate::deliver::env::Format>,
    /// Run COMMAND ARGS… with the credentials in its environment: every argument after it is the
    /// command's
    #[arg(long)]
    pub exec: bool,
    /// With --exec: give the command a credentials endpoint of its own (loopback, its own token)
    /// that renews the session while it runs, instead of keys that end; for anything that may
    /// outlive the session (a deploy, a long terraform apply). A few old SDKs read only keys from
    /// the environment: those need plain --exec [default: the exec-serve setting]
    #[arg(long, requires = "exec")]
    pub serve: bool,
    /// Write the credentials into this profile of the credentials file
    #[arg(short = 'c', long, value_name = "NAME")]
    pub credentials_file_profile: Option<String>,
    /// Serve the credentials as an IMDSv2 endpoint on [HOST:]PORT (loopback by default)
    #[arg(long, value_name = "[HOST:]PORT")]
    pub imds: Option<String>,
    /// Serve the credentials as a container credentials endpoint on [HOST:]PORT; clients send
    /// $AWS_CONTAINER_AUTHORIZATION_TOKEN (a new one is made and shown when it is unset)
    #[arg(long, value_name = "[HOST:]PORT")]
    pub container: Option<String>,
    /// With --imds or --container: allow an address beyond loopback (plain HTTP: anyone who reaches it
    /// gets the credentials)
    #[arg(long)]
    pub allow_remote: bool,
    /// With --container: HTTPS, with a certificate for this host's addresses from a CA awsume makes
    /// once (~/.awsume/tls/ca.pem): what a container on a bridge network needs, since the SDKs take
    /// plain HTTP only from loopback; any private address may then be bound
    #[arg(long, requires = "container")]
    pub tls: bool,
    /// The address --imds or --container listens on (0.0.0.0: every one) [default: 127.0.0.1]
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<std::net::IpAddr>,
    /// Reuse credentials cached in this file while they stay valid (temporary credentials only)
    #[arg(long, value_name = "PATH")]
    pub cache_file: Option<PathBuf>,
    /// Minutes before expiry at which cached credentials count as expired
    #[arg(long, value_name = "MINUTES", default_value_t = 10)]
    pub cache_expiration_buffer: i64,
    /// Exchange long-term keys for a session token before output
    #[arg(long)]
    pub ensure_temporary: bool,
    /// Scoped credentials (with --exec: served, never keys) for an AI agent or other automation: the role assumed again, read-only
    /// by default (agent_policy_arns, agent_policy), for an hour (agent_duration), its session
    /// tagged awsume-agent=NAME and its source identity NAME [NAME default: agent]
    #[arg(long, value_name = "NAME", num_args = 0..=1, require_equals = true, default_missing_value = "agent", value_parser = agent_name)]
    pub agent: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The flags both commands share, with one meaning.
#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// Region to set and to call STS in
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)
    #[arg(long, value_name = "CODE", env = "AWSUME_MFA_TOKEN", hide_env_values = true)]
    pub mfa_token: Option<Secret>,
    /// Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again
    #[arg(short, long)]
    pub refresh: bool,
    /// Sign in to IAM Identity Center (SSO) again now, even without a terminal
    #[arg(long)]
    pub sso_login: bool,
    /// Print sign-in pages without opening a browser
    #[arg(long)]
    pub no_browser: bool,
    /// Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by
    /// a device code, `aws login` by pasting the code its page shows
    #[arg(long, visible_alias = "use-device-code")]
    pub remote: bool,
    /// With --sso-login: sign out of the IAM Identity Center portal first, so its session's clock
    /// starts again; with --login: forget the console session first; with export -c: overwrite
    /// long-term keys you wrote in that section
    #[arg(long)]
    pub force: bool,
    /// The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it
    /// can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the
    /// redirect-port setting, else any free port]
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1024..))]
    pub redirect_port: Option<u16>,
    /// Seconds one STS call may take, retries included
    #[arg(
        long,
        value_name = "SECONDS",
        env = "AWSUME_TIMEOUT",
        hide_env_values = true,
        default_value_t = 30
    )]
    pub timeout: u64,
    /// Say on stderr what awsume does (never shows a secret)
    #[arg(long)]
    pub info: bool,
    /// Explain each step on stderr (never shows a secret)
    #[arg(long)]
    pub debug: bool,
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use clap::{CommandFactory, Parser};
    use clap_complete::{Shell as Target, generate};

    use super::{Cli, Command, ExportCli};

    /// The parsed command line is `Debug`, and `--mfa-token` is a secret in it.
    #[test]
    fn debug_redacts_the_mfa_code() {
        let cli = Cli::try_parse_from(["awsume", "p", "--mfa-token", "918273"]).unwrap();
        let export = Cli::try_parse_from(["awsume", "export", "--mfa-token", "918273"]).unwrap();
        assert!(matches!(export.command, Some(Command::Export(_))));
        let shown = format!("{cli:?} {export:?}");
        assert!(shown.contains("mfa_token"), "{shown}");
        assert!(!shown.contains("918273"), "{shown}");
    }

    /// Checks a generated file against what the CLI generates now; `UPDATE_GENERATED=1 cargo test`
    /// rewrites it.
    fn assert_current(path: &Path, generated: &[u8]) {
        if std::env::var_os("UPDATE_GENERATED").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, generated).unwrap();
        }
        let current = std::fs::read(path).unwrap_or_default();
        assert!(current == generated, "{} is stale: run UPDATE_GENERATED=1 cargo test", path.display());
    }

    fn commands() -> [(&'static str, clap::Command); 2] {
        [("awsume", Cli::command()), ("aws-export-credentials", ExportCli::command())]
    }

    /// The static scripts in `completions/` (for packagers) match the CLI.
    #[test]
    fn completions_are_current() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
        for (name, mut command) in commands() {
            for (target, file) in [
                (Target::Bash, format!("{name}.bash")),
                (Target::Zsh, format!("_{name}")),
                (Target::Fish, format!("{name}.fish")),
                (Target::PowerShell, format!("_{name}.ps1")),
                (Target::Elvish, format!("{name}.elv")),
            ] {
                let mut generated = Vec::new();
                generate(target, &mut command, name, &mut generated);
                assert_current(&dir.join(&file), &generated);
            }
            let mut generated = Vec::new();
            generate(clap_complete_nushell::Nushell, &mut command, name, &mut generated);
            assert_current(&dir.join(format!("{name}.nu")), &generated);
        }
    }

    /// `man/NAME.1` match the CLI.
    #[test]
    fn man_pages_are_current() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
        for (name, command) in commands() {
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page).unwrap();
            assert_current(&dir.join(format!("{name}.1")), &page);
        }
    }
}
