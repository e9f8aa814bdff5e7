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

# Three clients, one after another: --message, stdin lines, and a 64 KiB line (partial sends
# and receives).
start_server server "$server" --port 0 --max-clients 3

expect_rc 0 client1 "$client" --port "$PORT" --message "hello" --message "two words"
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
expect_match server.out '^connection closed: .*, 11 bytes echoed'
expect_match server.out '^connection closed: .*, 65536 bytes echoed'
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

# SIGTERM stops an idle server cleanly (exit code 0) via its accept timeout.
start_server stopper "$server" --port 0
kill -TERM "$NETSOCK_SERVER_PID"
wait_server 10
expect_line stopper.out "stopped after 0 client(s)"

echo "example.echo: OK"
