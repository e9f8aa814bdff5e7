#!/usr/bin/env bash
# MinGW-w64 cross build (Windows x86_64) of every test and example: compile and link only, for
# machines without Wine. CI (.ci/run) runs tools/test-windows.sh instead, which builds the same
# targets with the same flags and then runs the whole suite under Wine.
# Optimised at -O2 (what most users ship) so that warnings that need the optimiser
# (-Wmaybe-uninitialized, ...) are seen; -O3 adds GCC 12 false positives.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tools/ci/lib.sh

netsock_ensure_packages cmake make g++-mingw-w64-x86-64-posix doctest-dev

build=build/mingw
cmake -S . -B "$build" \
    -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-x86_64.cmake \
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" \
    -DCMAKE_CXX_STANDARD=17 -DCMAKE_CXX_EXTENSIONS=OFF \
    -DNETSOCK_INSTALL=OFF -DNETSOCK_BUILD_TESTS=ON -DNETSOCK_BUILD_EXAMPLES=ON
cmake --build "$build" -j2
