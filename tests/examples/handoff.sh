#!/usr/bin/env bash
# End-to-end test of examples/handoff_server (a parent hands accepted connections to worker
# processes over Unix sockets) with examples/echo_client:
#   bash tests/examples/handoff.sh HANDOFF_SERVER ECHO_CLIENT
# Four clients, two workers: every client gets its echo from a worker, both workers serve, the
# parent and its workers all exit with code 0 after --max-clients, and SIGTERM stops the parent
# (and so the workers) at once while it waits in accept.
set -euo pipefail
# shellcheck source=tests/examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 2 ] || { echo "usage: $0 HANDOFF_SERVER ECHO_CLIENT" >&2; exit 2; }
server=$1 client=$2
T=$NETSOCK_TEST_TMP

expect_rc 2 bad_arg "$server" --workers 0
expect_match bad_arg.err '^usage: handoff_server'
expect_rc 0 help "$server" --help
expect_match help.out '^usage: handoff_server'

start_server server "$server" --port 0 --workers 2 --max-clients 4
for ((i = 1; i <= 4; i++)); do
    "$client" --port "$PORT" --timeout 10 -m "hello $i" >"$T/client$i.out" 2>"$T/client$i.err" ||
        fail "client $i failed"
    expect_line "client$i.out" "received: hello $i"
done
wait_server 20
expect_count server.out '^handed connection from 127\.0\.0\.1:[0-9]+ to worker [12]$' 4
expect_count server.out '^handed connection .* to worker 1$' 2
expect_count server.out '^handed connection .* to worker 2$' 2
expect_count server.out '^worker 1 \(pid [0-9]+\): connection from 127\.0\.0\.1:[0-9]+$' 2
expect_count server.out '^worker 2 \(pid [0-9]+\): connection from 127\.0\.0\.1:[0-9]+$' 2
expect_count server.out '^worker [12] \(pid [0-9]+\): connection closed$' 4
expect_line server.out 'handed off 4 connection(s), exiting'
expect_empty server.err
# Two worker processes, each with a pid of its own, not the parent's.
pids=$(grep -oE '^worker [12] \(pid [0-9]+\)' "$T/server.out" | sort -u | wc -l)
[ "$pids" -eq 2 ] || fail "expected 2 distinct workers, saw $pids"

# worker_pids FILE: the pids of the workers that said "ready" in FILE.
worker_pids() { sed -nE 's/^worker [0-9]+ \(pid ([0-9]+)\): ready$/\1/p' "$T/$1"; }
# No worker left behind: the parent waited for each (a zombie or a live one would answer kill -0).
for pid in $(worker_pids server.out); do
    if kill -0 "$pid" 2>/dev/null; then fail "worker $pid is still running"; fi
done

# SIGTERM while the parent waits in accept: it stops at once, its workers exit, code 0.
start_server stopper "$server" --port 0 --workers 3
wait_for_line "$T/stopper.out" '^worker 3 \(pid [0-9]+\): ready$' 10 "$NETSOCK_SERVER_PID"
kill -TERM "$NETSOCK_SERVER_PID"
wait_server 10
expect_line stopper.out 'stopped after 0 connection(s)'
expect_empty stopper.err
[ "$(worker_pids stopper.out | wc -l)" -eq 3 ] || fail "expected 3 ready workers"
for pid in $(worker_pids stopper.out); do
    if kill -0 "$pid" 2>/dev/null; then fail "worker $pid is still running"; fi
done
echo "handoff: ok"
