#!/usr/bin/env bash
# WSGI Tuning Studio: install what is missing, build, then run the studio or the test suite.
#
#   ./installers/bootstrap.sh run    # install, build, start the studio (headless demo without a display)
#   ./installers/bootstrap.sh test   # install, build, run the whole test suite (ctest)
#   ./installers/bootstrap.sh build  # install and build only
#
# Debian 12. Packages come from installers/debian-packages.txt; the Python 3.13 / 3.13t runtimes
# are built once by installers/python-runtimes.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"

BUILD_DIR=build
DEMO_CONFIG=resources/configs/demo.conf
JOBS="$(nproc)"
START=$(date +%s)

say() { printf '==> %s\n' "$*"; }
warn() { printf '==> WARNING: %s\n' "$*" >&2; }
die() { printf '==> ERROR: %s\n' "$*" >&2; exit 1; }
elapsed() { local s=$(( $(date +%s) - $1 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

usage() {
    cat <<'EOF'
Usage: ./installers/bootstrap.sh COMMAND [ARGS...]

Commands:
  run [ARGS]    install what is missing, build, start the studio (build/bin/wsgi-studio) with a
                local engine serving resources/configs/demo.conf; without a display, run that
                demo headless (the hosting engine alone). ARGS go to the program started.
  test [ARGS]   install what is missing, build, run the whole test suite with ctest;
                exits with ctest's status. ARGS go to ctest (e.g. -L unit, -R Histogram).
  build         install what is missing and build into build/ (binaries in build/bin/)
  --help        this text

Installing needs root (or sudo): Debian packages from installers/debian-packages.txt, and
Python 3.13 / 3.13t built once from Debian's source into ${WSGI_STUDIO_PYTHON_ROOT:-/opt/wsgi-studio/python}
(installers/python-runtimes.sh, a few minutes each). A second run installs nothing.
EOF
}

# Runs a command as root: directly when we are root, otherwise through sudo.
as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        if [[ -t 0 ]]; then sudo "$@"; else sudo -n "$@"; fi
    else
        die "installing needs root and sudo is not installed: re-run as root"
    fi
}

# --- 1. Debian packages -------------------------------------------------------------------------
read_package_list() {
    local line name
    while IFS= read -r line || [[ -n "$line" ]]; do
        name="${line%%#*}"
        name="${name//[[:space:]]/}"
        [[ -n "$name" ]] && printf '%s\n' "$name"
    done < "$here/debian-packages.txt"
}

missing_packages() {
    local installed
    installed="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null \
                 | awk '$2 == "installed" { print $1 }' || true)"
    local p
    for p in "$@"; do
        grep -qxF "$p" <<<"$installed" || printf '%s\n' "$p"
    done
}

install_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        die "this script needs Debian 12 (dpkg and apt-get were not found)"
    fi
    local pkgs missing
    mapfile -t pkgs < <(read_package_list)
    mapfile -t missing < <(missing_packages "${pkgs[@]}")
    if (( ${#missing[@]} == 0 )); then
        say "Debian packages: all ${#pkgs[@]} from installers/debian-packages.txt are installed"
        return 0
    fi
    say "Debian packages: ${#missing[@]} missing: ${missing[*]}"
    local t0; t0=$(date +%s)
    say "Updating apt's package indexes (apt-get update)..."
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 update \
        || warn "apt-get update reported errors (see above); trying the install anyway"
    say "Installing ${#missing[@]} packages with apt-get (this can take several minutes)..."
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 \
            install "${missing[@]}"; then
        die "apt-get install failed (see above). Fix the cause (network, a held package, dpkg
    interrupted: 'dpkg --configure -a'), then re-run this command."
    fi
    mapfile -t missing < <(missing_packages "${missing[@]}")
    (( ${#missing[@]} == 0 )) || die "still not installed after apt-get: ${missing[*]}"
    say "Debian packages installed in $(elapsed "$t0")"
}

# --- 2. Python runtimes -------------------------------------------------------------------------
python_runtimes() {
    say "Python runtimes 3.13 and 3.13t (installers/python-runtimes.sh)"
    "$here/python-runtimes.sh" \
        || die "building the Python runtimes failed (see above). Fix the cause and re-run; finished runtimes are kept."
}

# --- 3. Configure and build ---------------------------------------------------------------------
configure_and_build() {
    local args=(-S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
    if [[ -n "${WSGI_STUDIO_PYTHON_ROOT:-}" ]]; then
        args+=("-DWSGI_STUDIO_PYTHON_ROOT=$WSGI_STUDIO_PYTHON_ROOT")
    fi
    if [[ -f "$BUILD_DIR/CMakeCache.txt" ]] \
        && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$BUILD_DIR/CMakeCache.txt"; then
        die "$BUILD_DIR/ was configured with another generator than Ninja: remove $BUILD_DIR/ and re-run"
    fi
    say "Configuring: cmake ${args[*]}"
    cmake "${args[@]}" \
        || die "cmake configure failed: fix the first CMake Error above and re-run (if $BUILD_DIR/ came from an older checkout, remove it first)."
    local t0; t0=$(date +%s)
    say "Building: cmake --build $BUILD_DIR -j$JOBS (the first build takes a while)..."
    cmake --build "$BUILD_DIR" -j"$JOBS" \
        || die "the build failed (see the first error above). Fix it and re-run; only what changed is rebuilt."
    say "Built in $(elapsed "$t0"); binaries are in $BUILD_DIR/bin/"
}

prepare() {
    install_packages
    python_runtimes
    configure_and_build
}

# --- Commands -----------------------------------------------------------------------------------
cmd_test() {
    prepare
    say "Running the test suite: ctest --test-dir $BUILD_DIR --output-on-failure -j2 --timeout 600 $*"
    local rc=0
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 --timeout 600 "$@" || rc=$?
    if [[ $rc -eq 0 ]]; then
        say "Tests passed (total $(elapsed "$START"))"
    else
        say "Tests FAILED (ctest exit status $rc; total $(elapsed "$START")). Re-run one test with: ctest --test-dir $BUILD_DIR -R NAME --output-on-failure"
    fi
    exit "$rc"
}

demo_url() {
    local listen
    listen="$(awk 'toupper($1) == "LISTEN" { print $2; exit }' "$DEMO_CONFIG" 2>/dev/null || true)"
    [[ -n "$listen" ]] || listen=127.0.0.1:8080
    [[ "$listen" == *:* ]] || listen="127.0.0.1:$listen"
    printf 'http://%s/' "$listen"
}

cmd_run() {
    prepare
    local studio="$BUILD_DIR/bin/wsgi-studio" engine="$BUILD_DIR/bin/wsgi-engine"
    if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
        if [[ -x "$studio" ]]; then
            # The studio opens the file and starts a local engine on it: the window shows it serving.
            (( $# > 0 )) || set -- "$DEMO_CONFIG"
            say "Starting the studio with a local engine: $studio $*"
            say "The demo answers at $(demo_url) once the status bar says 'engine ready'"
            exec "$studio" "$@"
        fi
        say "The studio GUI ($studio) was not built (see the cmake output above): running the headless demo"
    else
        say "No display (\$DISPLAY and \$WAYLAND_DISPLAY are unset): running the headless demo"
    fi
    [[ -x "$engine" ]] || die "the build did not produce $engine, so there is nothing to run yet.
    Check the cmake output above for the hosting/ target; './installers/bootstrap.sh test' runs what exists."
    say "Try it from another terminal: curl $(demo_url)    (Ctrl-C stops the engine)"
    say "Starting: $engine --config $DEMO_CONFIG $*"
    exec "$engine" --config "$DEMO_CONFIG" "$@"
}

cmd_build() {
    prepare
    say "Done (total $(elapsed "$START")). Next: ./installers/bootstrap.sh run, or ./installers/bootstrap.sh test"
}

case "${1:-}" in
    run) shift; cmd_run "$@" ;;
    test) shift; cmd_test "$@" ;;
    build)
        shift
        (( $# == 0 )) || { usage >&2; exit 2; }
        cmd_build ;;
    -h|--help|help) usage ;;
    "") usage >&2; exit 2 ;;
    *) printf 'Unknown command: %s\n\n' "$1" >&2; usage >&2; exit 2 ;;
esac
