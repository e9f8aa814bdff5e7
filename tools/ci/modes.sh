#!/usr/bin/env bash
# Language modes and the other layout, on top of tools/test.sh (g++, C++17, include/):
#   1. g++, -std=c++20, against the single header (NETSOCK_SINGLE_HEADER=ON): the whole suite;
#      net::result must be the bundled type (modes.std_expected with OFF).
#   2. clang-19 + libc++-19, -std=c++23, compile-once mode (NETSOCK_TEST_SEPARATE_COMPILATION:
#      every file sees declarations only, each program compiles the implementation once): the
#      whole suite; the only build where net::result is std::expected (modes.std_expected with
#      ON: a static_assert).
#   3. clang-19 + libc++-19 at -std=c++17: the bundled net::result even with a library that has
#      <expected> (compile-time check only).
# Every build also compiles each public header alone and runs the exceptions-off programs
# (modes.no_exceptions, modes.throw_hook.*; tests/modes/). The packaging tests (package.*) run
# only in tools/test.sh. No -g here: these builds are for running, not debugging (-30% time).
#
#   bash tools/ci/modes.sh            # all of the above
#   bash tools/ci/modes.sh cxx20      # one build: cxx20 | cxx23 | cxx17-libcxx
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tools/ci/lib.sh

netsock_ensure_packages cmake make g++ doctest-dev python3 clang-19 libc++-19-dev libc++abi-19-dev libfmt-dev

jobs=2
start=$(date +%s)
step() { echo; echo "--- modes.sh +$(($(date +%s) - start))s: $*"; }

common=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 -DCMAKE_CXX_EXTENSIONS=OFF
        -DNETSOCK_BUILD_TESTS=ON -DNETSOCK_BUILD_EXAMPLES=OFF -DNETSOCK_INSTALL=OFF)
libcxx=(-DCMAKE_CXX_COMPILER=clang++-19 "-DCMAKE_CXX_FLAGS=-stdlib=libc++"
        "-DCMAKE_EXE_LINKER_FLAGS=-stdlib=libc++")

# suite <name> <cmake args...>: configure, build, run every test but the packaging ones.
suite() {
    local name=$1
    shift
    local build=build/modes-$name
    step "$name: configure"
    cmake -S . -B "$build" "${common[@]}" "$@"
    step "$name: build"
    cmake --build "$build" -j"$jobs"
    step "$name: test"
    ctest --test-dir "$build" -j"$jobs" --output-on-failure --timeout 300 -E '^package\.'
}

cxx20() {
    step "cxx20: the committed single header is current (else the suite would test stale code)"
    python3 tools/amalgamate.py --check
    suite cxx20 -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_STANDARD=20 \
        -DNETSOCK_SINGLE_HEADER=ON -DNETSOCK_TEST_EXPECT_STD_EXPECTED=OFF
}

cxx23() {
    suite cxx23 "${libcxx[@]}" -DCMAKE_CXX_STANDARD=23 -DNETSOCK_TEST_EXPECT_STD_EXPECTED=ON \
        -DNETSOCK_TEST_SEPARATE_COMPILATION=ON
}

cxx17_libcxx() {
    step "cxx17-libcxx: net::result is the bundled type at C++17, even with libc++-19"
    local out=build/modes-cxx17-libcxx
    mkdir -p "$out"
    clang++-19 -std=c++17 -stdlib=libc++ -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror \
        -DNETSOCK_TEST_EXPECT_STD_EXPECTED=0 -Iinclude tests/modes/std_expected.cpp \
        -o "$out/std_expected"
    "$out/std_expected"
    echo "ok: bundled net::result at -std=c++17 with libc++-19"
}

if [ $# -eq 0 ]; then
    set -- cxx17-libcxx cxx20 cxx23
fi
for mode in "$@"; do
    case $mode in
        cxx20) cxx20 ;;
        cxx23) cxx23 ;;
        cxx17-libcxx) cxx17_libcxx ;;
        *) echo "modes.sh: unknown mode '$mode' (cxx20, cxx23, cxx17-libcxx)" >&2; exit 2 ;;
    esac
done
step "done: $* in $(($(date +%s) - start)) s"
