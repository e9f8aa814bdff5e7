#!/usr/bin/env bash
# The Windows test suite on Linux: a MinGW-w64 cross build of every test and example (warnings
# are errors), then the whole ctest suite run under Wine (CMAKE_CROSSCOMPILING_EMULATOR):
#   bash tools/test-windows.sh
# Installs what is missing first (apt-get; sudo when not root). Wine runs in a throw-away
# WINEPREFIX that is removed, with its wineserver, however the script ends.
# Environment: NETSOCK_WINDOWS_BUILD (default build/windows), NETSOCK_WINDOWS_JOBS (ctest -j,
# default 2), NETSOCK_WINDOWS_CTEST_ARGS (extra ctest arguments, e.g. "-R unit.windows").
# Tests that Wine cannot run skip themselves at run time and say why; they are listed at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=tools/ci/lib.sh
. tools/ci/lib.sh

netsock_ensure_packages g++-mingw-w64-x86-64-posix wine wine64 doctest-dev cmake make

# Debian's wine64 package; the toolchain file uses it as CMAKE_CROSSCOMPILING_EMULATOR.
wine64=/usr/lib/wine/wine64
if [ ! -x "$wine64" ]; then
    echo "error: $wine64 not found (Debian/Ubuntu package wine64)" >&2
    exit 1
fi

build=${NETSOCK_WINDOWS_BUILD:-build/windows}
jobs=${NETSOCK_WINDOWS_JOBS:-2}
start=$(date +%s)

# Optimised at -O2 (what most users ship) so that warnings that need the optimiser
# (-Wmaybe-uninitialized, ...) are seen; -O3 adds GCC 12 false positives.
cmake -S . -B "$build" \
    -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-x86_64.cmake \
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" \
    -DCMAKE_CXX_STANDARD=17 -DCMAKE_CXX_EXTENSIONS=OFF \
    -DNETSOCK_INSTALL=OFF -DNETSOCK_BUILD_TESTS=ON -DNETSOCK_BUILD_EXAMPLES=ON
if ! grep -q "$wine64" "$build/CTestTestfile.cmake" "$build"/tests/CTestTestfile.cmake 2>/dev/null; then
    echo "error: the tests in $build do not run through $wine64 (CMAKE_CROSSCOMPILING_EMULATOR)" >&2
    exit 1
fi
cmake --build "$build" -j2
built=$(date +%s)

# A throw-away Wine prefix, and its wineserver, removed whatever happens from here on.
WINEPREFIX=$(mktemp -d "${TMPDIR:-/tmp}/netsock-wine.XXXXXX")
export WINEPREFIX
export WINEDEBUG=-all
# shellcheck disable=SC2317 # called through the trap
cleanup() {
    wineserver -k >/dev/null 2>&1 || true
    wineserver -w >/dev/null 2>&1 || true
    rm -rf "$WINEPREFIX"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A persistent wineserver and a prefix initialised once, so that the tests (started in
# parallel by ctest) neither race to create the prefix nor pay for a server start each. wineboot
# also starts Wine's helper processes (services.exe, winedevice.exe) now, with their output on
# /dev/null: started by the first test instead, they would inherit its output pipe and keep ctest
# waiting for it to close. mscoree/mshtml disabled: no attempt to install Wine Mono and Gecko.
wineserver -p >/dev/null 2>&1
WINEDLLOVERRIDES="mscoree,mshtml=" wineboot -i >/dev/null 2>&1
booted=$(date +%s)

# ctest runs in the background so that INT/TERM stop it at once (bash runs traps only between
# foreground commands); the EXIT trap then removes the prefix and every Wine process in it.
read -r -a extra <<< "${NETSOCK_WINDOWS_CTEST_ARGS:-}"
ctest --test-dir "$build" --output-on-failure --timeout 120 -j "$jobs" "${extra[@]}" &
ctest_pid=$!
trap 'kill -INT "$ctest_pid" 2>/dev/null; exit 130' INT
trap 'kill -TERM "$ctest_pid" 2>/dev/null; exit 143' TERM
status=0
wait "$ctest_pid" || status=$?

# Every skip, with its reason (the doctest MESSAGEs that say "skipped", from the test log).
log="$build/Testing/Temporary/LastTest.log"
if [ -f "$log" ]; then
    echo
    echo "Skips reported by the tests:"
    awk '
        / Testing: / { test = $NF }
        /: MESSAGE: / && /skipped/ { sub(/^.*: MESSAGE: /, ""); print "  " test ": " $0 }
    ' "$log" | sort -u || true
fi

end=$(date +%s)
echo
echo "time: build $((built - start)) s, wineboot $((booted - built)) s, ctest $((end - booted)) s, total $((end - start)) s"
exit "$status"
