#!/usr/bin/env bash
# bench/work.sh: the work each server does per request, counted rather than timed, so it repeats
# on a noisy machine: system calls per request (perf stat, tracepoint raw_syscalls:sys_enter,
# every thread) and user-space instructions per request (callgrind: the difference between a
# run of N requests and a run of 1, so start-up and shut-down cancel out).
#
#   bash bench/work.sh BUILD_DIR OUT.tsv [WWW_DIR]
#
# BUILD_DIR is a build of bench/ and examples/ (bench/run.sh makes build/bench). Writes rows
# "scenario server requests syscalls_per_request instructions_per_request" ("-" where a tool is
# missing). Every step is bounded (loadgen --timeout, a kill after at most 10 s).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR OUT.tsv [WWW_DIR]" >&2; exit 2; }
build=$1 out=$2 www=${3:-}
bin=$build/bench ex=$build/examples
tmp=$(mktemp -d /tmp/netsock-work.XXXXXX)
server_pid= wrapper_pid=
cleanup() {
    [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null || true
    [ -n "$wrapper_pid" ] && kill -KILL "$wrapper_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true

have_perf=0
if command -v perf >/dev/null 2>&1 &&
    perf stat -e raw_syscalls:sys_enter -o /dev/null -- true >/dev/null 2>&1; then have_perf=1; fi
have_valgrind=0
command -v valgrind >/dev/null 2>&1 && have_valgrind=1

# start WRAPPER... -- SERVER...: runs the server under the wrapper (perf stat, valgrind or
# nothing), waits for its "listening on" / "serving" line; sets server_pid and port.
start() {
    "$@" > "$tmp/server.out" 2> "$tmp/server.err" &
    wrapper_pid=$!
    port=
    for _ in $(seq 400); do # valgrind starts slowly: up to 20 s
        port=$(sed -n -e 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' \
            -e 's|^serving .* on http://.*:\([0-9][0-9]*\)/$|\1|p' "$tmp/server.out" | head -1)
        [ -n "$port" ] && break
        kill -0 "$wrapper_pid" 2>/dev/null || break
        sleep 0.05
    done
    [ -n "$port" ] || { cat "$tmp/server.err" >&2; return 1; }
    # perf stat forks the server; valgrind runs it in its own process.
    server_pid=$(pgrep -P "$wrapper_pid" | head -1 || true)
    [ -n "$server_pid" ] || server_pid=$wrapper_pid
}

stop() {
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 200); do
        kill -0 "$wrapper_pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$server_pid" "$wrapper_pid" 2>/dev/null || true
    wait "$wrapper_pid" 2>/dev/null || true
    server_pid= wrapper_pid=
}

# load SCENARIO N: drives the server at $port; prints the requests done.
load() {
    local scenario=$1 n=$2 line
    case $scenario in
    pingpong_1) line=$("$bin/loadgen" --port "$port" --mode pingpong --conns 1 --rounds "$n" --duration 600 --timeout 120) ;;
    pingpong_8) line=$("$bin/loadgen" --port "$port" --mode pingpong --conns 8 --rounds "$(((n + 7) / 8))" --duration 600 --timeout 120) ;;
    many_1000) line=$("$bin/loadgen" --port "$port" --mode many --conns 1000 --rounds "$(((n + 999) / 1000))" --timeout 120) ;;
    http)
        line=$(wrk -t1 -c64 -d1s "http://127.0.0.1:$port/index.html" | sed -n 's/^ *\([0-9][0-9]*\) requests in.*/round_trips=\1 ok=1/p')
        ;;
    esac
    grep -q 'ok=1' <<< "$line" || { echo "work.sh: $scenario failed: $line" >&2; echo 0; return; }
    sed -n 's/.*round_trips=\([0-9][0-9]*\).*/\1/p' <<< "$line"
}

server_cmd() {
    case $1 in
    threaded_echo_server) echo "$ex/threaded_echo_server --port 0" ;;
    raw_threaded_echo) echo "$bin/raw_threaded_echo" ;;
    poller_echo_server) echo "$ex/poller_echo_server --port 0 --quiet" ;;
    raw_epoll_echo) echo "$bin/raw_epoll_echo" ;;
    asio_echo) echo "$bin/asio_echo" ;;
    http_server) echo "$ex/http_server --port 0 --directory $www --quiet" ;;
    raw_epoll_http) echo "$bin/raw_epoll_http --file $www/index.html" ;; # Content-Type aside, the same response
    esac
}

cases=(
    "pingpong_1 5000 threaded_echo_server raw_threaded_echo poller_echo_server raw_epoll_echo asio_echo"
    "pingpong_8 8000 poller_echo_server raw_epoll_echo asio_echo"
    "many_1000 10000 poller_echo_server raw_epoll_echo asio_echo"
)
if [ -n "$www" ] && [ -x "$ex/http_server" ] && command -v wrk >/dev/null 2>&1; then
    cases+=("http 0 http_server raw_epoll_http")
fi

: > "$out"
for c in "${cases[@]}"; do
    read -r scenario n servers <<< "$c"
    for s in $servers; do
        case $s in asio_echo) [ -x "$bin/asio_echo" ] || continue ;; esac
        read -r -a cmd <<< "$(server_cmd "$s")"
        sc="-" ir="-" done_n=0
        if [ $have_perf = 1 ]; then
            start perf stat -e raw_syscalls:sys_enter -x, -o "$tmp/perf.txt" -- "${cmd[@]}"
            done_n=$(load "$scenario" "$n")
            stop
            calls=$(sed -n 's/^\([0-9][0-9]*\),.*raw_syscalls:sys_enter.*/\1/p' "$tmp/perf.txt")
            if [ -n "$calls" ] && [ "$done_n" -gt 0 ]; then
                sc=$(awk -v c="$calls" -v n="$done_n" 'BEGIN { printf "%.2f", c / n }')
            fi
        fi
        if [ $have_valgrind = 1 ] && [ "$scenario" != http ]; then
            declare -A irs=()
            for k in 1 "$n"; do
                start valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$k" -- "${cmd[@]}"
                got=$(load "$scenario" "$k")
                stop
                irs[$k]=$(sed -n 's/^summary: *\([0-9][0-9]*\).*/\1/p' "$tmp/cg.$k" 2>/dev/null | head -1)
                irs[$k.n]=$got
            done
            if [ -n "${irs[1]:-}" ] && [ -n "${irs[$n]:-}" ] && [ "${irs[$n.n]}" -gt "${irs[1.n]}" ]; then
                ir=$(awk -v a="${irs[1]}" -v b="${irs[$n]}" -v na="${irs[1.n]}" -v nb="${irs[$n.n]}" \
                    'BEGIN { printf "%.0f", (b - a) / (nb - na) }')
            fi
            unset irs
        fi
        [ "$done_n" -gt 0 ] || done_n=$n
        printf '%s\t%s\t%s\t%s\t%s\n' "$scenario" "$s" "$done_n" "$sc" "$ir" | tee -a "$out"
    done
done
