#!/usr/bin/env bash
# End-to-end test of examples/threaded_echo_server with 8 concurrent examples/echo_client:
#   bash tests/examples/threaded_echo.sh THREADED_ECHO_SERVER ECHO_CLIENT
# Every client keeps its connection open until all 8 have received their echo, so the test
# passes only if the server really serves the connections at the same time (a one-at-a-time
# server would leave clients 2..8 waiting for ever, and the test fails after its bounded wait).
set -euo pipefail
# shellcheck source=tests/examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 2 ] || { echo "usage: $0 THREADED_ECHO_SERVER ECHO_CLIENT" >&2; exit 2; }
server=$1 client=$2
T=$NETSOCK_TEST_TMP
clients=8

expect_rc 2 bad_arg "$server" --max-clients many
expect_match bad_arg.err '^usage: threaded_echo_server'

start_server server "$server" --port 0 --max-clients "$clients"

# Each client's stdin: one line, then (still open) wait for the "go" file, then a second line
# and EOF. The wait is a 50 ms poll of a file, bounded to 20 s.
for ((i = 1; i <= clients; i++)); do
    {
        printf 'hello from client %d\n' "$i"
        for ((j = 0; j < 400; j++)); do
            [ -e "$T/go" ] && break
            sleep 0.05
        done
        printf 'bye from client %d\n' "$i"
    } | "$client" --port "$PORT" --timeout 20 >"$T/client$i.out" 2>"$T/client$i.err" &
    NETSOCK_PIDS+=("$!")
done

# All clients connected and echoed while every connection is still open.
for ((i = 1; i <= clients; i++)); do
    wait_for_line "$T/client$i.out" "^received: hello from client $i\$" 20 "${NETSOCK_PIDS[i - 1]}"
done
expect_count server.out '^connection from ' "$clients"
expect_count server.out '^connection closed' 0
: >"$T/go"

for ((i = 1; i <= clients; i++)); do
    rc=0
    wait "${NETSOCK_PIDS[i - 1]}" || rc=$?
    [ "$rc" -eq 0 ] || fail "client $i exited with code $rc"
    expect_line "client$i.out" "received: bye from client $i"
    expect_line "client$i.out" "closed"
done
NETSOCK_PIDS=()

wait_server 20
expect_count server.out '^connection closed: .*\(client closed\)$' "$clients"
expect_line server.out "served $clients client(s), exiting"
expect_empty server.err

# SIGTERM with a connection still open: the server ends the connection (shutdown, close) and
# exits with code 0; the client's next message then fails with a clear error (exit code 1).
start_server stopper "$server" --port 0
{
    printf 'ping\n'
    for ((j = 0; j < 400; j++)); do
        [ -e "$T/stop" ] && break
        sleep 0.05
    done
    printf 'too late\n'
} | "$client" --port "$PORT" --timeout 20 >"$T/idle.out" 2>"$T/idle.err" &
NETSOCK_PIDS+=("$!")
wait_for_line "$T/idle.out" '^received: ping$' 10 "${NETSOCK_PIDS[0]}"
kill -TERM "$NETSOCK_SERVER_PID"
wait_server 10
expect_match stopper.out '^connection closed: .*\(server stopping\)$'
expect_line stopper.out "stopped after 1 client(s)"
: >"$T/stop"
rc=0
wait "${NETSOCK_PIDS[0]}" || rc=$?
NETSOCK_PIDS=()
[ "$rc" -eq 1 ] || fail "the client of the stopped server exited with code $rc, expected 1"
expect_match idle.err '^echo_client: .*(closed the connection|reset|pipe)'

# --help on stdout with the short options; Ctrl-C (SIGINT) ends workers blocked in recv at once.
expect_rc 0 help "$server" --help
expect_match help.out '^  -c, --max-connections N'
expect_empty help.err

# --max-connections: two silent clients hold both places; a third is closed at once (EOF
# without an echo), and once a place is free a client is served again.
start_server capped "$server" --port 0 --max-connections 2
exec 5<>"/dev/tcp/127.0.0.1/$PORT"
exec 6<>"/dev/tcp/127.0.0.1/$PORT"
wait_for_line "$T/capped.out" '^connection from .*' 10 "$NETSOCK_SERVER_PID"
expect_rc 1 third "$client" --port "$PORT" --message "no room" --timeout 5
wait_for_line "$T/capped.out" '^connection refused: .*\(max connections\)$' 10 "$NETSOCK_SERVER_PID"
exec 5>&-
wait_for_line "$T/capped.out" '^connection closed: .*\(client closed\)$' 10 "$NETSOCK_SERVER_PID"
expect_rc 0 fourth "$client" --port "$PORT" --message "room again"
expect_line fourth.out "received: room again"
kill -INT "$NETSOCK_SERVER_PID" # exec 6 is still silent: its worker is blocked in recv
wait_server 5
exec 6>&-
expect_match capped.out '^connection closed: .*\(server stopping\)$'

# --idle-timeout closes a silent connection.
start_server idler "$server" --port 0 --idle-timeout 1
exec 7<>"/dev/tcp/127.0.0.1/$PORT"
wait_for_line "$T/idler.out" '\(idle timeout\)$' 10 "$NETSOCK_SERVER_PID"
exec 7>&-
kill -TERM "$NETSOCK_SERVER_PID"
wait_server 5

# "::" listens on IPv6 and IPv4 in every server (examples/common.hpp): an IPv4 and an IPv6
# client, when the machine has IPv6.
if try_start_server dual "$server" --host :: --port 0 --max-clients 2; then
    expect_line dual.out "listening on [::]:$PORT"
    expect_rc 0 dual_v4 "$client" --host 127.0.0.1 --port "$PORT" --message "v4 on ::"
    expect_line dual_v4.out "received: v4 on ::"
    expect_rc 0 dual_v6 "$client" --host ::1 --port "$PORT" --message "v6 on ::"
    expect_line dual_v6.out "received: v6 on ::"
    wait_server 10
else
    echo "note: no IPv6 here; the dual-stack part skipped"
fi

echo "example.threaded_echo: OK"
