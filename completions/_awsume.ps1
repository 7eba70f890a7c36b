
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'awsume' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'awsume'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'awsume' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use when none is given as the first argument')
            [CompletionResult]::new('--shell', '--shell', [CompletionResultType]::ParameterName, 'Shell to write commands for with --show-commands [default: from $SHELL]')
            [CompletionResult]::new('--session-name', '--session-name', [CompletionResultType]::ParameterName, 'Role session name [default: the profile''s role_session_name, then the profile name]')
            [CompletionResult]::new('--role-duration', '--role-duration', [CompletionResultType]::ParameterName, 'Role session duration in seconds [default: the profile''s duration_seconds]')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External id for the role [default: the profile''s external_id]')
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'AWS config file [default: $AWS_CONFIG_FILE, then ~/.aws/config]')
            [CompletionResult]::new('--credentials-file', '--credentials-file', [CompletionResultType]::ParameterName, 'AWS credentials file [default: $AWS_SHARED_CREDENTIALS_FILE, then ~/.aws/credentials]')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'List profiles (profile, type, account, source, MFA, region, role); `more` adds when each profile''s cached session expires')
            [CompletionResult]::new('--list-profiles', '--list-profiles', [CompletionResultType]::ParameterName, 'List profiles (profile, type, account, source, MFA, region, role); `more` adds when each profile''s cached session expires')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'Assume this role: an ARN or awsume''s short form [PARTITION:]ACCOUNT:ROLE')
            [CompletionResult]::new('--source-profile', '--source-profile', [CompletionResultType]::ParameterName, 'With --role-arn: the profile whose credentials assume it [default: the shell''s credentials]')
            [CompletionResult]::new('--session-policy', '--session-policy', [CompletionResultType]::ParameterName, 'Session policy for the role: JSON, or file://PATH')
            [CompletionResult]::new('--session-policy-arns', '--session-policy-arns', [CompletionResultType]::ParameterName, 'Managed policy ARNs that limit the role session (comma-separated)')
            [CompletionResult]::new('--source-identity', '--source-identity', [CompletionResultType]::ParameterName, 'Source identity to set on the role session')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Session tags for the role: Key=Value,…')
            [CompletionResult]::new('--tags', '--tags', [CompletionResultType]::ParameterName, 'Session tags for the role: Key=Value,…')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Scoped credentials for an AI agent or other automation: the role assumed again, read-only by default (agent_policy_arns, agent_policy), for an hour (agent_duration), its session tagged awsume-agent=NAME and its source identity NAME [NAME default: agent]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Also write the credentials into this awsume-managed profile of the credentials file')
            [CompletionResult]::new('--output-profile', '--output-profile', [CompletionResultType]::ParameterName, 'Also write the credentials into this awsume-managed profile of the credentials file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'With JSON (or - for stdin): set these credentials (awsume''s JSON, credential_process JSON or an STS answer). Alone, after a profile: print that profile''s credentials as awsume''s JSON')
            [CompletionResult]::new('--console-service', '--console-service', [CompletionResultType]::ParameterName, 'Open the console at a service: an alias (ec2, s3, cfn, ddb…), a console path or a URL [also: -cs]')
            [CompletionResult]::new('--console-service-link', '--console-service-link', [CompletionResultType]::ParameterName, 'Print the sign-in link to a service [also: -csl, -cls]')
            [CompletionResult]::new('--console-link-service', '--console-link-service', [CompletionResultType]::ParameterName, 'Print the sign-in link to a service [also: -csl, -cls]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'awsume''s settings: get KEY | set KEY VALUE | reset KEY | clear KEY | list')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region to set and to call STS in')
            [CompletionResult]::new('--mfa-token', '--mfa-token', [CompletionResultType]::ParameterName, 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)')
            [CompletionResult]::new('--redirect-port', '--redirect-port', [CompletionResultType]::ParameterName, 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one STS call may take, retries included')
            [CompletionResult]::new('--emit', '--emit', [CompletionResultType]::ParameterName, 'Machine-readable output for the shell function of SHELL')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Print the commands that set the variables (the shell function applies them too)')
            [CompletionResult]::new('--show-commands', '--show-commands', [CompletionResultType]::ParameterName, 'Print the commands that set the variables (the shell function applies them too)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Unset every variable awsume manages')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Unset every variable awsume manages')
            [CompletionResult]::new('--pick', '--pick', [CompletionResultType]::ParameterName, 'Pick the profile from a list by typing (fuzzy; the ones you use most come first); also what `awsume` alone does on a terminal when no profile is named and there is no default')
            [CompletionResult]::new('--clean', '--clean', [CompletionResultType]::ParameterName, 'Remove expired awsume-managed profiles from the credentials file')
            [CompletionResult]::new('--login', '--login', [CompletionResultType]::ParameterName, 'Sign in as `aws login` does (a console session in the browser on this machine); the profile gets `login_session`, and is then set')
            [CompletionResult]::new('--logout', '--logout', [CompletionResultType]::ParameterName, 'Forget the profile''s `aws login` session (its cached credentials and refresh token)')
            [CompletionResult]::new('--refresh-autocomplete', '--refresh-autocomplete', [CompletionResultType]::ParameterName, 'Accepted for Python awsume''s scripts; completion here needs no cache')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Open the AWS console signed in as the profile (without one: as this shell''s credentials)')
            [CompletionResult]::new('--console', '--console', [CompletionResultType]::ParameterName, 'Open the AWS console signed in as the profile (without one: as this shell''s credentials)')
            [CompletionResult]::new('--console-link', '--console-link', [CompletionResultType]::ParameterName, 'Print the console sign-in link instead (a credential for 15 minutes) [also: -cl]')
            [CompletionResult]::new('--console-opt-in', '--console-opt-in', [CompletionResultType]::ParameterName, 'Turn on the console''s multi-session support in the browser awsume opens (up to five identities side by side): opens its opt-in page for --region (else the profile''s, AWS_REGION, us-east-1); resolves no credentials')
            [CompletionResult]::new('--who', '--who', [CompletionResultType]::ParameterName, 'Show the profile and identity (GetCallerIdentity) of the credentials in this shell')
            [CompletionResult]::new('--whoami', '--whoami', [CompletionResultType]::ParameterName, 'Show the profile and identity (GetCallerIdentity) of the credentials in this shell')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Keep this shell''s credentials fresh: renewed at a prompt once within `auto-refresh-margin` seconds (setting, default 600) of expiry, without asking again while the MFA session lasts. With -o NAME, profile NAME gets a credential_process that renews for long-running programs')
            [CompletionResult]::new('--auto-refresh', '--auto-refresh', [CompletionResultType]::ParameterName, 'Keep this shell''s credentials fresh: renewed at a prompt once within `auto-refresh-margin` seconds (setting, default 600) of expiry, without asking again while the MFA session lasts. With -o NAME, profile NAME gets a credential_process that renews for long-running programs')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Stop auto-refresh in this shell (the credentials stay as they are)')
            [CompletionResult]::new('--kill-refresher', '--kill-refresher', [CompletionResultType]::ParameterName, 'Stop auto-refresh in this shell (the credentials stay as they are)')
            [CompletionResult]::new('--refresh-hook', '--refresh-hook', [CompletionResultType]::ParameterName, 'The prompt hook''s call: renew the profile in $AWSUME_AUTO_REFRESH, never asking')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again')
            [CompletionResult]::new('--sso-login', '--sso-login', [CompletionResultType]::ParameterName, 'Sign in to IAM Identity Center (SSO) again now, even without a terminal')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Print sign-in pages without opening a browser')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows')
            [CompletionResult]::new('--use-device-code', '--use-device-code', [CompletionResultType]::ParameterName, 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --sso-login: sign out of the IAM Identity Center portal first, so its session''s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section')
            [CompletionResult]::new('--info', '--info', [CompletionResultType]::ParameterName, 'Say on stderr what awsume does (never shows a secret)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Explain each step on stderr (never shows a secret)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print the version')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Print the shell function and completion for SHELL (load it from your rc file)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print credentials, run a command with them or write them to a file (aws-export-credentials)')
            [CompletionResult]::new('sso', 'sso', [CompletionResultType]::ParameterValue, 'IAM Identity Center: `sso populate SESSION` writes a profile per account and role')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Long-term access keys in the OS keychain: add, import, list, remove, rotate, export-plaintext')
            [CompletionResult]::new('eks', 'eks', [CompletionResultType]::ParameterValue, 'kubectl and EKS: `eks token` prints the exec plugin''s credential for a cluster, `eks kubeconfig` writes the kubeconfig entry that runs it')
            [CompletionResult]::new('process', 'process', [CompletionResultType]::ParameterValue, 'Run another tool''s credential command once for every caller, its output kept until it is due')
            break
        }
        'awsume;init' {
            [CompletionResult]::new('--cmd', '--cmd', [CompletionResultType]::ParameterName, 'Name of the shell function')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'awsume;export' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use [default: $AWS_PROFILE, $AWS_DEFAULT_PROFILE; with neither, botocore''s default chain: environment keys, the default profile, web identity, container, instance metadata]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Print as `aws configure export-credentials --format` does: process (JSON), env, env-no-export, powershell, windows-cmd, or fish')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Write the credentials into this profile of the credentials file')
            [CompletionResult]::new('--credentials-file-profile', '--credentials-file-profile', [CompletionResultType]::ParameterName, 'Write the credentials into this profile of the credentials file')
            [CompletionResult]::new('--imds', '--imds', [CompletionResultType]::ParameterName, 'Serve the credentials as an IMDSv2 endpoint on [HOST:]PORT (loopback by default)')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'Serve the credentials as a container credentials endpoint on [HOST:]PORT; clients send $AWS_CONTAINER_AUTHORIZATION_TOKEN (a new one is made and shown when it is unset)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'The address --imds or --container listens on (0.0.0.0: every one) [default: 127.0.0.1]')
            [CompletionResult]::new('--cache-file', '--cache-file', [CompletionResultType]::ParameterName, 'Reuse credentials cached in this file while they stay valid (temporary credentials only)')
            [CompletionResult]::new('--cache-expiration-buffer', '--cache-expiration-buffer', [CompletionResultType]::ParameterName, 'Minutes before expiry at which cached credentials count as expired')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Scoped credentials (with --exec: served, never keys) for an AI agent or other automation: the role assumed again, read-only by default (agent_policy_arns, agent_policy), for an hour (agent_duration), its session tagged awsume-agent=NAME and its source identity NAME [NAME default: agent]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region to set and to call STS in')
            [CompletionResult]::new('--mfa-token', '--mfa-token', [CompletionResultType]::ParameterName, 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)')
            [CompletionResult]::new('--redirect-port', '--redirect-port', [CompletionResultType]::ParameterName, 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one STS call may take, retries included')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print credential_process JSON (the default)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Indent the JSON')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Print NAME=value lines')
            [CompletionResult]::new('--env-export', '--env-export', [CompletionResultType]::ParameterName, 'Print `export NAME=value` lines')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Run COMMAND ARGS… with the credentials in its environment: every argument after it is the command''s')
            [CompletionResult]::new('--serve', '--serve', [CompletionResultType]::ParameterName, 'With --exec: give the command a credentials endpoint of its own (loopback, its own token) that renews the session while it runs, instead of keys that end; for anything that may outlive the session (a deploy, a long terraform apply). A few old SDKs read only keys from the environment: those need plain --exec [default: the exec-serve setting]')
            [CompletionResult]::new('--allow-remote', '--allow-remote', [CompletionResultType]::ParameterName, 'With --imds or --container: allow an address beyond loopback (plain HTTP: anyone who reaches it gets the credentials)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'With --container: HTTPS, with a certificate for this host''s addresses from a CA awsume makes once (~/.awsume/tls/ca.pem): what a container on a bridge network needs, since the SDKs take plain HTTP only from loopback; any private address may then be bound')
            [CompletionResult]::new('--ensure-temporary', '--ensure-temporary', [CompletionResultType]::ParameterName, 'Exchange long-term keys for a session token before output')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again')
            [CompletionResult]::new('--sso-login', '--sso-login', [CompletionResultType]::ParameterName, 'Sign in to IAM Identity Center (SSO) again now, even without a terminal')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Print sign-in pages without opening a browser')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows')
            [CompletionResult]::new('--use-device-code', '--use-device-code', [CompletionResultType]::ParameterName, 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --sso-login: sign out of the IAM Identity Center portal first, so its session''s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section')
            [CompletionResult]::new('--info', '--info', [CompletionResultType]::ParameterName, 'Say on stderr what awsume does (never shows a secret)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Explain each step on stderr (never shows a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'awsume;sso' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('populate', 'populate', [CompletionResultType]::ParameterValue, 'One profile per account and role that [sso-session SESSION] reaches, in ~/.aws/config')
            break
        }
        'awsume;sso;populate' {
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'Profile names: {account_name}, {account_id}, {role_name}, {session} (lower-cased, and characters other tools choke on replaced by `-`)')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Put this before every name')
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'AWS config file [default: $AWS_CONFIG_FILE, then ~/.aws/config]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region to set and to call STS in')
            [CompletionResult]::new('--mfa-token', '--mfa-token', [CompletionResultType]::ParameterName, 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)')
            [CompletionResult]::new('--redirect-port', '--redirect-port', [CompletionResultType]::ParameterName, 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one STS call may take, retries included')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be written; write nothing')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Remove profiles this command generated for the session whose access is gone')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again')
            [CompletionResult]::new('--sso-login', '--sso-login', [CompletionResultType]::ParameterName, 'Sign in to IAM Identity Center (SSO) again now, even without a terminal')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Print sign-in pages without opening a browser')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows')
            [CompletionResult]::new('--use-device-code', '--use-device-code', [CompletionResultType]::ParameterName, 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --sso-login: sign out of the IAM Identity Center portal first, so its session''s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section')
            [CompletionResult]::new('--info', '--info', [CompletionResultType]::ParameterName, 'Say on stderr what awsume does (never shows a secret)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Explain each step on stderr (never shows a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'awsume;keys' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Store a profile''s keys in the keychain (asked on the terminal, the secret hidden)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Move keys from ~/.aws/credentials into the keychain (every other byte of the file kept)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Profiles whose keys are in the keychain, with their access key ids (never a secret)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete a profile''s keys from the keychain')
            [CompletionResult]::new('export-plaintext', 'export-plaintext', [CompletionResultType]::ParameterValue, 'Put a profile''s keys back into ~/.aws/credentials, in plain text')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'A new access key for the profile''s IAM user (through its MFA session when it has mfa_serial), checked, stored where the old one was, then the old one deleted')
            [CompletionResult]::new('process', 'process', [CompletionResultType]::ParameterValue, 'The credential_process of a keychain profile: its keys as credential_process JSON')
            break
        }
        'awsume;keys;add' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'awsume;keys;import' {
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every profile with long-term keys in the credentials file')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'awsume;keys;list' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'awsume;keys;remove' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'awsume;keys;export-plaintext' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'awsume;keys;rotate' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region to set and to call STS in')
            [CompletionResult]::new('--mfa-token', '--mfa-token', [CompletionResultType]::ParameterName, 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)')
            [CompletionResult]::new('--redirect-port', '--redirect-port', [CompletionResultType]::ParameterName, 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one STS call may take, retries included')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again')
            [CompletionResult]::new('--sso-login', '--sso-login', [CompletionResultType]::ParameterName, 'Sign in to IAM Identity Center (SSO) again now, even without a terminal')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Print sign-in pages without opening a browser')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows')
            [CompletionResult]::new('--use-device-code', '--use-device-code', [CompletionResultType]::ParameterName, 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --sso-login: sign out of the IAM Identity Center portal first, so its session''s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section')
            [CompletionResult]::new('--info', '--info', [CompletionResultType]::ParameterName, 'Say on stderr what awsume does (never shows a secret)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Explain each step on stderr (never shows a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'awsume;keys;process' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'awsume;eks' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print an EKS token as kubectl''s exec plugin wants it (ExecCredential JSON), kept until shortly before it ends')
            [CompletionResult]::new('kubeconfig', 'kubeconfig', [CompletionResultType]::ParameterValue, 'Add or update the cluster, a user whose exec plugin is `awsume eks token` and a context (made current) in the kubeconfig, as `aws eks update-kubeconfig` does; every other entry and comment kept')
            break
        }
        'awsume;eks;token' {
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The EKS cluster''s name (signed into the token as x-k8s-aws-id)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile whose credentials sign [default: $AWS_PROFILE; with none, the shell''s credentials by botocore''s default chain]')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'Sign as this role, assumed with the profile''s credentials')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region to set and to call STS in')
            [CompletionResult]::new('--mfa-token', '--mfa-token', [CompletionResultType]::ParameterName, 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)')
            [CompletionResult]::new('--redirect-port', '--redirect-port', [CompletionResultType]::ParameterName, 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one STS call may take, retries included')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again')
            [CompletionResult]::new('--sso-login', '--sso-login', [CompletionResultType]::ParameterName, 'Sign in to IAM Identity Center (SSO) again now, even without a terminal')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Print sign-in pages without opening a browser')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows')
            [CompletionResult]::new('--use-device-code', '--use-device-code', [CompletionResultType]::ParameterName, 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --sso-login: sign out of the IAM Identity Center portal first, so its session''s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section')
            [CompletionResult]::new('--info', '--info', [CompletionResultType]::ParameterName, 'Say on stderr what awsume does (never shows a secret)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Explain each step on stderr (never shows a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'awsume;eks;kubeconfig' {
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The EKS cluster''s name')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile whose credentials sign the cluster''s tokens, written into the user entry [default: $AWS_PROFILE; with none, kubectl''s tokens use the shell''s credentials]')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'Sign the tokens as this role, assumed with the profile''s credentials')
            [CompletionResult]::new('--alias', '--alias', [CompletionResultType]::ParameterName, 'The context''s name [default: the user entry''s]')
            [CompletionResult]::new('--user-alias', '--user-alias', [CompletionResultType]::ParameterName, 'The user entry''s name [default: the cluster''s ARN]')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'The kubeconfig to change [default: of $KUBECONFIG''s files the one that has the cluster, else its first; without KUBECONFIG ~/.kube/config]')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'The cluster''s API server, instead of asking EKS (DescribeCluster); with --ca-file')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'The cluster''s certificate authority (a PEM file), instead of asking EKS; with --endpoint')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region to set and to call STS in')
            [CompletionResult]::new('--mfa-token', '--mfa-token', [CompletionResultType]::ParameterName, 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)')
            [CompletionResult]::new('--redirect-port', '--redirect-port', [CompletionResultType]::ParameterName, 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one STS call may take, retries included')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the kubeconfig as it would be written, and write nothing')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again')
            [CompletionResult]::new('--sso-login', '--sso-login', [CompletionResultType]::ParameterName, 'Sign in to IAM Identity Center (SSO) again now, even without a terminal')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Print sign-in pages without opening a browser')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows')
            [CompletionResult]::new('--use-device-code', '--use-device-code', [CompletionResultType]::ParameterName, 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --sso-login: sign out of the IAM Identity Center portal first, so its session''s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section')
            [CompletionResult]::new('--info', '--info', [CompletionResultType]::ParameterName, 'Say on stderr what awsume does (never shows a secret)')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Explain each step on stderr (never shows a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'awsume;process' {
            [CompletionResult]::new('--profile-key', '--profile-key', [CompletionResultType]::ParameterName, 'Keep this command''s output apart from the same command''s for other keys (a profile''s name)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Run the command again now, whatever is kept')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Run the command again now, whatever is kept')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
