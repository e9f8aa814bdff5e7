#!/usr/bin/env bash
# The reliability leg of CI (issue 9), four stages, each timed:
#   1. fault injection, peer misbehaviour, soak and exhaustion tests, fuzz-corpus replay
#      (g++; ctest -L reliability, CI-sized: NETSOCK_SOAK_CYCLES, NETSOCK_MANY_CLIENTS);
#   2. ThreadSanitizer (clang, -fsanitize=thread): the tsan-labelled tests, including the
#      threaded_echo_server example under 16 clients;
#   3. a short fuzzing run of every tests/fuzz target (tools/fuzz.sh, NETSOCK_FUZZ_SECONDS each,
#      default 20).
#   bash tools/ci/reliability.sh
# Needs tests/CMakeLists.txt to contain add_subdirectory(reliability).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tools/ci/lib.sh

netsock_ensure_packages cmake g++ clang clang-14 libclang-rt-14-dev make doctest-dev pkg-config

start=$(date +%s)
stage_start=$start
stage() {
    local now
    now=$(date +%s)
    echo
    echo "=== [reliability +$((now - start))s] $*"
    stage_start=$now
}
stage_done() {
    echo "--- $1: $(($(date +%s) - stage_start)) s"
}

if ! grep -q '^[[:space:]]*add_subdirectory(reliability)' tests/CMakeLists.txt; then
    echo "error: tests/CMakeLists.txt does not add_subdirectory(reliability)" >&2
    exit 1
fi

: "${NETSOCK_SOAK_CYCLES:=100000}"
: "${NETSOCK_MANY_CLIENTS:=10000}"
: "${NETSOCK_FUZZ_SECONDS:=20}"
export NETSOCK_SOAK_CYCLES NETSOCK_MANY_CLIENTS

if [ -n "${NETSOCK_RELIABILITY_SKIP_NATIVE:-}" ]; then
stage "1/3 skipped: the reliability tests already ran in the main suite (tools/test.sh)"
else
stage "1/3 fault injection, peers, soak and exhaustion, corpus replay (g++)"
build=build/reliability
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug \
    -DNETSOCK_BUILD_TESTS=ON -DNETSOCK_BUILD_EXAMPLES=ON >/dev/null
cmake --build "$build" -j2 --target netsock_reliability
ctest --test-dir "$build" -L reliability -j2 --output-on-failure --timeout 600
stage_done "stage 1"
fi

stage "2/3 ThreadSanitizer (clang)"
tsan=build/reliability-tsan
cmake -S . -B "$tsan" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
    -DNETSOCK_SANITIZE=thread -DNETSOCK_BUILD_TESTS=ON -DNETSOCK_BUILD_EXAMPLES=ON >/dev/null
cmake --build "$tsan" -j2 --target netsock_reliability_tsan
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}" \
    ctest --test-dir "$tsan" -L tsan -j2 --output-on-failure --timeout 600
stage_done "stage 2"

stage "3/3 fuzzing, ${NETSOCK_FUZZ_SECONDS} s per target"
bash tools/fuzz.sh "$NETSOCK_FUZZ_SECONDS"
stage_done "stage 3"

echo
echo "reliability: all stages passed in $(($(date +%s) - start)) s"
