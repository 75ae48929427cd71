#!/usr/bin/env bash
# Builds the two Python runtimes Debian 12 lacks, from Debian's own python3.13 source package
# (trixie): CPython 3.13 and the free-threaded 3.13t, installed into
#   ${WSGI_STUDIO_PYTHON_ROOT:-/opt/wsgi-studio/python}/3.13 and .../3.13t
# cmake/PythonRuntimes.cmake finds them there (<root>/*/bin/python3).
#
# A stamp in each prefix records the source version and the configure flags; when it matches and
# the interpreter starts, that runtime is not built again. Build logs go to installers/.cache/logs.
#
# Usage: installers/python-runtimes.sh [--force] [--help]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY_ROOT="${WSGI_STUDIO_PYTHON_ROOT:-/opt/wsgi-studio/python}"
CACHE="$here/.cache"
SRC_PACKAGE=python3.13
SOURCES_FILE=/etc/apt/sources.list.d/wsgi-studio-trixie-src.sources
JOBS="${WSGI_STUDIO_JOBS:-$(nproc)}"
STAMP_NAME=.wsgi-studio-build-stamp
FORCE=0

say() { printf '==> %s\n' "$*"; }
warn() { printf '==> WARNING: %s\n' "$*" >&2; }
die() { printf '==> ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
    cat <<EOF
Usage: $0 [--force] [--help]

Builds CPython 3.13 and free-threaded 3.13t from Debian's $SRC_PACKAGE source package (trixie)
into $PY_ROOT/3.13 and $PY_ROOT/3.13t (set WSGI_STUDIO_PYTHON_ROOT to change the root).
Each takes a few minutes on 2 cores; a runtime whose build stamp matches is skipped.

  --force   rebuild both runtimes even if their stamps match
EOF
}

for arg in "$@"; do
    case "$arg" in
        -h|--help) usage; exit 0 ;;
        --force) FORCE=1 ;;
        *) usage >&2; exit 2 ;;
    esac
done

# Runs a command as root: directly when we are root, otherwise through sudo.
as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        if [[ -t 0 ]]; then sudo "$@"; else sudo -n "$@"; fi
    else
        die "this step needs root and sudo is not installed: run as root: $*"
    fi
}

# True when the current user may create or write $1 (checks the nearest existing ancestor).
writable_path() {
    local p="$1"
    while [[ ! -e "$p" ]]; do p="$(dirname "$p")"; done
    [[ -w "$p" ]]
}

