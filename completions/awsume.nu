module completions {

  def "nu-complete awsume shell" [] {
    [ "bash" "zsh" "fish" "nu" "powershell" ]
  }

  def "nu-complete awsume list_profiles" [] {
    [ "list" "more" ]
  }

  def "nu-complete awsume emit" [] {
    [ "bash" "zsh" "fish" "nu" "powershell" ]
  }

  # Get AWS credentials for any profile and set them in your shell
  export extern awsume [
    --profile: string         # Profile to use when none is given as the first argument
    --show-commands(-s)       # Print the commands that set the variables (the shell function applies them too)
    --unset(-u)               # Unset every variable awsume manages
    --shell: string@"nu-complete awsume shell" # Shell to write commands for with --show-commands [default: from $SHELL]
    --session-name: string    # Role session name [default: the profile's role_session_name, then the profile name]
    --role-duration: string   # Role session duration in seconds [default: the profile's duration_seconds]
    --external-id: string     # External id for the role [default: the profile's external_id]
    --config-file: path       # AWS config file [default: $AWS_CONFIG_FILE, then ~/.aws/config]
    --credentials-file: path  # AWS credentials file [default: $AWS_SHARED_CREDENTIALS_FILE, then ~/.aws/credentials]
    --pick                    # Pick the profile from a list by typing (fuzzy; the ones you use most come first); also what `awsume` alone does on a terminal when no profile is named and there is no default
    --list-profiles(-l): string@"nu-complete awsume list_profiles" # List profiles (profile, type, account, source, MFA, region, role); `more` adds when each profile's cached session expires
    --role-arn: string        # Assume this role: an ARN or awsume's short form [PARTITION:]ACCOUNT:ROLE
    --source-profile: string  # With --role-arn: the profile whose credentials assume it [default: the shell's credentials]
    --session-policy: string  # Session policy for the role: JSON, or file://PATH
    --session-policy-arns: string # Managed policy ARNs that limit the role session (comma-separated)
    --source-identity: string # Source identity to set on the role session
    --tags(-t): string        # Session tags for the role: Key=Value,…
    --agent: string           # Scoped credentials for an AI agent or other automation: the role assumed again, read-only by default (agent_policy_arns, agent_policy), for an hour (agent_duration), its session tagged awsume-agent=NAME and its source identity NAME [NAME default: agent]
    --output-profile(-o): string # Also write the credentials into this awsume-managed profile of the credentials file
    --clean                   # Remove expired awsume-managed profiles from the credentials file
    --json: string            # With JSON (or - for stdin): set these credentials (awsume's JSON, credential_process JSON or an STS answer). Alone, after a profile: print that profile's credentials as awsume's JSON
    --login                   # Sign in as `aws login` does (a console session in the browser on this machine); the profile gets `login_session`, and is then set
    --logout                  # Forget the profile's `aws login` session (its cached credentials and refresh token)
    --refresh-autocomplete    # Accepted for Python awsume's scripts; completion here needs no cache
    --console(-c)             # Open the AWS console signed in as the profile (without one: as this shell's credentials)
    --console-link            # Print the console sign-in link instead (a credential for 15 minutes) [also: -cl]
    --console-service: string # Open the console at a service: an alias (ec2, s3, cfn, ddb…), a console path or a URL [also: -cs]
    --console-service-link: string # Print the sign-in link to a service [also: -csl, -cls]
    --console-link-service: string # Print the sign-in link to a service [also: -csl, -cls]
    --console-opt-in          # Turn on the console's multi-session support in the browser awsume opens (up to five identities side by side): opens its opt-in page for --region (else the profile's, AWS_REGION, us-east-1); resolves no credentials
    --who                     # Show the profile and identity (GetCallerIdentity) of the credentials in this shell
    --whoami                  # Show the profile and identity (GetCallerIdentity) of the credentials in this shell
    --config: string          # awsume's settings: get KEY | set KEY VALUE | reset KEY | clear KEY | list
    --auto-refresh(-a)        # Keep this shell's credentials fresh: renewed at a prompt once within `auto-refresh-margin` seconds (setting, default 600) of expiry, without asking again while the MFA session lasts. With -o NAME, profile NAME gets a credential_process that renews for long-running programs
    --kill-refresher(-k)      # Stop auto-refresh in this shell (the credentials stay as they are)
    --refresh-hook            # The prompt hook's call: renew the profile in $AWSUME_AUTO_REFRESH, never asking
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
    --version(-v)             # Print the version
    --emit: string@"nu-complete awsume emit" # Machine-readable output for the shell function of SHELL
    --help(-h)                # Print help
    profile?: string          # Profile to use [default: $AWS_PROFILE, $AWS_DEFAULT_PROFILE, $AWSUME_DEFAULT_PROFILE, the default-profile setting, then "default"; with none that has credentials, the picker]
  ]

  def "nu-complete awsume init shell" [] {
    [ "bash" "zsh" "fish" "nu" "powershell" ]
  }

  # Print the shell function and completion for SHELL (load it from your rc file)
  export extern "awsume init" [
    --cmd: string             # Name of the shell function
    --help(-h)                # Print help
    shell: string@"nu-complete awsume init shell"
  ]

  def "nu-complete awsume export format" [] {
    [ "process" "env" "env-no-export" "powershell" "windows-cmd" "fish" "sts" ]
  }

  # Print credentials, run a command with them or write them to a file (aws-export-credentials)
  export extern "awsume export" [
    --profile: string         # Profile to use [default: $AWS_PROFILE, $AWS_DEFAULT_PROFILE; with neither, botocore's default chain: environment keys, the default profile, web identity, container, instance metadata]
    --json                    # Print credential_process JSON (the default)
    --pretty                  # Indent the JSON
    --env                     # Print NAME=value lines
    --env-export              # Print `export NAME=value` lines
    --format: string@"nu-complete awsume export format" # Print as `aws configure export-credentials --format` does: process (JSON), env, env-no-export, powershell, windows-cmd, or fish
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
  ]

  # IAM Identity Center: `sso populate SESSION` writes a profile per account and role
  export extern "awsume sso" [
    --help(-h)                # Print help
  ]

  # One profile per account and role that [sso-session SESSION] reaches, in ~/.aws/config
  export extern "awsume sso populate" [
    --template: string        # Profile names: {account_name}, {account_id}, {role_name}, {session} (lower-cased, and characters other tools choke on replaced by `-`)
    --prefix: string          # Put this before every name
    --dry-run                 # Print what would be written; write nothing
    --prune                   # Remove profiles this command generated for the session whose access is gone
    --config-file: path       # AWS config file [default: $AWS_CONFIG_FILE, then ~/.aws/config]
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
    --help(-h)                # Print help
    session: string           # The [sso-session NAME] to sign in with
  ]

  # Long-term access keys in the OS keychain: add, import, list, remove, rotate, export-plaintext
  export extern "awsume keys" [
    --help(-h)                # Print help
  ]

  # Store a profile's keys in the keychain (asked on the terminal, the secret hidden)
  export extern "awsume keys add" [
    --env                     # Take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment
    --help(-h)                # Print help
    profile: string
  ]

  # Move keys from ~/.aws/credentials into the keychain (every other byte of the file kept)
  export extern "awsume keys import" [
    --all                     # Every profile with long-term keys in the credentials file
    --help(-h)                # Print help
    profile?: string
  ]

  # Profiles whose keys are in the keychain, with their access key ids (never a secret)
  export extern "awsume keys list" [
    --help(-h)                # Print help
  ]

  # Delete a profile's keys from the keychain
  export extern "awsume keys remove" [
    --help(-h)                # Print help
    profile: string
  ]

  # Put a profile's keys back into ~/.aws/credentials, in plain text
  export extern "awsume keys export-plaintext" [
    --help(-h)                # Print help
    profile: string
  ]

  # A new access key for the profile's IAM user (through its MFA session when it has mfa_serial), checked, stored where the old one was, then the old one deleted
  export extern "awsume keys rotate" [
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
    --help(-h)                # Print help
    profile: string
  ]

  # The credential_process of a keychain profile: its keys as credential_process JSON
  export extern "awsume keys process" [
    --help(-h)                # Print help
    profile: string
  ]

  # kubectl and EKS: `eks token` prints the exec plugin's credential for a cluster, `eks kubeconfig` writes the kubeconfig entry that runs it
  export extern "awsume eks" [
    --help(-h)                # Print help
  ]

  # Print an EKS token as kubectl's exec plugin wants it (ExecCredential JSON), kept until shortly before it ends
  export extern "awsume eks token" [
    --cluster: string         # The EKS cluster's name (signed into the token as x-k8s-aws-id)
    --profile: string         # Profile whose credentials sign [default: $AWS_PROFILE; with none, the shell's credentials by botocore's default chain]
    --role-arn: string        # Sign as this role, assumed with the profile's credentials
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
    --help(-h)                # Print help
  ]

  # Add or update the cluster, a user whose exec plugin is `awsume eks token` and a context (made current) in the kubeconfig, as `aws eks update-kubeconfig` does; every other entry and comment kept
  export extern "awsume eks kubeconfig" [
    --cluster: string         # The EKS cluster's name
    --profile: string         # Profile whose credentials sign the cluster's tokens, written into the user entry [default: $AWS_PROFILE; with none, kubectl's tokens use the shell's credentials]
    --role-arn: string        # Sign the tokens as this role, assumed with the profile's credentials
    --alias: string           # The context's name [default: the user entry's]
    --user-alias: string      # The user entry's name [default: the cluster's ARN]
    --kubeconfig: path        # The kubeconfig to change [default: of $KUBECONFIG's files the one that has the cluster, else its first; without KUBECONFIG ~/.kube/config]
    --endpoint: string        # The cluster's API server, instead of asking EKS (DescribeCluster); with --ca-file
    --ca-file: path           # The cluster's certificate authority (a PEM file), instead of asking EKS; with --endpoint
    --dry-run                 # Print the kubeconfig as it would be written, and write nothing
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
    --help(-h)                # Print help
  ]

  # Run another tool's credential command once for every caller, its output kept until it is due
  export extern "awsume process" [
    --profile-key: string     # Keep this command's output apart from the same command's for other keys (a profile's name)
    --refresh(-r)             # Run the command again now, whatever is kept
    --help(-h)                # Print help
  ]

}

export use completions *
