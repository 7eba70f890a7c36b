module completions {

  def "nu-complete aws-export-credentials format" [] {
    [ "process" "env" "env-no-export" "powershell" "windows-cmd" "fish" "sts" ]
  }

  # Print AWS credentials, run a command with them, or write them to a file
  export extern aws-export-credentials [
    --profile: string         # Profile to use [default: $AWS_PROFILE, $AWS_DEFAULT_PROFILE; with neither, botocore's default chain: environment keys, the default profile, web identity, container, instance metadata]
    --json                    # Print credential_process JSON (the default)
    --pretty                  # Indent the JSON
    --env                     # Print NAME=value lines
    --env-export              # Print `export NAME=value` lines
    --format: string@"nu-complete aws-export-credentials format" # Print as `aws configure export-credentials --format` does: process (JSON), env, env-no-export, powershell, windows-cmd, or fish
    --exec                    # Run COMMAND ARGS… with the credentials in its environment: every argument after it is the command's
    --serve                   # With --exec: give the command a credentials endpoint of its own (loopback, its own token) that renews the session while it runs, instead of keys that end; for anything that may outlive the session (a deploy, a long terraform apply). A few old SDKs read only keys from the environment: those need plain --exec [default: the exec-serve setting]
    --credentials-file-profile(-c): string # Write the credentials into this profile of the credentials file
    --imds: string            # Serve the credentials as an IMDSv2 endpoint on [HOST:]PORT (loopback by default)
    --container: string       # Serve the credentials as a container credentials endpoint on [HOST:]PORT; clients send $AWS_CONTAINER_AUTHORIZATION_TOKEN (a new one is made and shown when it is unset)
    --allow-remote            # With --imds or --container: allow an address beyond loopback (plain HTTP: anyone who reaches it gets the credentials)
    --tls                     # With --container: HTTPS, with a certificate for this host's addresses from a CA awsume makes once (~/.awsume/tls/ca.pem): what a container on a bridge network needs, since the SDKs take plain HTTP only from loopback; any private address may then be bound
    --bind: string            # The address --imds or --container listens on (0.0.0.0: every one) [default: 127.0.0.1]
    --cache-file: path        # Reuse credentials cached in this file while they stay valid (temporary credentials only)
    --cache-expiration-buffer: string # Minutes before expiry at which cached credentials count as expired
    --ensure-temporary        # Exchange long-term keys for a session token before output
    --agent: string           # Scoped credentials (with --exec: served, never keys) for an AI agent or other automation: the role assumed again, read-only by default (agent_policy_arns, agent_policy), for an hour (agent_duration), its session tagged awsume-agent=NAME and its source identity NAME [NAME default: agent]
    --region: string          # Region to set and to call STS in
    --mfa-token: string       # MFA code, instead of a prompt (or set AWSUME_MFA_TOKEN)
    --refresh(-r)             # Ignore cached sessions (and --cache-file, a kept SAML assertion) and ask STS again
    --sso-login               # Sign in to IAM Identity Center (SSO) again now, even without a terminal
    --no-browser              # Print sign-in pages without opening a browser
    --remote                  # Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows
    --use-device-code         # Sign in with a browser on another device (over SSH, in a container): IAM Identity Center by a device code, `aws login` by pasting the code its page shows
    --force                   # With --sso-login: sign out of the IAM Identity Center portal first, so its session's clock starts again; with --login: forget the console session first; with export -c: overwrite long-term keys you wrote in that section
    --redirect-port: string   # The port on 127.0.0.1 a browser sign-in (IAM Identity Center, aws login) comes back to, so it can be forwarded over SSH in advance [default: sso_redirect_port, login_redirect_port, the redirect-port setting, else any free port]
    --timeout: string         # Seconds one STS call may take, retries included
    --info                    # Say on stderr what awsume does (never shows a secret)
    --debug                   # Explain each step on stderr (never shows a secret)
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
  ]

}

export use completions *
