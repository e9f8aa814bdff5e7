#!/usr/bin/env bash
# Clang build of the tests and examples with AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tools/ci/lib.sh

netsock_ensure_packages cmake clang libclang-rt-14-dev make doctest-dev pkg-config

build=build/asan
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
    -DNETSOCK_SANITIZE=address,undefined \
    -DNETSOCK_BUILD_TESTS=ON -DNETSOCK_BUILD_EXAMPLES=ON
cmake --build "$build" -j2
ASAN_OPTIONS="detect_odr_violation=2:strict_string_checks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
    ctest --test-dir "$build" -j2 --output-on-failure --timeout 300
