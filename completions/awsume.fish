# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_awsume_global_optspecs
    string join \n profile= s/show-commands u/unset shell= session-name= role-duration= external-id= config-file= credentials-file= pick l/list-profiles= role-arn= source-profile= session-policy= session-policy-arns= source-identity= t/tags= agent= o/output-profile= clean json= login logout refresh-autocomplete c/console console-link console-service= console-service-link= console-opt-in who config= a/auto-refresh k/kill-refresher refresh-hook region= mfa-token= r/refresh sso-login no-browser remote force redirect-port= timeout= info debug v/version emit= h/help
end

function __fish_awsume_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_awsume_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_awsume_using_subcommand
    set -l cmd (__fish_awsume_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c awsume -n "__fish_awsume_needs_command" -l profile -d 'Profile to use when none is given as the first argument' -r
complete -c awsume -n "__fish_awsume_needs_command" -l shell -d 'Shell to write commands for with --show-commands [default: from $SHELL]' -r -f -a "bash\t''
zsh\t''
fish\t''
nu\t''
powershell\t''"
complete -c awsume -n "__fish_awsume_needs_command" -l session-name -d 'Role session name [default: the profile\'s role_session_name, then the profile name]' -r
complete -c awsume -n "__fish_awsume_needs_command" -l role-duration -d 'Role session duration in seconds [default: the profile\'s duration_seconds]' -r
complete -c awsume -n "__fish_awsume_needs_command" -l external-id -d 'External id for the role [default: the profile\'s external_id]' -r
complete -c awsume -n "__fish_awsume_needs_command" -l config-file -d 'AWS config file [default: $AWS_CONFIG_FILE, then ~/.aws/config]' -r -F
complete -c awsume -n "__fish_awsume_needs_command" -l credentials-file -d 'AWS credentials file [default: $AWS_SHARED_CREDENTIALS_FILE, then ~/.aws/credentials]' -r -F
complete -c awsume -n "__fish_awsume_needs_command" -s l -l list-profiles -d 'List profiles (profile, type, account, source, MFA, region, role); `more` adds when each profile\'s cached session expires' -r -f -a "list\t''
more\t''"
complete -c awsume -n "__fish_awsume_needs_command" -l role-arn -d 'Assume this role: an ARN or awsume\'s short form [PARTITION:]ACCOUNT:ROLE' -r
complete -c awsume -n "__fish_awsume_needs_command" -l source-profile -d 'With --role-arn: the profile whose credentials assume it [default: the shell\'s credentials]' -r
complete -c awsume -n "__fish_awsume_needs_command" -l session-policy -d 'Session policy for the role: JSON, or file://PATH' -r
complete -c awsume -n "__fish_awsume_needs_command" -l session-policy-arns -d 'Managed policy ARNs that limit the role session (comma-separated)' -r
complete -c awsume -n "__fish_awsume_needs_command" -l source-identity -d 'Source identity to set on the role session' -r
complete -c awsume -n "__fish_awsume_needs_command" -s t -l tags -d 'Session tags for the role: Key=Value,…' -r
complete -c awsume -n "__fish_awsume_needs_command" -l agent -d 'Scoped credentials for an AI agent or other automation: the role assumed again, read-only by default (agent_policy_arns, agent_policy), for an hour (agent_duration), its session tagged awsume-agent=NAME and its source identity NAME [NAME default: agent]' -r
complete -c awsume -n "__fish_awsume_needs_command" -s o -l output-profile -d 'Also write the credentials into this awsume-managed profile of the credentials file' -r
complete -c awsume -n "__fish_awsume_needs_command" -l json -d 'With JSON (or - for stdin): set these credentials (awsume\'s JSON, credential_process JSON or an STS answer). Alone, after a profile: print that profile\'s credentials as awsume\'s JSON' -r
complete -c awsume -n "__fish_awsume_needs_command" -l console-service -d 'Open the console at a service: an alias (ec2, s3, cfn, ddb…), a console path or a URL [also: -cs]' -r
complete -c awsume -n "__fish_awsume_needs_command" -l console-service-link -l console-link-service -d 'Print the sign-in link to a service [also: -csl, -cls]' -r
complete -c awsume -n "__fish_awsume_needs_command" -l config -d 'awsume\'s settings: get KEY | set KEY VALUE | reset KEY | clear KEY | list' -r
complete -c awsume -n "__fish_awsume_needs_command" -l region -d 'Region to set and to call STS in' -r
complete -c awsume -n "__fish_awsume_needs_command" -l mfa-token -d 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)' -r
complete -c awsume -n "__fish_awsume_needs_command" -l redirect-port -d 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]' -r
complete -c awsume -n "__fish_awsume_needs_command" -l timeout -d 'Seconds one STS call may take, retries included' -r
complete -c awsume -n "__fish_awsume_needs_command" -l emit -d 'Machine-readable output for the shell function of SHELL' -r -f -a "bash\t''
zsh\t''
fish\t''
nu\t''
powershell\t''"
complete -c awsume -n "__fish_awsume_needs_command" -s s -l show-commands -d 'Print the commands that set the variables (the shell function applies them too)'
complete -c awsume -n "__fish_awsume_needs_command" -s u -l unset -d 'Unset every variable awsume manages'
complete -c awsume -n "__fish_awsume_needs_command" -l pick -d 'Pick the profile from a list by typing (fuzzy; the ones you use most come first); also what `awsume` alone does on a terminal when no profile is named and there is no default'
complete -c awsume -n "__fish_awsume_needs_command" -l clean -d 'Remove expired awsume-managed profiles from the credentials file'
complete -c awsume -n "__fish_awsume_needs_command" -l login -d 'Sign in as `aws login` does (a console session in the browser on this machine); the profile gets `login_session`, and is then set'
complete -c awsume -n "__fish_awsume_needs_command" -l logout -d 'Forget the profile\'s `aws login` session (its cached credentials and refresh token)'
complete -c awsume -n "__fish_awsume_needs_command" -l refresh-autocomplete -d 'Accepted for Python awsume\'s scripts; completion here needs no cache'
complete -c awsume -n "__fish_awsume_needs_command" -s c -l console -d 'Open the AWS console signed in as the profile (without one: as this shell\'s credentials)'
complete -c awsume -n "__fish_awsume_needs_command" -l console-link -d 'Print the console sign-in link instead (a credential for 15 minutes) [also: -cl]'
complete -c awsume -n "__fish_awsume_needs_command" -l console-opt-in -d 'Turn on the console\'s multi-session support in the browser awsume opens (up to five identities side by side): opens its opt-in page for --region (else the profile\'s, AWS_REGION, us-east-1); resolves no credentials'
complete -c awsume -n "__fish_awsume_needs_command" -l who -l whoami -d 'Show the profile and identity (GetCallerIdentity) of the credentials in this shell'
complete -c awsume -n "__fish_awsume_needs_command" -s a -l auto-refresh -d 'Keep this shell\'s credentials fresh: renewed at a prompt once within `auto-refresh-margin` seconds (setting, default 600) of expiry, without asking again while the MFA session lasts. With -o NAME, profile NAME gets a credential_process that renews for long-running programs'
complete -c awsume -n "__fish_awsume_needs_command" -s k -l kill-refresher -d 'Stop auto-refresh in this shell (the credentials stay as they are)'
complete -c awsume -n "__fish_awsume_needs_command" -l refresh-hook -d 'The prompt hook\'s call: renew the profile in $AWSUME_AUTO_REFRESH, never asking'
complete -c awsume -n "__fish_awsume_needs_command" -s r -l refresh -d 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
complete -c awsume -n "__fish_awsume_needs_command" -l sso-login -d 'Sign in to IAM Identity Center (SSO) again now, even without a terminal'
complete -c awsume -n "__fish_awsume_needs_command" -l no-browser -d 'Print sign-in pages without opening a browser'
complete -c awsume -n "__fish_awsume_needs_command" -l remote -l use-device-code -d 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
complete -c awsume -n "__fish_awsume_needs_command" -l force -d 'With --sso-login: sign out of the IAM Identity Center portal first, so its session\'s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section'
complete -c awsume -n "__fish_awsume_needs_command" -l info -d 'Say on stderr what awsume does (never shows a secret)'
complete -c awsume -n "__fish_awsume_needs_command" -l debug -d 'Explain each step on stderr (never shows a secret)'
complete -c awsume -n "__fish_awsume_needs_command" -s v -l version -d 'Print the version'
complete -c awsume -n "__fish_awsume_needs_command" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_needs_command" -a "init" -d 'Print the shell function and completion for SHELL (load it from your rc file)'
complete -c awsume -n "__fish_awsume_needs_command" -a "export" -d 'Print credentials, run a command with them or write them to a file (aws-export-credentials)'
complete -c awsume -n "__fish_awsume_needs_command" -a "sso" -d 'IAM Identity Center: `sso populate SESSION` writes a profile per account and role'
complete -c awsume -n "__fish_awsume_needs_command" -a "keys" -d 'Long-term access keys in the OS keychain: add, import, list, remove, rotate, export-plaintext'
complete -c awsume -n "__fish_awsume_needs_command" -a "eks" -d 'kubectl and EKS: `eks token` prints the exec plugin\'s credential for a cluster, `eks kubeconfig` writes the kubeconfig entry that runs it'
complete -c awsume -n "__fish_awsume_needs_command" -a "process" -d 'Run another tool\'s credential command once for every caller, its output kept until it is due'
complete -c awsume -n "__fish_awsume_using_subcommand init" -l cmd -d 'Name of the shell function' -r
complete -c awsume -n "__fish_awsume_using_subcommand init" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l profile -d 'Profile to use [default: $AWS_PROFILE, $AWS_DEFAULT_PROFILE; with neither, botocore\'s default chain: environment keys, the default profile, web identity, container, instance metadata]' -r
complete -c awsume -n "__fish_awsume_using_subcommand export" -l format -d 'Print as `aws configure export-credentials --format` does: process (JSON), env, env-no-export, powershell, windows-cmd, or fish' -r -f -a "process\t'credential_process JSON'
env\t'`export NAME=value`'
env-no-export\t'`NAME=value`'
powershell\t'`$Env:NAME="value"`'
windows-cmd\t'`set NAME=value`'
fish\t'`set -gx NAME value`'
sts\t'`aws sts`\'s answer: `{"Credentials": {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}}`, as hooks that run a command for credentials read it (Claude Code\'s `awsCredentialExport`)'"
complete -c awsume -n "__fish_awsume_using_subcommand export" -s c -l credentials-file-profile -d 'Write the credentials into this profile of the credentials file' -r
complete -c awsume -n "__fish_awsume_using_subcommand export" -l imds -d 'Serve the credentials as an IMDSv2 endpoint on [HOST:]PORT (loopback by default)' -r
complete -c awsume -n "__fish_awsume_using_subcommand export" -l container -d 'Serve the credentials as a container credentials endpoint on [HOST:]PORT; clients send $AWS_CONTAINER_AUTHORIZATION_TOKEN (a new one is made and shown when it is unset)' -r
complete -c awsume -n "__fish_awsume_using_subcommand export" -l bind -d 'The address --imds or --container listens on (0.0.0.0: every one) [default: 127.0.0.1]' -r
complete -c awsume -n "__fish_awsume_using_subcommand export" -l cache-file -d 'Reuse credentials cached in this file while they stay valid (temporary credentials only)' -r -F
complete -c awsume -n "__fish_awsume_using_subcommand export" -l cache-expiration-buffer -d 'Minutes before expiry at which cached credentials count as expired' -r
complete -c awsume -n "__fish_awsume_using_subcommand export" -l agent -d 'Scoped credentials (with --exec: served, never keys) for an AI agent or other automation: the role assumed again, read-only by default (agent_policy_arns, agent_policy), for an hour (agent_duration), its session tagged awsume-agent=NAME and its source identity NAME [NAME default: agent]' -r
complete -c awsume -n "__fish_awsume_using_subcommand export" -l region -d 'Region to set and to call STS in' -r
complete -c awsume -n "__fish_awsume_using_subcommand export" -l mfa-token -d 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)' -r
complete -c awsume -n "__fish_awsume_using_subcommand export" -l redirect-port -d 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]' -r
complete -c awsume -n "__fish_awsume_using_subcommand export" -l timeout -d 'Seconds one STS call may take, retries included' -r
complete -c awsume -n "__fish_awsume_using_subcommand export" -l json -d 'Print credential_process JSON (the default)'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l pretty -d 'Indent the JSON'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l env -d 'Print NAME=value lines'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l env-export -d 'Print `export NAME=value` lines'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l exec -d 'Run COMMAND ARGS… with the credentials in its environment: every argument after it is the command\'s'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l serve -d 'With --exec: give the command a credentials endpoint of its own (loopback, its own token) that renews the session while it runs, instead of keys that end; for anything that may outlive the session (a deploy, a long terraform apply). A few old SDKs read only keys from the environment: those need plain --exec [default: the exec-serve setting]'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l allow-remote -d 'With --imds or --container: allow an address beyond loopback (plain HTTP: anyone who reaches it gets the credentials)'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l tls -d 'With --container: HTTPS, with a certificate for this host\'s addresses from a CA awsume makes once (~/.awsume/tls/ca.pem): what a container on a bridge network needs, since the SDKs take plain HTTP only from loopback; any private address may then be bound'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l ensure-temporary -d 'Exchange long-term keys for a session token before output'
complete -c awsume -n "__fish_awsume_using_subcommand export" -s r -l refresh -d 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l sso-login -d 'Sign in to IAM Identity Center (SSO) again now, even without a terminal'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l no-browser -d 'Print sign-in pages without opening a browser'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l remote -l use-device-code -d 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l force -d 'With --sso-login: sign out of the IAM Identity Center portal first, so its session\'s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l info -d 'Say on stderr what awsume does (never shows a secret)'
complete -c awsume -n "__fish_awsume_using_subcommand export" -l debug -d 'Explain each step on stderr (never shows a secret)'
complete -c awsume -n "__fish_awsume_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c awsume -n "__fish_awsume_using_subcommand sso; and not __fish_seen_subcommand_from populate" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_using_subcommand sso; and not __fish_seen_subcommand_from populate" -f -a "populate" -d 'One profile per account and role that [sso-session SESSION] reaches, in ~/.aws/config'
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l template -d 'Profile names: {account_name}, {account_id}, {role_name}, {session} (lower-cased, and characters other tools choke on replaced by `-`)' -r
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l prefix -d 'Put this before every name' -r
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l config-file -d 'AWS config file [default: $AWS_CONFIG_FILE, then ~/.aws/config]' -r -F
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l region -d 'Region to set and to call STS in' -r
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l mfa-token -d 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)' -r
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l redirect-port -d 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]' -r
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l timeout -d 'Seconds one STS call may take, retries included' -r
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l dry-run -d 'Print what would be written; write nothing'
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l prune -d 'Remove profiles this command generated for the session whose access is gone'
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -s r -l refresh -d 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l sso-login -d 'Sign in to IAM Identity Center (SSO) again now, even without a terminal'
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l no-browser -d 'Print sign-in pages without opening a browser'
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l remote -l use-device-code -d 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l force -d 'With --sso-login: sign out of the IAM Identity Center portal first, so its session\'s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section'
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l info -d 'Say on stderr what awsume does (never shows a secret)'
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -l debug -d 'Explain each step on stderr (never shows a secret)'
complete -c awsume -n "__fish_awsume_using_subcommand sso; and __fish_seen_subcommand_from populate" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and not __fish_seen_subcommand_from add import list remove export-plaintext rotate process" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and not __fish_seen_subcommand_from add import list remove export-plaintext rotate process" -f -a "add" -d 'Store a profile\'s keys in the keychain (asked on the terminal, the secret hidden)'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and not __fish_seen_subcommand_from add import list remove export-plaintext rotate process" -f -a "import" -d 'Move keys from ~/.aws/credentials into the keychain (every other byte of the file kept)'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and not __fish_seen_subcommand_from add import list remove export-plaintext rotate process" -f -a "list" -d 'Profiles whose keys are in the keychain, with their access key ids (never a secret)'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and not __fish_seen_subcommand_from add import list remove export-plaintext rotate process" -f -a "remove" -d 'Delete a profile\'s keys from the keychain'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and not __fish_seen_subcommand_from add import list remove export-plaintext rotate process" -f -a "export-plaintext" -d 'Put a profile\'s keys back into ~/.aws/credentials, in plain text'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and not __fish_seen_subcommand_from add import list remove export-plaintext rotate process" -f -a "rotate" -d 'A new access key for the profile\'s IAM user (through its MFA session when it has mfa_serial), checked, stored where the old one was, then the old one deleted'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and not __fish_seen_subcommand_from add import list remove export-plaintext rotate process" -f -a "process" -d 'The credential_process of a keychain profile: its keys as credential_process JSON'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from add" -l env -d 'Take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from import" -l all -d 'Every profile with long-term keys in the credentials file'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from export-plaintext" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l region -d 'Region to set and to call STS in' -r
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l mfa-token -d 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)' -r
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l redirect-port -d 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]' -r
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l timeout -d 'Seconds one STS call may take, retries included' -r
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s r -l refresh -d 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l sso-login -d 'Sign in to IAM Identity Center (SSO) again now, even without a terminal'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l no-browser -d 'Print sign-in pages without opening a browser'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l remote -l use-device-code -d 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l force -d 'With --sso-login: sign out of the IAM Identity Center portal first, so its session\'s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l info -d 'Say on stderr what awsume does (never shows a secret)'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l debug -d 'Explain each step on stderr (never shows a secret)'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_using_subcommand keys; and __fish_seen_subcommand_from process" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and not __fish_seen_subcommand_from token kubeconfig" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and not __fish_seen_subcommand_from token kubeconfig" -f -a "token" -d 'Print an EKS token as kubectl\'s exec plugin wants it (ExecCredential JSON), kept until shortly before it ends'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and not __fish_seen_subcommand_from token kubeconfig" -f -a "kubeconfig" -d 'Add or update the cluster, a user whose exec plugin is `awsume eks token` and a context (made current) in the kubeconfig, as `aws eks update-kubeconfig` does; every other entry and comment kept'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -l cluster -d 'The EKS cluster\'s name (signed into the token as x-k8s-aws-id)' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -l profile -d 'Profile whose credentials sign [default: $AWS_PROFILE; with none, the shell\'s credentials by botocore\'s default chain]' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -l role-arn -d 'Sign as this role, assumed with the profile\'s credentials' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -l region -d 'Region to set and to call STS in' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -l mfa-token -d 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -l redirect-port -d 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -l timeout -d 'Seconds one STS call may take, retries included' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -s r -l refresh -d 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -l sso-login -d 'Sign in to IAM Identity Center (SSO) again now, even without a terminal'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -l no-browser -d 'Print sign-in pages without opening a browser'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -l remote -l use-device-code -d 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -l force -d 'With --sso-login: sign out of the IAM Identity Center portal first, so its session\'s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -l info -d 'Say on stderr what awsume does (never shows a secret)'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -l debug -d 'Explain each step on stderr (never shows a secret)'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from token" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l cluster -d 'The EKS cluster\'s name' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l profile -d 'Profile whose credentials sign the cluster\'s tokens, written into the user entry [default: $AWS_PROFILE; with none, kubectl\'s tokens use the shell\'s credentials]' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l role-arn -d 'Sign the tokens as this role, assumed with the profile\'s credentials' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l alias -d 'The context\'s name [default: the user entry\'s]' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l user-alias -d 'The user entry\'s name [default: the cluster\'s ARN]' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l kubeconfig -d 'The kubeconfig to change [default: of $KUBECONFIG\'s files the one that has the cluster, else its first; without KUBECONFIG ~/.kube/config]' -r -F
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l endpoint -d 'The cluster\'s API server, instead of asking EKS (DescribeCluster); with --ca-file' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l ca-file -d 'The cluster\'s certificate authority (a PEM file), instead of asking EKS; with --endpoint' -r -F
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l region -d 'Region to set and to call STS in' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l mfa-token -d 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l redirect-port -d 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l timeout -d 'Seconds one STS call may take, retries included' -r
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l dry-run -d 'Print the kubeconfig as it would be written, and write nothing'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -s r -l refresh -d 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l sso-login -d 'Sign in to IAM Identity Center (SSO) again now, even without a terminal'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l no-browser -d 'Print sign-in pages without opening a browser'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l remote -l use-device-code -d 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l force -d 'With --sso-login: sign out of the IAM Identity Center portal first, so its session\'s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l info -d 'Say on stderr what awsume does (never shows a secret)'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -l debug -d 'Explain each step on stderr (never shows a secret)'
complete -c awsume -n "__fish_awsume_using_subcommand eks; and __fish_seen_subcommand_from kubeconfig" -s h -l help -d 'Print help'
complete -c awsume -n "__fish_awsume_using_subcommand process" -l profile-key -d 'Keep this command\'s output apart from the same command\'s for other keys (a profile\'s name)' -r
complete -c awsume -n "__fish_awsume_using_subcommand process" -s r -l refresh -d 'Run the command again now, whatever is kept'
complete -c awsume -n "__fish_awsume_using_subcommand process" -s h -l help -d 'Print help'
