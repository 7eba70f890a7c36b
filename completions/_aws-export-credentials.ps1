
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'aws-export-credentials' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'aws-export-credentials'
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
        'aws-export-credentials' {
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
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
