#!/usr/bin/env bash
# Build the libFuzzer targets of tests/fuzz/ (clang, -fsanitize=fuzzer,address,undefined) and
# run each for SECONDS (default 60):
#   bash tools/fuzz.sh [--merge] [SECONDS] [TARGET...]
# Targets: address_parse, recv_framing, and http_request when examples/http exists.
# Each target fuzzes into build/fuzz/corpus/<target> (kept between runs), seeded from
# tests/fuzz/corpus/<target>. A crash, a leak, a UBSan report or a timeout (10 s per input)
# fails the run: the input is saved under build/fuzz/artifacts/<target>/, and the fix is
# recorded by copying it into tests/fuzz/corpus/<target>/ (the CTest replay then keeps it as
# a regression test). --merge adds the inputs that reach new coverage to tests/fuzz/corpus/.
# Environment: CXX (default clang++-14, else clang++), NETSOCK_FUZZ_JOBS (parallel workers).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. tools/ci/lib.sh

merge=0
if [ "${1:-}" = "--merge" ]; then
    merge=1
    shift
fi
seconds=${1:-60}
case $seconds in '' | *[!0-9]*) echo "usage: $0 [--merge] [SECONDS] [TARGET...]" >&2; exit 2 ;; esac
shift || true

netsock_ensure_packages clang-14 libclang-rt-14-dev
cxx=${CXX:-}
if [ -z "$cxx" ]; then
    if command -v clang++-14 >/dev/null 2>&1; then cxx=clang++-14; else cxx=clang++; fi
fi

all_targets=(address_parse recv_framing)
if [ -f examples/http/http_parser.hpp ] && [ -f tests/fuzz/http_request.cpp ]; then
    all_targets+=(http_request)
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

out=build/fuzz
mkdir -p "$out/bin"
flags=(-std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer -pthread -Iinclude -Itests/fuzz)
declare -A extra=(
    [recv_framing]="-DNETSOCK_FAULT_INJECTION"
    [http_request]="-Iexamples/http"
)

# Parallel jobs only on request: libFuzzer then runs worker processes logging to fuzz-N.log.
jobs=()
if [ -n "${NETSOCK_FUZZ_JOBS:-}" ] && [ "${NETSOCK_FUZZ_JOBS}" -gt 1 ]; then
    jobs=(-jobs="$NETSOCK_FUZZ_JOBS" -workers="$NETSOCK_FUZZ_JOBS")
fi

status=0
summary=()
for t in "${targets[@]}"; do
    src=tests/fuzz/$t.cpp
    [ -f "$src" ] || { echo "fuzz.sh: no target $src" >&2; exit 2; }
    echo "=== $t: build"
    # shellcheck disable=SC2086 # extra flags are word lists
    "$cxx" "${flags[@]}" ${extra[$t]:-} "$src" -o "$out/bin/$t"
    seeds=tests/fuzz/corpus/$t
    work=$out/corpus/$t
    artifacts=$out/artifacts/$t
    mkdir -p "$work" "$artifacts" "$seeds"
    echo "=== $t: fuzzing for ${seconds}s (seeds: $(find "$seeds" -type f | wc -l))"
    log=$out/$t.log
    rc=0
    ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
        "$out/bin/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 "${jobs[@]}" \
        -artifact_prefix="$artifacts/" "$work" "$seeds" >"$log" 2>&1 || rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
    cov=$(echo "$done_line" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*' || true)
    corp=$(echo "$done_line" | grep -o 'corp: [0-9]*' | grep -o '[0-9]*' || true)
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
    line="$t: ${runs:-?} runs in ${seconds}s (${speed:-?}/s), coverage ${cov:-?} edges, corpus ${corp:-?}"
    if [ "$rc" -ne 0 ]; then
        status=1
        line="$line — FAILED (exit $rc)"
        echo "--- $t failed; the last lines of $log:" >&2
        tail -n 60 "$log" >&2
        for a in "$artifacts"/*; do
            [ -f "$a" ] || continue
            echo "    input: $a" >&2
            echo "    keep it as a regression case once fixed: cp '$a' $seeds/" >&2
        done
    fi
    if [ "$merge" -eq 1 ] && [ "$rc" -eq 0 ]; then
        "$out/bin/$t" -merge=1 "$seeds" "$work" >>"$log" 2>&1
        echo "    merged: $seeds now has $(find "$seeds" -type f | wc -l) inputs"
    fi
    summary+=("$line")
done

echo
echo "=== fuzz summary"
printf '%s\n' "${summary[@]}"
exit "$status"
