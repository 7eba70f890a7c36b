# shellcheck shell=bash
# Installs what the tests, the demo and the benchmark need, idempotently. Sourced, not run:
#   source scripts/tools.sh && install_test_tools
# Debian packages for shells and linters, PyPI into .venv, npm into .tools. Nothing else is fetched.

as_root() { if [[ ${EUID} -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# Installs the Debian packages that provide the given commands, when any is missing.
install_debian() {
    local missing=() tool
    for tool in "$@"; do
        command -v "${tool}" >/dev/null || missing+=("${tool}")
    done
    ((${#missing[@]})) || return 0
    apt_install "${missing[@]}"
}

apt_install() {
    echo "installing $* (Debian packages)" >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# A venv at $1 with the requirements file $2, rebuilt only when the file changed.
install_venv() {
    local venv=$1 requirements=$2
    cmp -s "${requirements}" "${venv}/.installed" 2>/dev/null && return 0
    install_debian python3
    # Debian splits venv (and the pip it seeds) out of python3.
    python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
    echo "installing the Python packages of ${requirements} into ${venv}" >&2
    rm -rf "${venv}"
    python3 -m venv "${venv}"
    "${venv}/bin/pip" install -q --disable-pip-version-check -r "${requirements}"
    cp "${requirements}" "${venv}/.installed"
}

NU_VERSION=0.108.0
install_nu() {
    [[ "$(.tools/node_modules/.bin/nu --version 2>/dev/null || true)" == "${NU_VERSION}" ]] && return 0
    echo "installing nushell ${NU_VERSION} (npm) into .tools" >&2
    npm install --prefix .tools --no-audit --no-fund --silent "nushell@${NU_VERSION}" >/dev/null
}

# Node's AWS SDK, a container's SDK in the `export --container --tls` test.
AWS_SDK_JS_VERSION=3.1178.0
install_node_sdk() {
    grep -qs "\"version\": \"${AWS_SDK_JS_VERSION}\"" .tools/node_modules/@aws-sdk/credential-providers/package.json && return 0
    echo "installing @aws-sdk/credential-providers ${AWS_SDK_JS_VERSION} (npm) into .tools" >&2
    npm install --prefix .tools --no-audit --no-fund --silent "@aws-sdk/credential-providers@${AWS_SDK_JS_VERSION}" >/dev/null
}

CARGO_FUZZ_VERSION=0.13.2
install_cargo_fuzz() {
    [[ "$(.tools/cargo/bin/cargo-fuzz --version 2>/dev/null || true)" == "cargo-fuzz ${CARGO_FUZZ_VERSION}" ]] && return 0
    echo "installing cargo-fuzz ${CARGO_FUZZ_VERSION} (crates.io) into .tools" >&2
    cargo install --quiet --locked --root .tools/cargo "cargo-fuzz@${CARGO_FUZZ_VERSION}"
}

CARGO_DENY_VERSION=0.20.2
install_cargo_deny() {
    [[ "$(.tools/cargo/bin/cargo-deny --version 2>/dev/null || true)" == "cargo-deny ${CARGO_DENY_VERSION}" ]] && return 0
    echo "installing cargo-deny ${CARGO_DENY_VERSION} (crates.io) into .tools" >&2
    cargo install --quiet --locked --root .tools/cargo "cargo-deny@${CARGO_DENY_VERSION}"
}

CARGO_DEB_VERSION=3.8.0
install_cargo_deb() {
    [[ "$(.tools/cargo/bin/cargo-deb --version 2>/dev/null || true)" == *"${CARGO_DEB_VERSION}"* ]] && return 0
    echo "installing cargo-deb ${CARGO_DEB_VERSION} (crates.io) into .tools" >&2
    cargo install --quiet --locked --root .tools/cargo "cargo-deb@${CARGO_DEB_VERSION}"
}

# Packs the release build (target/release/awsume, built before) as a Debian package, checks it with
# lintian (no errors) and prints its path.
build_deb() {
    local deb
    # cargo deb prints the package's path last.
    deb=$(PATH="${PWD}/.tools/cargo/bin:${PATH}" cargo deb --locked --no-build 2>/dev/null)
    deb=${deb##*$'\n'}
    with_md5sums "${deb}"
    # lintian's scratch files stay in target/, not /tmp.
    mkdir -p target/lintian
    TMPDIR="${PWD}/target/lintian" lintian --fail-on error --suppress-tags initial-upload-closes-no-bugs "${deb}" >&2
    rm -rf target/lintian
    echo "${deb}"
}

# cargo-deb 3.8 writes no md5sums control file (dpkg --verify and debsums read it): the package is
# unpacked, the sums of its files added, and it is packed again as dpkg-deb packs.
with_md5sums() {
    local deb=$1 root
    root=$(mktemp -d "${PWD}/target/deb-root.XXXXXX")
    dpkg-deb -R "${deb}" "${root}"
    local files=()
    find "${root}" -path "${root}/DEBIAN" -prune -o -type f -printf '%P\0' >"${root}.files"
    mapfile -d '' -t files <"${root}.files"
    rm -f "${root}.files"
    (cd "${root}" && md5sum "${files[@]}" >DEBIAN/md5sums)
    chmod 644 "${root}/DEBIAN/md5sums"
    dpkg-deb --build --root-owner-group "${root}" "${deb}" >/dev/null
    rm -rf "${root}"
}

# Runs each cargo-fuzz target for $1 seconds (stable Rust: no sanitizer); fails on any crash.
run_fuzz() {
    local target log status
    for target in ini ini_targeted saml_assertion devtools_wire escapers; do
        log="fuzz/target/${target}.log"
        mkdir -p fuzz/target
        status=0
        PATH="${PWD}/.tools/cargo/bin:${PATH}" cargo fuzz run --sanitizer none "${target}" -- \
            -max_total_time="$1" -print_final_stats=1 >"${log}" 2>&1 || status=$?
        grep -E '^(stat::number_of_executed_units|SUMMARY)' "${log}" | sed "s/^/fuzz ${target}: /" >&2 || true
        ((status == 0)) || { echo "fuzz target ${target} failed: see ${log} and fuzz/artifacts" >&2; return 1; }
    done
}

# Runs a command and fails when it left anything new in /tmp (tests keep their files in their own
# temporary HOMEs, and remove those).
leaves_tmp_clean() {
    local before after entry left=()
    before=$'\n'$(ls -A /tmp)$'\n'
    "$@"
    after=$(ls -A /tmp)
    while IFS= read -r entry; do
        [[ -z "${entry}" || "${before}" == *$'\n'"${entry}"$'\n'* ]] || left+=("${entry}")
    done <<<"${after}"
    ((${#left[@]} == 0)) || { echo "left behind in /tmp: ${left[*]}" >&2; return 1; }
}

install_test_tools() {
    install_debian zsh fish shellcheck tmux lintian ruby curl
    # A private Secret Service for the keychain tests, and secret-tool to check it independently.
    command -v dbus-daemon >/dev/null || apt_install dbus
    command -v gnome-keyring-daemon >/dev/null || apt_install gnome-keyring
    command -v secret-tool >/dev/null || apt_install libsecret-tools
    # `ip`, for the network namespace that serves the container endpoint at 169.254.170.2.
    command -v ip >/dev/null || apt_install iproute2
    # Debian's Chromium (headless) for SAML sign-ins through a real browser; pgrep to see it gone.
    command -v chromium >/dev/null || apt_install chromium
    command -v pgrep >/dev/null || apt_install procps
    # Xvfb: a desktop Chromium for the console test of a browser that is already running.
    command -v Xvfb >/dev/null || apt_install xvfb
    # kubectl (Debian's kubernetes-client) runs `awsume eks token` from the kubeconfig entry.
    command -v kubectl >/dev/null || apt_install kubernetes-client
    install_venv .venv tests/support/requirements.txt
    install_nu
    install_node_sdk
    install_cargo_fuzz
    install_cargo_deny
    install_cargo_deb
    export AWSUME_TEST_PYTHON="${PWD}/.venv/bin/python"
    export AWSUME_TEST_NU="${PWD}/.tools/node_modules/.bin/nu"
}

# What the platform runs need: mingw and Wine (the Windows build, run), musl-tools (a static Linux
# build), zig's clang from PyPI (the C parts of the macOS type-check), and the Rust targets.
PLATFORM_TARGETS=(x86_64-pc-windows-gnu aarch64-apple-darwin x86_64-unknown-linux-musl)
install_platform_tools() {
    command -v x86_64-w64-mingw32-gcc >/dev/null || apt_install gcc-mingw-w64-x86-64
    command -v wine >/dev/null || apt_install wine64 wine
    command -v musl-gcc >/dev/null || apt_install musl-tools
    local installed
    installed=$(rustup target list --installed)
    local target
    for target in "${PLATFORM_TARGETS[@]}"; do
        [[ "${installed}" == *"${target}"* ]] || rustup target add "${target}"
    done
    install_venv .tools/zig tests/platforms/requirements.txt
}

# Every platform the release builds for, on this Linux machine: Windows built (mingw) and run
# under Wine (tests/platforms/windows.sh), macOS type-checked and linted (zig's clang compiles the C
# parts), a static musl binary built and run. Scratch files of the C compilers stay in target/.
run_platforms() {
    local tmp="${PWD}/target/platform-tmp" home static
    mkdir -p "${tmp}"
    TMPDIR="${tmp}" cargo build --target x86_64-pc-windows-gnu --quiet
    TMPDIR="${tmp}" cargo clippy --target x86_64-pc-windows-gnu --quiet -- -D warnings
    bash tests/platforms/windows.sh
    TMPDIR="${tmp}" CC_aarch64_apple_darwin="${PWD}/tests/platforms/zig-cc-darwin" \
        AR_aarch64_apple_darwin="${PWD}/tests/platforms/zig-ar" \
        cargo clippy --target aarch64-apple-darwin --quiet -- -D warnings
    echo "macos: aarch64-apple-darwin type-checks and lints clean" >&2
    TMPDIR="${tmp}" CC_x86_64_unknown_linux_musl=musl-gcc cargo build --target x86_64-unknown-linux-musl --quiet
    static=target/x86_64-unknown-linux-musl/debug/awsume
    local headers
    headers=$(readelf -l "${static}")
    [[ "${headers}" != *"program interpreter"* ]] || { echo "musl: ${static} is not static" >&2; return 1; }
    home="${tmp}/home"
    mkdir -p "${home}"
    printf '[musl]\naws_access_key_id = AKIAMUSL\naws_secret_access_key = s\n' >"${home}/credentials"
    local exported
    exported=$(env -i HOME="${home}" AWS_SHARED_CREDENTIALS_FILE="${home}/credentials" AWS_CONFIG_FILE="${home}/config" \
        "${static}" export --profile musl --json)
    [[ "${exported}" == *'"AccessKeyId":"AKIAMUSL"'* ]] || { echo "musl: export gave ${exported}" >&2; return 1; }
    echo "musl: a static binary that exports a profile" >&2
    rm -rf "${tmp}"
}

# Starts the test STS (real moto) on a free loopback port; sets STS_SERVER_PID and AWS_ENDPOINT_URL.
# It stops when this shell exits (its stdin is a pipe from us) or on `kill "$STS_SERVER_PID"`.
start_sts() {
    local port
    coproc STS { exec "${PWD}/.venv/bin/python" "${PWD}/tests/support/sts_server.py" 2>/dev/null; }
    # shellcheck disable=SC2154 # coproc sets STS_PID
    export STS_SERVER_PID=${STS_PID}
    read -r -t 60 port _ <&"${STS[0]}" || { echo "the STS server did not start" >&2; return 1; }
    export AWS_ENDPOINT_URL="http://127.0.0.1:${port}/demo/"
}
