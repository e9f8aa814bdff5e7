#!/usr/bin/env bash
# End-to-end test of examples/echo_server and examples/echo_client:
#   bash tests/examples/echo.sh ECHO_SERVER ECHO_CLIENT
set -euo pipefail
# shellcheck source=tests/examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 2 ] || { echo "usage: $0 ECHO_SERVER ECHO_CLIENT" >&2; exit 2; }
server=$1 client=$2
T=$NETSOCK_TEST_TMP

# Bad arguments: usage on stderr, exit code 2, nothing on stdout.
expect_rc 2 bad_server_arg "$server" --no-such-option
expect_match bad_server_arg.err '^usage: echo_server'
expect_empty bad_server_arg.out
expect_rc 2 bad_port "$server" --port 70000
expect_rc 2 bad_host "$server" --host not-an-address
expect_rc 2 bad_max "$server" --max-clients 0
expect_rc 2 missing_value "$server" --port
expect_rc 2 client_without_port "$client" --message x
expect_match client_without_port.err '^usage: echo_client'
expect_rc 2 bad_timeout "$client" --port 1 --timeout soon
expect_rc 0 help "$server" --help
expect_match help.out '^usage: echo_server'
expect_match help.out '^  -p, --port N'
expect_match help.out '^  -i, --idle-timeout'
expect_empty help.err
expect_rc 0 short_help "$server" -h
expect_rc 0 client_help "$client" --help
expect_match client_help.out '^  -H, --host HOST'

# Three clients, one after another: --message, stdin lines (sent with their newlines, as nc
# sends them), and a 64 KiB line (partial sends and receives).
start_server server "$server" --port 0 --max-clients 3

expect_rc 0 client1 "$client" -p "$PORT" -m "hello" --message "two words"
expect_match client1.out "^connected to 127\\.0\\.0\\.1:$PORT from 127\\.0\\.0\\.1:[0-9]+\$"
expect_line client1.out "sent: hello"
expect_line client1.out "received: hello"
expect_line client1.out "sent: two words"
expect_line client1.out "received: two words"
expect_line client1.out "closed"
expect_empty client1.err

printf 'one\ntwo\r\n\nthree' >"$T/lines.txt"
expect_rc 0 client2 "$client" --port "$PORT" <"$T/lines.txt"
expect_count client2.out '^received: ' 4
expect_line client2.out "received: one"
expect_line client2.out "received: two"
expect_line client2.out "received: "
expect_line client2.out "received: three"
expect_line client2.out "closed"

big=$(head -c 65536 /dev/zero | tr '\0' 'x')
printf '%s\n' "$big" >"$T/big.txt"
expect_rc 0 client3 "$client" --port "$PORT" <"$T/big.txt"
expect_line client3.out "received: $big"

wait_server 10
expect_line server.out "listening on 127.0.0.1:$PORT"
expect_count server.out '^connection from 127\.0\.0\.1:[0-9]+$' 3
expect_count server.out '^connection closed: .*\(client closed\)$' 3
expect_match server.out '^connection closed: .*, 14 bytes echoed'
expect_match server.out '^connection closed: .*, 15 bytes echoed'
expect_match server.out '^connection closed: .*, 65537 bytes echoed'
expect_line server.out "served 3 client(s), exiting"
expect_empty server.err

# Nothing listens on the port any more: the client reports the refusal, exit code 1.
expect_rc 1 refused "$client" --port "$PORT" --message x --timeout 5
expect_match refused.err 'connect'

# IPv6 loopback, when the machine has it.
if try_start_server server6 "$server" --host ::1 --port 0 --max-clients 1; then
    expect_line server6.out "listening on [::1]:$PORT"
    expect_rc 0 client6 "$client" --host ::1 --port "$PORT" --message "over ipv6"
    expect_line client6.out "received: over ipv6"
    wait_server 10
    expect_match server6.out '^connection from \[::1\]:[0-9]+$'
else
    echo "note: no IPv6 loopback here; IPv6 part skipped"
fi

# A client by host name: create_connection resolves "localhost".
start_server named "$server" --port 0 --max-clients 1
expect_rc 0 by_name "$client" --host localhost --port "$PORT" --message "by name"
expect_line by_name.out "received: by name"
wait_server 10

# --idle-timeout closes a client that sends nothing, and the server goes on to the next.
start_server idle "$server" --port 0 --max-clients 2 --idle-timeout 1
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
wait_for_line "$T/idle.out" '\(idle timeout\)$' 10 "$NETSOCK_SERVER_PID"
exec 3>&-
expect_rc 0 after_idle "$client" --port "$PORT" --message "next"
wait_server 10

# Ctrl-C stops the server at once even while it is blocked sending to a client that never
# reads (the canceller ends the sendall): the writer below sends 64 MiB and reads nothing.
start_server stuck "$server" --port 0
exec 4<>"/dev/tcp/127.0.0.1/$PORT"
head -c 67108864 /dev/zero >&4 2>/dev/null &
writer=$!
NETSOCK_PIDS+=("$writer")
wait_for_line "$T/stuck.out" '^connection from ' 10 "$NETSOCK_SERVER_PID"
kill -INT "$NETSOCK_SERVER_PID"
wait_server 5
kill "$writer" 2>/dev/null || true
exec 4>&-
expect_match stuck.out '^connection closed: .*\(server stopping\)$'
expect_line stuck.out "stopped after 1 client(s)"

# SIGTERM stops an idle server blocked in accept cleanly (exit code 0).
start_server stopper "$server" --port 0
kill -TERM "$NETSOCK_SERVER_PID"
wait_server 10
expect_line stopper.out "stopped after 0 client(s)"

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

echo "example.echo: OK"