elapsed() { local s=$(( $(date +%s) - $1 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# --- Packages the CPython build needs (tagged [python] in debian-packages.txt) ------------------
check_build_deps() {
    local pkgs=() missing=() line name
    while IFS= read -r line; do
        [[ "$line" == *"[python]"* ]] || continue
        name="${line%%#*}"; name="${name//[[:space:]]/}"
        [[ -n "$name" ]] && pkgs+=("$name")
    done < "$here/debian-packages.txt"
    local installed
    installed="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${pkgs[@]}" 2>/dev/null \
                 | awk '$2 == "installed" { print $1 }')"
    for name in "${pkgs[@]}"; do
        grep -qxF "$name" <<<"$installed" || missing+=("$name")
    done
    if (( ${#missing[@]} )); then
        die "packages needed to build CPython are missing: ${missing[*]}
    Install them with: apt-get install ${missing[*]}   (./installers/bootstrap.sh build does this)"
    fi
}

# --- Debian's python3.13 source package ------------------------------------------------------
ensure_sources_entry() {
    if [[ -f "$SOURCES_FILE" ]]; then
        return 1
    fi
    say "Adding Debian trixie source-only entry (deb-src) to apt: $SOURCES_FILE"
    as_root tee "$SOURCES_FILE" >/dev/null <<'EOF'
# Added by WSGI Tuning Studio's installers/python-runtimes.sh: source packages only (no binaries),
# used to build CPython 3.13 / 3.13t from Debian's python3.13 source package.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    return 0
}

apt_update() {
    say "Updating apt's package indexes (apt-get update)..."
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 update \
        || warn "apt-get update reported errors (see above); continuing with the indexes we have"
}

# Prints the newest version of $SRC_PACKAGE that apt's source indexes know, or nothing.
source_version() {
    local best="" v
    while read -r v; do
        if [[ -z "$best" ]] || dpkg --compare-versions "$v" gt "$best"; then best="$v"; fi
    done < <(apt-cache showsrc --only-source "$SRC_PACKAGE" 2>/dev/null \
             | awk '/^Version:/ { print $2 }')
    printf '%s' "$best"
}

# Downloads the source package (as an unprivileged user) into $1 unless its orig tarball is there.
download_source() {
    local dir="$1" version="$2" upstream="$3"
    if compgen -G "$dir/${SRC_PACKAGE}_${upstream}.orig.tar.*" >/dev/null; then
        return 0
    fi
    mkdir -p "$dir"
    say "Downloading Debian source package $SRC_PACKAGE $version (about 25 MB) into $dir"
    local cmd=(apt-get -q source --download-only "$SRC_PACKAGE=$version")
    if [[ $EUID -eq 0 ]] && id _apt >/dev/null 2>&1; then
        # apt downloads as its unprivileged _apt user when that user can write the directory.
        chown _apt "$dir"
    fi
    if ! (cd "$dir" && "${cmd[@]}"); then
        warn "download failed; refreshing apt's indexes and trying once more"
        apt_update
        (cd "$dir" && "${cmd[@]}") \
            || die "could not download $SRC_PACKAGE $version with apt-get source.
    Check that deb.debian.org is reachable and that $SOURCES_FILE is right, then re-run."
    fi
    if [[ $EUID -eq 0 ]]; then chown -R 0:0 "$dir"; fi
}

# Unpacks the upstream tarball from the source package into $1/upstream (once).
unpack_source() {
    local dir="$1" upstream="$2"
    local src="$dir/upstream"
    if [[ -x "$src/configure" && -f "$src/.unpacked" ]]; then
        printf '%s' "$src"; return 0
    fi
    local tarball
    tarball="$(compgen -G "$dir/${SRC_PACKAGE}_${upstream}.orig.tar.*" | head -n1)"
    [[ -n "$tarball" ]] || die "no ${SRC_PACKAGE}_${upstream}.orig.tar.* in $dir"
    say "Unpacking $(basename "$tarball")" >&2
    rm -rf "$src"; mkdir -p "$src"
    tar -xf "$tarball" -C "$src" --strip-components=1
    [[ -x "$src/configure" ]] || die "$tarball has no configure script at its top"
    touch "$src/.unpacked"
    printf '%s' "$src"
}

# --- One runtime --------------------------------------------------------------------------------
# configure flags for runtime $1 (3.13 or 3.13t), one per line
configure_flags() {
    local name="$1" prefix="$PY_ROOT/$1"
    printf '%s\n' "--prefix=$prefix" --enable-shared
    [[ "$name" == *t ]] && printf '%s\n' --disable-gil
    printf '%s\n' --without-ensurepip --without-system-libmpdec --disable-test-modules \
        "LDFLAGS=-Wl,-rpath,$prefix/lib"
}

stamp_text() {
    local name="$1" version="$2"
    printf 'source: %s %s (Debian trixie source package)\n' "$SRC_PACKAGE" "$version"
    printf 'configure: %s\n' "$(configure_flags "$name" | tr '\n' ' ' | sed 's/ $//')"
}

python_env() { env -u PYTHONHOME -u PYTHONPATH -u PYTHONSTARTUP -u PYTHON_GIL "$@"; }

is_current() {
    local name="$1" version="$2" prefix="$PY_ROOT/$1"
    [[ -f "$prefix/$STAMP_NAME" ]] || return 1
    [[ "$(cat "$prefix/$STAMP_NAME")" == "$(stamp_text "$name" "$version")" ]] || return 1
    python_env "$prefix/bin/python3" -c 'import sys' >/dev/null 2>&1
}

# Modules whose absence means a -dev package was missing when CPython was built.
CHECK_MODULES="ssl sqlite3 ctypes zlib json bz2 lzma _decimal readline _uuid curses dbm.gnu pyexpat hashlib"

verify_runtime() {
    local name="$1" prefix="$PY_ROOT/$1" abi="" py
    [[ "$name" == *t ]] && abi=t
    py="$prefix/bin/python3"
    [[ -f "$prefix/include/python3.13$abi/Python.h" ]] || { echo "no include/python3.13$abi/Python.h"; return 1; }
    [[ -e "$prefix/lib/libpython3.13$abi.so" ]] || { echo "no lib/libpython3.13$abi.so"; return 1; }
    local mods
    mods="$(python_env "$py" -c "
import importlib
bad = []
for m in '$CHECK_MODULES'.split():
    try:
        importlib.import_module(m)
    except Exception as e:
        bad.append('%s (%s)' % (m, e))
print('; '.join(bad))" 2>&1)" || { echo "$py does not start: $mods"; return 1; }
    [[ -z "$mods" ]] || { echo "modules that did not build: $mods"; return 1; }
    local gil
    gil="$(python_env "$py" -c 'import sys, sysconfig; print(sysconfig.get_config_var("Py_GIL_DISABLED"), sys._is_gil_enabled())' 2>&1)" \
        || { echo "GIL check failed: $gil"; return 1; }
    if [[ -n "$abi" ]]; then
        [[ "$gil" == "1 False" ]] || { echo "expected a free-threaded build (1 False), got: $gil"; return 1; }
    else
        [[ "$gil" == "0 True" ]] || { echo "expected a GIL build (0 True), got: $gil"; return 1; }
    fi
    echo "Py_GIL_DISABLED, GIL enabled: $gil"
}

fail_build() {
    local what="$1" log="$2"
    printf '==> ERROR: %s failed. Last lines of the log:\n' "$what" >&2
    tail -n 40 "$log" | sed 's/^/    /' >&2
    die "full log: $log"
}

build_runtime() {
    local name="$1" version="$2" src="$3" prefix="$PY_ROOT/$1"
    local bdir="$CACHE/build/python-$name" log="$CACHE/logs/python-$name.log"
    local flags=()
    mapfile -t flags < <(configure_flags "$name")
    mkdir -p "$CACHE/logs"
    rm -rf "$bdir"; mkdir -p "$bdir"
    : >"$log"
    local t0; t0=$(date +%s)
    say "Building Python $name ($SRC_PACKAGE $version) into $prefix: configure + make -j$JOBS, a few minutes; log: $log"
    (cd "$bdir" && "$src/configure" "${flags[@]}") >>"$log" 2>&1 || fail_build "configure of Python $name" "$log"
    (cd "$bdir" && make -j"$JOBS") >>"$log" 2>&1 || fail_build "make of Python $name" "$log"
    say "Installing Python $name into $prefix (compiled in $(elapsed "$t0"))"
    case "$prefix" in */3.13|*/3.13t) ;; *) die "refusing to replace unexpected prefix $prefix" ;; esac
    local root_cmd=()
    writable_path "$prefix" || root_cmd=(as_root)
    "${root_cmd[@]}" rm -rf "$prefix"
    "${root_cmd[@]}" make -C "$bdir" install >>"$log" 2>&1 || fail_build "make install of Python $name" "$log"
    # A free-threaded install names its interpreter python3.13t; give every prefix a bin/python3.
    if [[ ! -e "$prefix/bin/python3" ]]; then
        "${root_cmd[@]}" ln -s "python3.13${name#3.13}" "$prefix/bin/python3"
    fi
    local result
    result="$(verify_runtime "$name")" || fail_build "verification of Python $name ($result)" "$log"
    stamp_text "$name" "$version" | "${root_cmd[@]}" tee "$prefix/$STAMP_NAME" >/dev/null
    say "Python $name ready in $(elapsed "$t0"): $prefix/bin/python3 ($result)"
}

# --- Main ---------------------------------------------------------------------------------------
main() {
    local t0; t0=$(date +%s)
    local updated=0
    if ensure_sources_entry; then apt_update; updated=1; fi

    local version
    version="$(source_version)"
    if [[ -z "$version" && $updated -eq 0 ]]; then
        say "apt does not know the $SRC_PACKAGE source package yet"
        apt_update; updated=1
        version="$(source_version)"
    fi
    [[ -n "$version" ]] || die "apt knows no $SRC_PACKAGE source package.
    Check $SOURCES_FILE (deb-src for trixie) and that deb.debian.org is reachable, then re-run."

    local todo=() name
    for name in 3.13 3.13t; do
        if [[ $FORCE -eq 0 ]] && is_current "$name" "$version"; then
            say "Python $name already built from $SRC_PACKAGE $version in $PY_ROOT/$name: skipped"
        else
            todo+=("$name")
        fi
    done
    (( ${#todo[@]} )) || return 0

    check_build_deps
    mkdir -p "$CACHE"
    # One build at a time, even if two bootstraps run at once.
    exec 9>"$CACHE/python-runtimes.lock"
    flock -w 3600 9 || die "another python-runtimes.sh has held $CACHE/python-runtimes.lock for an hour"

    local upstream="${version#*:}"; upstream="${upstream%-*}"
    local dir="$CACHE/src/${SRC_PACKAGE}_${version}"
    download_source "$dir" "$version" "$upstream"
    local src; src="$(unpack_source "$dir" "$upstream")"

    for name in "${todo[@]}"; do
        # Another run may have finished it while we waited for the lock.
        if [[ $FORCE -eq 0 ]] && is_current "$name" "$version"; then
            say "Python $name already built from $SRC_PACKAGE $version in $PY_ROOT/$name: skipped"
            continue
        fi
        build_runtime "$name" "$version" "$src"
    done
    say "Python runtimes ready in $PY_ROOT ($(elapsed "$t0"))"
}

main
