#!/usr/bin/env bash
# Fails when a C++ file tracked by git differs from the repository's .clang-format, and names each one
# with the command that fixes it. Run by ctest (test "format.clang-format") so CI fails on unformatted code.
#
#   tests/format/check-format.sh          # check
#   tests/format/check-format.sh --fix    # reformat in place
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

clang_format="${CLANG_FORMAT:-clang-format}"
command -v "$clang_format" >/dev/null 2>&1 \
    || { echo "check-format: $clang_format is not installed (Debian package clang-format)" >&2; exit 2; }

mapfile -t files < <(git ls-files -- '*.cpp' '*.h' '*.hpp' '*.cc')
if [[ ${#files[@]} -eq 0 ]]; then
    echo "check-format: no C++ files found by git ls-files" >&2
    exit 2
fi

if [[ "${1:-}" == "--fix" ]]; then
    "$clang_format" -i "${files[@]}"
    echo "check-format: formatted ${#files[@]} files"
    exit 0
fi

bad=()
for f in "${files[@]}"; do
    if ! "$clang_format" --dry-run --Werror "$f" >/dev/null 2>&1; then
        bad+=("$f")
    fi
done
if [[ ${#bad[@]} -gt 0 ]]; then
    echo "check-format: ${#bad[@]} of ${#files[@]} files differ from .clang-format:" >&2
    printf '  %s\n' "${bad[@]}" >&2
    echo "fix with: $clang_format -i <file>   (or tests/format/check-format.sh --fix)" >&2
    exit 1
fi
echo "check-format: all ${#files[@]} C++ files match .clang-format ($("$clang_format" --version | head -1))"
