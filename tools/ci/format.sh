#!/usr/bin/env bash
# The C++ sources follow .clang-format (clang-format 14, Debian's `clang-format` package):
#   bash tools/ci/format.sh          # check: list the files that differ, exit 1 if any
#   bash tools/ci/format.sh --fix    # reformat them in place
# Checked: every tracked .hpp/.ipp/.cpp/.h except the generated single header
# (tools/amalgamate.py makes it from the formatted headers).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tools/ci/lib.sh
netsock_ensure_packages clang-format

fix=0
case "${1:-}" in
    --fix) fix=1 ;;
    "") ;;
    *) echo "usage: bash tools/ci/format.sh [--fix]" >&2; exit 2 ;;
esac

mapfile -t files < <(git ls-files '*.hpp' '*.ipp' '*.cpp' '*.h' | grep -v '^single_include/')
if [ "$fix" = 1 ]; then
    clang-format -i "${files[@]}"
    echo "formatted ${#files[@]} files"
    exit 0
fi
differ=()
for f in "${files[@]}"; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        differ+=("$f")
    fi
done
if [ "${#differ[@]}" -ne 0 ]; then
    echo "these files differ from .clang-format ($(clang-format --version)):" >&2
    printf '  %s\n' "${differ[@]}" >&2
    echo "fix: bash tools/ci/format.sh --fix" >&2
    exit 1
fi
echo "${#files[@]} files follow .clang-format"
