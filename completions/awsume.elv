
use builtin;
use str;

set edit:completion:arg-completer[awsume] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'awsume'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'awsume'= {
            cand --profile 'Profile to use when none is given as the first argument'
            cand --shell 'Shell to write commands for with --show-commands [default: from $SHELL]'
            cand --session-name 'Role session name [default: the profile''s role_session_name, then the profile name]'
            cand --role-duration 'Role session duration in seconds [default: the profile''s duration_seconds]'
            cand --external-id 'External id for the role [default: the profile''s external_id]'
            cand --config-file 'AWS config file [default: $AWS_CONFIG_FILE, then ~/.aws/config]'
            cand --credentials-file 'AWS credentials file [default: $AWS_SHARED_CREDENTIALS_FILE, then ~/.aws/credentials]'
            cand -l 'List profiles (profile, type, account, source, MFA, region, role); `more` adds when each profile''s cached session expires'
            cand --list-profiles 'List profiles (profile, type, account, source, MFA, region, role); `more` adds when each profile''s cached session expires'
            cand --role-arn 'Assume this role: an ARN or awsume''s short form [PARTITION:]ACCOUNT:ROLE'
            cand --source-profile 'With --role-arn: the profile whose credentials assume it [default: the shell''s credentials]'
            cand --session-policy 'Session policy for the role: JSON, or file://PATH'
            cand --session-policy-arns 'Managed policy ARNs that limit the role session (comma-separated)'
            cand --source-identity 'Source identity to set on the role session'
            cand -t 'Session tags for the role: Key=Value,…'
            cand --tags 'Session tags for the role: Key=Value,…'
            cand --agent 'Scoped credentials for an AI agent or other automation: the role assumed again, read-only by default (agent_policy_arns, agent_policy), for an hour (agent_duration), its session tagged awsume-agent=NAME and its source identity NAME [NAME default: agent]'
            cand -o 'Also write the credentials into this awsume-managed profile of the credentials file'
            cand --output-profile 'Also write the credentials into this awsume-managed profile of the credentials file'
            cand --json 'With JSON (or - for stdin): set these credentials (awsume''s JSON, credential_process JSON or an STS answer). Alone, after a profile: print that profile''s credentials as awsume''s JSON'
            cand --console-service 'Open the console at a service: an alias (ec2, s3, cfn, ddb…), a console path or a URL [also: -cs]'
            cand --console-service-link 'Print the sign-in link to a service [also: -csl, -cls]'
            cand --console-link-service 'Print the sign-in link to a service [also: -csl, -cls]'
            cand --config 'awsume''s settings: get KEY | set KEY VALUE | reset KEY | clear KEY | list'
            cand --region 'Region to set and to call STS in'
            cand --mfa-token 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)'
            cand --redirect-port 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]'
            cand --timeout 'Seconds one STS call may take, retries included'
            cand --emit 'Machine-readable output for the shell function of SHELL'
            cand -s 'Print the commands that set the variables (the shell function applies them too)'
            cand --show-commands 'Print the commands that set the variables (the shell function applies them too)'
            cand -u 'Unset every variable awsume manages'
            cand --unset 'Unset every variable awsume manages'
            cand --pick 'Pick the profile from a list by typing (fuzzy; the ones you use most come first); also what `awsume` alone does on a terminal when no profile is named and there is no default'
            cand --clean 'Remove expired awsume-managed profiles from the credentials file'
            cand --login 'Sign in as `aws login` does (a console session in the browser on this machine); the profile gets `login_session`, and is then set'
            cand --logout 'Forget the profile''s `aws login` session (its cached credentials and refresh token)'
            cand --refresh-autocomplete 'Accepted for Python awsume''s scripts; completion here needs no cache'
            cand -c 'Open the AWS console signed in as the profile (without one: as this shell''s credentials)'
            cand --console 'Open the AWS console signed in as the profile (without one: as this shell''s credentials)'
            cand --console-link 'Print the console sign-in link instead (a credential for 15 minutes) [also: -cl]'
            cand --console-opt-in 'Turn on the console''s multi-session support in the browser awsume opens (up to five identities side by side): opens its opt-in page for --region (else the profile''s, AWS_REGION, us-east-1); resolves no credentials'
            cand --who 'Show the profile and identity (GetCallerIdentity) of the credentials in this shell'
            cand --whoami 'Show the profile and identity (GetCallerIdentity) of the credentials in this shell'
            cand -a 'Keep this shell''s credentials fresh: renewed at a prompt once within `auto-refresh-margin` seconds (setting, default 600) of expiry, without asking again while the MFA session lasts. With -o NAME, profile NAME gets a credential_process that renews for long-running programs'
            cand --auto-refresh 'Keep this shell''s credentials fresh: renewed at a prompt once within `auto-refresh-margin` seconds (setting, default 600) of expiry, without asking again while the MFA session lasts. With -o NAME, profile NAME gets a credential_process that renews for long-running programs'
            cand -k 'Stop auto-refresh in this shell (the credentials stay as they are)'
            cand --kill-refresher 'Stop auto-refresh in this shell (the credentials stay as they are)'
            cand --refresh-hook 'The prompt hook''s call: renew the profile in $AWSUME_AUTO_REFRESH, never asking'
            cand -r 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
            cand --refresh 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
            cand --sso-login 'Sign in to IAM Identity Center (SSO) again now, even without a terminal'
            cand --no-browser 'Print sign-in pages without opening a browser'
            cand --remote 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
            cand --use-device-code 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
            cand --force 'With --sso-login: sign out of the IAM Identity Center portal first, so its session''s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section'
            cand --info 'Say on stderr what awsume does (never shows a secret)'
            cand --debug 'Explain each step on stderr (never shows a secret)'
            cand -v 'Print the version'
            cand --version 'Print the version'
            cand -h 'Print help'
            cand --help 'Print help'
            cand init 'Print the shell function and completion for SHELL (load it from your rc file)'
            cand export 'Print credentials, run a command with them or write them to a file (aws-export-credentials)'
            cand sso 'IAM Identity Center: `sso populate SESSION` writes a profile per account and role'
            cand keys 'Long-term access keys in the OS keychain: add, import, list, remove, rotate, export-plaintext'
            cand eks 'kubectl and EKS: `eks token` prints the exec plugin''s credential for a cluster, `eks kubeconfig` writes the kubeconfig entry that runs it'
            cand process 'Run another tool''s credential command once for every caller, its output kept until it is due'
        }
        &'awsume;init'= {
            cand --cmd 'Name of the shell function'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'awsume;export'= {
            cand --profile 'Profile to use [default: $AWS_PROFILE, $AWS_DEFAULT_PROFILE; with neither, botocore''s default chain: environment keys, the default profile, web identity, container, instance metadata]'
            cand --format 'Print as `aws configure export-credentials --format` does: process (JSON), env, env-no-export, powershell, windows-cmd, or fish'
            cand -c 'Write the credentials into this profile of the credentials file'
            cand --credentials-file-profile 'Write the credentials into this profile of the credentials file'
            cand --imds 'Serve the credentials as an IMDSv2 endpoint on [HOST:]PORT (loopback by default)'
            cand --container 'Serve the credentials as a container credentials endpoint on [HOST:]PORT; clients send $AWS_CONTAINER_AUTHORIZATION_TOKEN (a new one is made and shown when it is unset)'
            cand --bind 'The address --imds or --container listens on (0.0.0.0: every one) [default: 127.0.0.1]'
            cand --cache-file 'Reuse credentials cached in this file while they stay valid (temporary credentials only)'
            cand --cache-expiration-buffer 'Minutes before expiry at which cached credentials count as expired'
            cand --agent 'Scoped credentials (with --exec: served, never keys) for an AI agent or other automation: the role assumed again, read-only by default (agent_policy_arns, agent_policy), for an hour (agent_duration), its session tagged awsume-agent=NAME and its source identity NAME [NAME default: agent]'
            cand --region 'Region to set and to call STS in'
            cand --mfa-token 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)'
            cand --redirect-port 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]'
            cand --timeout 'Seconds one STS call may take, retries included'
            cand --json 'Print credential_process JSON (the default)'
            cand --pretty 'Indent the JSON'
            cand --env 'Print NAME=value lines'
            cand --env-export 'Print `export NAME=value` lines'
            cand --exec 'Run COMMAND ARGS… with the credentials in its environment: every argument after it is the command''s'
            cand --serve 'With --exec: give the command a credentials endpoint of its own (loopback, its own token) that renews the session while it runs, instead of keys that end; for anything that may outlive the session (a deploy, a long terraform apply). A few old SDKs read only keys from the environment: those need plain --exec [default: the exec-serve setting]'
            cand --allow-remote 'With --imds or --container: allow an address beyond loopback (plain HTTP: anyone who reaches it gets the credentials)'
            cand --tls 'With --container: HTTPS, with a certificate for this host''s addresses from a CA awsume makes once (~/.awsume/tls/ca.pem): what a container on a bridge network needs, since the SDKs take plain HTTP only from loopback; any private address may then be bound'
            cand --ensure-temporary 'Exchange long-term keys for a session token before output'
            cand -r 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
            cand --refresh 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
            cand --sso-login 'Sign in to IAM Identity Center (SSO) again now, even without a terminal'
            cand --no-browser 'Print sign-in pages without opening a browser'
            cand --remote 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
            cand --use-device-code 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
            cand --force 'With --sso-login: sign out of the IAM Identity Center portal first, so its session''s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section'
            cand --info 'Say on stderr what awsume does (never shows a secret)'
            cand --debug 'Explain each step on stderr (never shows a secret)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'awsume;sso'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand populate 'One profile per account and role that [sso-session SESSION] reaches, in ~/.aws/config'
        }
        &'awsume;sso;populate'= {
            cand --template 'Profile names: {account_name}, {account_id}, {role_name}, {session} (lower-cased, and characters other tools choke on replaced by `-`)'
            cand --prefix 'Put this before every name'
            cand --config-file 'AWS config file [default: $AWS_CONFIG_FILE, then ~/.aws/config]'
            cand --region 'Region to set and to call STS in'
            cand --mfa-token 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)'
            cand --redirect-port 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]'
            cand --timeout 'Seconds one STS call may take, retries included'
            cand --dry-run 'Print what would be written; write nothing'
            cand --prune 'Remove profiles this command generated for the session whose access is gone'
            cand -r 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
            cand --refresh 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
            cand --sso-login 'Sign in to IAM Identity Center (SSO) again now, even without a terminal'
            cand --no-browser 'Print sign-in pages without opening a browser'
            cand --remote 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
            cand --use-device-code 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
            cand --force 'With --sso-login: sign out of the IAM Identity Center portal first, so its session''s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section'
            cand --info 'Say on stderr what awsume does (never shows a secret)'
            cand --debug 'Explain each step on stderr (never shows a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'awsume;keys'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Store a profile''s keys in the keychain (asked on the terminal, the secret hidden)'
            cand import 'Move keys from ~/.aws/credentials into the keychain (every other byte of the file kept)'
            cand list 'Profiles whose keys are in the keychain, with their access key ids (never a secret)'
            cand remove 'Delete a profile''s keys from the keychain'
            cand export-plaintext 'Put a profile''s keys back into ~/.aws/credentials, in plain text'
            cand rotate 'A new access key for the profile''s IAM user (through its MFA session when it has mfa_serial), checked, stored where the old one was, then the old one deleted'
            cand process 'The credential_process of a keychain profile: its keys as credential_process JSON'
        }
        &'awsume;keys;add'= {
            cand --env 'Take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'awsume;keys;import'= {
            cand --all 'Every profile with long-term keys in the credentials file'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'awsume;keys;list'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'awsume;keys;remove'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'awsume;keys;export-plaintext'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'awsume;keys;rotate'= {
            cand --region 'Region to set and to call STS in'
            cand --mfa-token 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)'
            cand --redirect-port 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]'
            cand --timeout 'Seconds one STS call may take, retries included'
            cand -r 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
            cand --refresh 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
            cand --sso-login 'Sign in to IAM Identity Center (SSO) again now, even without a terminal'
            cand --no-browser 'Print sign-in pages without opening a browser'
            cand --remote 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
            cand --use-device-code 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
            cand --force 'With --sso-login: sign out of the IAM Identity Center portal first, so its session''s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section'
            cand --info 'Say on stderr what awsume does (never shows a secret)'
            cand --debug 'Explain each step on stderr (never shows a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'awsume;keys;process'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'awsume;eks'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand token 'Print an EKS token as kubectl''s exec plugin wants it (ExecCredential JSON), kept until shortly before it ends'
            cand kubeconfig 'Add or update the cluster, a user whose exec plugin is `awsume eks token` and a context (made current) in the kubeconfig, as `aws eks update-kubeconfig` does; every other entry and comment kept'
        }
        &'awsume;eks;token'= {
            cand --cluster 'The EKS cluster''s name (signed into the token as x-k8s-aws-id)'
            cand --profile 'Profile whose credentials sign [default: $AWS_PROFILE; with none, the shell''s credentials by botocore''s default chain]'
            cand --role-arn 'Sign as this role, assumed with the profile''s credentials'
            cand --region 'Region to set and to call STS in'
            cand --mfa-token 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)'
            cand --redirect-port 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]'
            cand --timeout 'Seconds one STS call may take, retries included'
            cand -r 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
            cand --refresh 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
            cand --sso-login 'Sign in to IAM Identity Center (SSO) again now, even without a terminal'
            cand --no-browser 'Print sign-in pages without opening a browser'
            cand --remote 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
            cand --use-device-code 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
            cand --force 'With --sso-login: sign out of the IAM Identity Center portal first, so its session''s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section'
            cand --info 'Say on stderr what awsume does (never shows a secret)'
            cand --debug 'Explain each step on stderr (never shows a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'awsume;eks;kubeconfig'= {
            cand --cluster 'The EKS cluster''s name'
            cand --profile 'Profile whose credentials sign the cluster''s tokens, written into the user entry [default: $AWS_PROFILE; with none, kubectl''s tokens use the shell''s credentials]'
            cand --role-arn 'Sign the tokens as this role, assumed with the profile''s credentials'
            cand --alias 'The context''s name [default: the user entry''s]'
            cand --user-alias 'The user entry''s name [default: the cluster''s ARN]'
            cand --kubeconfig 'The kubeconfig to change [default: of $KUBECONFIG''s files the one that has the cluster, else its first; without KUBECONFIG ~/.kube/config]'
            cand --endpoint 'The cluster''s API server, instead of asking EKS (DescribeCluster); with --ca-file'
            cand --ca-file 'The cluster''s certificate authority (a PEM file), instead of asking EKS; with --endpoint'
            cand --region 'Region to set and to call STS in'
            cand --mfa-token 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)'
            cand --redirect-port 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]'
            cand --timeout 'Seconds one STS call may take, retries included'
            cand --dry-run 'Print the kubeconfig as it would be written, and write nothing'
            cand -r 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
            cand --refresh 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
            cand --sso-login 'Sign in to IAM Identity Center (SSO) again now, even without a terminal'
            cand --no-browser 'Print sign-in pages without opening a browser'
            cand --remote 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
            cand --use-device-code 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
            cand --force 'With --sso-login: sign out of the IAM Identity Center portal first, so its session''s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section'
            cand --info 'Say on stderr what awsume does (never shows a secret)'
            cand --debug 'Explain each step on stderr (never shows a secret)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'awsume;process'= {
            cand --profile-key 'Keep this command''s output apart from the same command''s for other keys (a profile''s name)'
            cand -r 'Run the command again now, whatever is kept'
            cand --refresh 'Run the command again now, whatever is kept'
            cand -h 'Print help'
            cand --help 'Print help'
        }
    ]
    $completions[$command]
}
