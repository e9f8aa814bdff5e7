#!/usr/bin/env bash
# Benchmark smoke test: the benchmarks build and run, briefly. No numbers are judged here (that
# is bench/run.sh, which takes minutes); this only keeps bench/ from rotting.
#
#   bash tools/ci/bench-smoke.sh [BUILD_DIR]     (default build/bench-smoke; an existing build
#                                                 directory is reused and switched to the bench)
#
# 1. configure (-O2, NETSOCK_BUILD_BENCH=ON) and build bench/ and poller_echo_server;
# 2. every micro-benchmark once, briefly (--benchmark_min_time=0.01), and bench/ratios.py on
#    its JSON;
# 3. bench/loadgen against examples/poller_echo_server for about a second in all: ping-pong
#    with 1 and 8 connections, a stream, 200 connections at once; every echoed byte verified;
# 4. bench/udp.sh in its smoke mode (a few seconds): udp_echo_server, bench/udp_raw_echo and
#    bench/udp_echo.py driven by bench/udp_load, ping-pong and flood, and the system-call
#    count under strace -c / perf where they exist, and one batch row (bench/udp_batch_echo,
#    net::recv_batch / send_batch, in a flood of 256); nothing written;
# 5. bench/compile_time.sh with one run per TU: the compile-time report of both modes (figures
#    only, no target judged: CPU times on a shared machine swing; README "Compile time").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
start=$(date +%s)
build=${1:-build/bench-smoke}

# shellcheck source=tools/ci/lib.sh
. tools/ci/lib.sh
netsock_ensure_packages cmake g++ make python3 libbenchmark-dev libasio-dev

echo "bench-smoke: configure + build in $build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNETSOCK_BUILD_BENCH=ON \
    -DNETSOCK_BUILD_EXAMPLES=ON >/dev/null
targets=(micro loadgen raw_threaded_echo poller_echo_server udp_load udp_raw_echo udp_echo_server udp_batch_echo)
[ "$(uname -s)" = Linux ] && targets+=(raw_epoll_echo raw_epoll_http udp_raw_mmsg_echo)
grep -q '^NETSOCK_ASIO_INCLUDE:PATH=/' "$build/CMakeCache.txt" && targets+=(asio_echo)
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >/dev/null
bin=$build/bench

tmp=$(mktemp -d /tmp/netsock-bench-smoke.XXXXXX)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

echo "bench-smoke: micro-benchmarks"
"$bin/micro" --benchmark_min_time=0.01 --benchmark_format=json > "$tmp/micro.json" 2> "$tmp/micro.err" || {
    cat "$tmp/micro.err" >&2
    echo "bench-smoke: FAILED: micro" >&2
    exit 1
}
if grep -q '"error_occurred": true' "$tmp/micro.json"; then
    grep -B2 -A2 '"error_message"' "$tmp/micro.json" >&2
    echo "bench-smoke: FAILED: a micro-benchmark reported an error" >&2
    exit 1
fi
python3 bench/ratios.py "$tmp/micro.json"

echo "bench-smoke: loadgen against poller_echo_server"
"$build/examples/poller_echo_server" --port 0 --quiet > "$tmp/server.out" 2> "$tmp/server.err" &
server_pid=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$tmp/server.out")
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { cat "$tmp/server.err" >&2; echo "bench-smoke: FAILED: server did not start" >&2; exit 1; }
failed=0
for args in "--mode pingpong --conns 1 --duration 0.3" "--mode pingpong --conns 8 --duration 0.3" \
    "--mode stream --duration 0.3" "--mode many --conns 200 --rounds 3"; do
    # shellcheck disable=SC2086
    line=$("$bin/loadgen" --port "$port" $args --timeout 20 || true)
    echo "  $line"
    grep -q ' ok=1' <<< "$line" || failed=1
done
kill -TERM "$server_pid"
wait "$server_pid" || failed=1
server_pid=
[ $failed = 0 ] || { echo "bench-smoke: FAILED: loadgen" >&2; exit 1; }

echo "bench-smoke: UDP echo (bench/udp.sh, smoke mode)"
NETSOCK_UDP_SMOKE=1 bash bench/udp.sh "$build" > "$tmp/udp.txt" 2>&1 || {
    cat "$tmp/udp.txt" >&2
    echo "bench-smoke: FAILED: bench/udp.sh" >&2
    exit 1
}
grep -E '^  (pingpong|flood[0-9]*) ' "$tmp/udp.txt"

echo "bench-smoke: compile time (bench/compile_time.sh, one run per TU)"
RUNS=1 bash bench/compile_time.sh
echo "bench-smoke: ok in $(($(date +%s) - start)) s"
