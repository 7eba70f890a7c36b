complete -c aws-export-credentials -l profile -d 'Profile to use [default: $AWS_PROFILE, $AWS_DEFAULT_PROFILE; with neither, botocore\'s default chain: environment keys, the default profile, web identity, container, instance metadata]' -r
complete -c aws-export-credentials -l format -d 'Print as `aws configure export-credentials --format` does: process (JSON), env, env-no-export, powershell, windows-cmd, or fish' -r -f -a "process\t'credential_process JSON'
env\t'`export NAME=value`'
env-no-export\t'`NAME=value`'
powershell\t'`$Env:NAME="value"`'
windows-cmd\t'`set NAME=value`'
fish\t'`set -gx NAME value`'
sts\t'`aws sts`\'s answer: `{"Credentials": {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}}`, as hooks that run a command for credentials read it (Claude Code\'s `awsCredentialExport`)'"
complete -c aws-export-credentials -s c -l credentials-file-profile -d 'Write the credentials into this profile of the credentials file' -r
complete -c aws-export-credentials -l imds -d 'Serve the credentials as an IMDSv2 endpoint on [HOST:]PORT (loopback by default)' -r
complete -c aws-export-credentials -l container -d 'Serve the credentials as a container credentials endpoint on [HOST:]PORT; clients send $AWS_CONTAINER_AUTHORIZATION_TOKEN (a new one is made and shown when it is unset)' -r
complete -c aws-export-credentials -l bind -d 'The address --imds or --container listens on (0.0.0.0: every one) [default: 127.0.0.1]' -r
complete -c aws-export-credentials -l cache-file -d 'Reuse credentials cached in this file while they stay valid (temporary credentials only)' -r -F
complete -c aws-export-credentials -l cache-expiration-buffer -d 'Minutes before expiry at which cached credentials count as expired' -r
complete -c aws-export-credentials -l agent -d 'Scoped credentials (with --exec: served, never keys) for an AI agent or other automation: the role assumed again, read-only by default (agent_policy_arns, agent_policy), for an hour (agent_duration), its session tagged awsume-agent=NAME and its source identity NAME [NAME default: agent]' -r
complete -c aws-export-credentials -l region -d 'Region to set and to call STS in' -r
complete -c aws-export-credentials -l mfa-token -d 'MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)' -r
complete -c aws-export-credentials -l redirect-port -d 'The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]' -r
complete -c aws-export-credentials -l timeout -d 'Seconds one STS call may take, retries included' -r
complete -c aws-export-credentials -l json -d 'Print credential_process JSON (the default)'
complete -c aws-export-credentials -l pretty -d 'Indent the JSON'
complete -c aws-export-credentials -l env -d 'Print NAME=value lines'
complete -c aws-export-credentials -l env-export -d 'Print `export NAME=value` lines'
complete -c aws-export-credentials -l exec -d 'Run COMMAND ARGS… with the credentials in its environment: every argument after it is the command\'s'
complete -c aws-export-credentials -l serve -d 'With --exec: give the command a credentials endpoint of its own (loopback, its own token) that renews the session while it runs, instead of keys that end; for anything that may outlive the session (a deploy, a long terraform apply). A few old SDKs read only keys from the environment: those need plain --exec [default: the exec-serve setting]'
complete -c aws-export-credentials -l allow-remote -d 'With --imds or --container: allow an address beyond loopback (plain HTTP: anyone who reaches it gets the credentials)'
complete -c aws-export-credentials -l tls -d 'With --container: HTTPS, with a certificate for this host\'s addresses from a CA awsume makes once (~/.awsume/tls/ca.pem): what a container on a bridge network needs, since the SDKs take plain HTTP only from loopback; any private address may then be bound'
complete -c aws-export-credentials -l ensure-temporary -d 'Exchange long-term keys for a session token before output'
complete -c aws-export-credentials -s r -l refresh -d 'Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again'
complete -c aws-export-credentials -l sso-login -d 'Sign in to IAM Identity Center (SSO) again now, even without a terminal'
complete -c aws-export-credentials -l no-browser -d 'Print sign-in pages without opening a browser'
complete -c aws-export-credentials -l remote -l use-device-code -d 'Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows'
complete -c aws-export-credentials -l force -d 'With --sso-login: sign out of the IAM Identity Center portal first, so its session\'s clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section'
complete -c aws-export-credentials -l info -d 'Say on stderr what awsume does (never shows a secret)'
complete -c aws-export-credentials -l debug -d 'Explain each step on stderr (never shows a secret)'
complete -c aws-export-credentials -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aws-export-credentials -s V -l version -d 'Print version'
