#!/usr/bin/env bash
# The Windows build (x86_64-pc-windows-gnu, linked by mingw) run under Wine, against the test STS:
# --version, export in every format, -l, a role with its cached session reused, a credentials-file
# profile written with every other byte kept, keys added to the Windows Credential Manager (Wine's),
# listed, exported and removed, and `init powershell`. Wine 8 (Debian 12) lacks
# bcryptprimitives.dll, where Rust's std takes its random bytes (ProcessPrng): a stand-in built here
# with mingw (tests/platforms/bcryptprimitives.c) goes beside the exe, for the tests only.
# Run by scripts/test after `cargo build --target x86_64-pc-windows-gnu`; leaves nothing behind.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/tools.sh
source scripts/tools.sh

work="${PWD}/target/wine-test"
rm -rf "${work}"
mkdir -p "${work}/bin" "${work}/home/.aws" "${work}/tmp"
# Wine's wrapper, its server and mingw keep their scratch files here, not in /tmp.
export TMPDIR="${work}/tmp"
cp target/x86_64-pc-windows-gnu/debug/awsume.exe "${work}/bin/"
x86_64-w64-mingw32-gcc -shared -O2 -o "${work}/bin/bcryptprimitives.dll" tests/platforms/bcryptprimitives.c -ladvapi32
export WINEPREFIX="${work}/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() {
    kill "${STS_SERVER_PID:-0}" 2>/dev/null || true
    "$(command -v wineserver || echo /usr/lib/wine/wineserver)" -k 2>/dev/null || true
    rm -rf "${work}"
}
trap cleanup EXIT
wine wineboot --init >/dev/null 2>&1
start_sts
export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL%/demo/}/win/"
config=$(winepath -w "${work}/home/.aws/config")
credentials=$(winepath -w "${work}/home/.aws/credentials")
export AWS_CONFIG_FILE="${config}" AWS_SHARED_CREDENTIALS_FILE="${credentials}" AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
printf '[profile role]\nrole_arn = arn:aws:iam::111111111111:role/win\nsource_profile = dev\nregion = eu-west-1\n' \
    >"${work}/home/.aws/config"
printf '# mine, kept\n[dev]\naws_access_key_id = AKIAWINDEV\naws_secret_access_key = win-secret\n\n; and this\n' \
    >"${work}/home/.aws/credentials"

checks=0
win() { wine "${work}/bin/awsume.exe" "$@"; }
# expect WHAT NEEDLE COMMAND...: the command must succeed and print NEEDLE (line ends as Unix's).
expect() {
    local what=$1 needle=$2 out
    shift 2
    out=$("$@")
    out=${out//$'\r'/}
    if [[ "${out}" != *"${needle}"* ]]; then
        echo "windows: ${what}: no ${needle@Q} in ${out@Q}" >&2
        exit 1
    fi
    checks=$((checks + 1))
}
calls() {
    local recorded
    recorded=$(curl -s "${AWS_ENDPOINT_URL%/win/}/_awsume/requests/win")
    python3 -c 'import json,sys; print(" ".join(c["action"] for c in json.loads(sys.argv[1])))' "${recorded}"
}

expect "--version" "awsume " win --version
expect "export --json" '"AccessKeyId":"AKIAWINDEV"' win export --profile dev --json
expect "--format process" '"Version": 1' win export --profile dev --format process
expect "--format env" "export AWS_ACCESS_KEY_ID=AKIAWINDEV" win export --profile dev --format env
# shellcheck disable=SC2016 # PowerShell's own syntax, printed as it is
expect "--format powershell" '$Env:AWS_ACCESS_KEY_ID="AKIAWINDEV"' win export --profile dev --format powershell
expect "--format windows-cmd" "set AWS_ACCESS_KEY_ID=AKIAWINDEV" win export --profile dev --format windows-cmd
expect "--format fish" "set -gx AWS_ACCESS_KEY_ID AKIAWINDEV" win export --profile dev --format fish
expect "-l" "arn:aws:iam::111111111111:role/win" win -l
expect "a role" '"AccountId":"111111111111"' win export --profile role --json
expect "the role again, from its cache" '"AccountId":"111111111111"' win export --profile role --json
expect "one AssumeRole for both" "AssumeRole" calls
recorded=$(calls)
[[ "${recorded}" == "AssumeRole" ]] || { echo "windows: the STS calls were: ${recorded}" >&2; exit 1; }
win export --profile role --credentials-file-profile written >/dev/null
expect "-c keeps every other byte" $'# mine, kept\n[dev]\naws_access_key_id = AKIAWINDEV\naws_secret_access_key = win-secret\n\n; and this\n' \
    cat "${work}/home/.aws/credentials"
expect "-c writes its section" "[written]" cat "${work}/home/.aws/credentials"
AWS_ACCESS_KEY_ID=AKIAWINKEYCHAIN AWS_SECRET_ACCESS_KEY=kc-secret win keys add kc --env 2>/dev/null
expect "keys list" "AKIAWINKEYCHAIN" win keys list
expect "export from the Credential Manager" '"SecretAccessKey":"kc-secret"' win export --profile kc --json
win keys remove kc 2>/dev/null
listed=$(win keys list)
[[ "${listed}" != *AKIAWINKEYCHAIN* ]] || { echo "windows: keys remove left ${listed@Q}" >&2; exit 1; }
checks=$((checks + 1))
expect "init powershell" "function global:awsume" win init powershell
version=$(wine --version)
echo "windows: ${checks} checks passed under ${version}" >&2
