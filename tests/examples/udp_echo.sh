#!/usr/bin/env bash
# End-to-end test of examples/udp_echo_server and examples/udp_echo_client:
#   bash tests/examples/udp_echo.sh UDP_ECHO_SERVER UDP_ECHO_CLIENT
set -euo pipefail
# shellcheck source=tests/examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 2 ] || { echo "usage: $0 UDP_ECHO_SERVER UDP_ECHO_CLIENT" >&2; exit 2; }
server=$1 client=$2
T=$NETSOCK_TEST_TMP

expect_rc 2 bad_server_arg "$server" --max-datagrams 0
expect_match bad_server_arg.err '^usage: udp_echo_server'
expect_rc 2 bad_client_arg "$client" --port 1 --retries lots
expect_match bad_client_arg.err '^usage: udp_echo_client'
expect_rc 2 client_without_port "$client" --message x
expect_rc 2 verbose_and_quiet "$server" --verbose --quiet
expect_match verbose_and_quiet.err 'exclude each other'
expect_rc 2 unknown_server_arg "$server" --no-such-option
expect_match unknown_server_arg.err '^usage: udp_echo_server'
expect_empty unknown_server_arg.out

# --help: usage with the short options on stdout, exit code 0, nothing on stderr.
expect_rc 0 server_help "$server" --help
expect_match server_help.out '^  -H, --host HOST'
expect_match server_help.out '^  -n, --max-datagrams N'
expect_match server_help.out '^  -v, --verbose'
expect_match server_help.out '^  -q, --quiet'
expect_match server_help.out '^  -h, --help'
expect_empty server_help.err
expect_rc 0 client_help "$client" -h
expect_match client_help.out '^  -p, --port N'
expect_match client_help.out '^  -r, --retries N'
expect_empty client_help.err

# Five datagrams: two --message, three stdin lines (one empty: a zero-length datagram, which
# the server echoes like any other: only a signal stops it). --verbose: a line per datagram.
start_server server "$server" --port 0 --max-datagrams 5 --verbose
expect_rc 0 client1 "$client" --port "$PORT" --message "hello" --message "two words"
expect_line client1.out "sending to 127.0.0.1:$PORT"
expect_line client1.out "sent: hello"
expect_line client1.out "received: hello"
expect_line client1.out "sent: two words"
expect_line client1.out "received: two words"
expect_line client1.out "done"
expect_empty client1.err
printf 'one\n\nthree\n' >"$T/lines.txt"
expect_rc 0 client2 "$client" --port "$PORT" <"$T/lines.txt"
expect_count client2.out '^received: ' 3
expect_line client2.out "received: "
expect_line client2.out "received: three"
wait_server 10
expect_count server.out '^datagram from 127\.0\.0\.1:[0-9]+: [0-9]+ bytes$' 5
expect_count server.out '^echoed [0-9]+ bytes to 127\.0\.0\.1:[0-9]+$' 5
expect_match server.out '^datagram from .*: 0 bytes$'
expect_line server.out "echoed 5 datagram(s), exiting"
expect_empty server.err

# By default: the "listening on" line and the summary, nothing per datagram.
start_server plain "$server" --port 0 --max-datagrams 3
expect_rc 0 plain_client "$client" --port "$PORT" --message "a" --message "" --message "c"
expect_count plain_client.out '^received: ' 3
wait_server 10
expect_count plain.out '' 2
expect_line plain.out "listening on 127.0.0.1:$PORT"
expect_line plain.out "echoed 3 datagram(s), exiting"
expect_empty plain.err

# --quiet: only the "listening on" line (how a script learns the port).
start_server hushed "$server" --port 0 --max-datagrams 1 -q
expect_rc 0 hushed_client "$client" --port "$PORT" --message "shh"
wait_server 10
expect_count hushed.out '' 1
expect_line hushed.out "listening on 127.0.0.1:$PORT"
expect_empty hushed.err

# Nobody answers any more: the client resends (bounded) and gives up with exit code 1.
expect_rc 1 lost "$client" --port "$PORT" --message "anyone?" --timeout 1 --retries 2
expect_count lost.out '^sent again \(attempt [23] of 3\): anyone\?$' 2
expect_match lost.err 'no echo after 3 attempt'

# A datagram larger than the server's buffer: the server reports the truncation and echoes
# the part it kept; the client reports the wrong echo (exit code 1).
start_server small "$server" --port 0 --max-datagrams 1 --buffer-size 4 -v
expect_rc 1 truncated "$client" --port "$PORT" --message "longer than four" --retries 0
expect_line truncated.out "received: long"
expect_match truncated.err 'differs'
wait_server 10
expect_match small.out '^datagram from .*: 4 bytes \(truncated: larger than the 4-byte buffer'
expect_match small.out '^echoed 4 bytes to '

# SIGTERM and SIGINT stop a server blocked in its receive at once (exit code 0): the signal
# handler wakes the receive (an empty datagram to the server's own address), the loop sees
# the cancelled flag. "At once": within 2 s although nothing else ever arrives; the server
# is known to be blocked once it has echoed a datagram and printed nothing since.
for sig in TERM INT; do
    start_server "stop_$sig" "$server" --port 0
    expect_rc 0 "stop_${sig}_client" "$client" --port "$PORT" --message "then wait"
    kill -"$sig" "$NETSOCK_SERVER_PID"
    wait_server 2
    expect_line "stop_$sig.out" "stopped after 1 datagram(s)"
    expect_empty "stop_$sig.err"
done

# Stopping on a wildcard address: the wake-up goes to loopback.
start_server stop_any "$server" --host 0.0.0.0 --port 0
expect_line stop_any.out "listening on 0.0.0.0:$PORT"
kill -TERM "$NETSOCK_SERVER_PID"
wait_server 2
expect_line stop_any.out "stopped after 0 datagram(s)"

# "::" listens on IPv6 and IPv4 in every server (examples/common.hpp): an IPv4 and an IPv6
# client, when the machine has IPv6.
if try_start_server dual "$server" --host :: --port 0 --max-datagrams 2; then
    expect_line dual.out "listening on [::]:$PORT"
    expect_rc 0 dual_v4 "$client" --host 127.0.0.1 --port "$PORT" --message "v4 on ::"
    expect_line dual_v4.out "received: v4 on ::"
    expect_rc 0 dual_v6 "$client" --host ::1 --port "$PORT" --message "v6 on ::"
    expect_line dual_v6.out "received: v6 on ::"
    wait_server 10
    # Stopping a dual-stack server blocked in its receive: the wake-up goes to ::1.
    start_server dual_stop "$server" --host :: --port 0
    kill -TERM "$NETSOCK_SERVER_PID"
    wait_server 2
    expect_line dual_stop.out "stopped after 0 datagram(s)"
else
    echo "note: no IPv6 here; the dual-stack part skipped"
fi

# On a wildcard address each reply leaves from the address the client sent to: a client of
# 127.0.0.2 (Linux routes all of 127/8 to lo) gets its echo from 127.0.0.2, else it would
# print "ignored a datagram from 127.0.0.1:PORT" and fail.
start_server any "$server" --host 0.0.0.0 --port 0 --max-datagrams 2 -v
expect_rc 0 any_lo "$client" --host 127.0.0.1 --port "$PORT" --message "to .1"
expect_line any_lo.out "received: to .1"
if [ "$(uname -s)" = Linux ]; then
    expect_rc 0 any_lo2 "$client" --host 127.0.0.2 --port "$PORT" --message "to .2"
    expect_line any_lo2.out "received: to .2"
    expect_count any_lo2.out '^ignored a datagram' 0
    wait_server 10
    expect_line any.out "echoed 2 datagram(s), exiting"
else
    kill -TERM "$NETSOCK_SERVER_PID"
    wait_server 2
fi

# --batch: recv_batch/send_batch; every datagram echoed, counted, logged with -v.
expect_rc 2 bad_batch "$server" --batch 0
start_server batch "$server" --port 0 --batch 16 --max-datagrams 5 -v
expect_rc 0 batch_client "$client" --port "$PORT" -m one -m two -m three -m four -m five
expect_count batch_client.out '^received: ' 5
wait_server 10
expect_count batch.out '^datagram from 127\.0\.0\.1:[0-9]+: [0-9]+ bytes$' 5
expect_count batch.out '^echoed [0-9]+ bytes to 127\.0\.0\.1:[0-9]+$' 5
expect_line batch.out "echoed 5 datagram(s), exiting"
expect_empty batch.err
if [ "$(uname -s)" = Linux ]; then # a batch on 0.0.0.0 replies from each destination too
    start_server batch_any "$server" --host 0.0.0.0 --port 0 --batch 8 --max-datagrams 2
    expect_rc 0 batch_any1 "$client" --host 127.0.0.1 --port "$PORT" --message "b1"
    expect_rc 0 batch_any2 "$client" --host 127.0.0.2 --port "$PORT" --message "b2"
    expect_line batch_any2.out "received: b2"
    expect_count batch_any2.out '^ignored a datagram' 0
    wait_server 10
fi
start_server batch_stop "$server" --port 0 --batch 64
kill -TERM "$NETSOCK_SERVER_PID"
wait_server 2
expect_line batch_stop.out "stopped after 0 datagram(s)"

# --threads: sockets sharing the port (SO_REUSEPORT), one thread each; clients from several
# ports reach them all and every echo comes back; -n counts across threads; SIGTERM stops
# every thread at once.
if try_start_server threads "$server" --port 0 --threads 3 --max-datagrams 6; then
    for ((i = 1; i <= 6; i++)); do
        expect_rc 0 "threads_client$i" "$client" --port "$PORT" --message "thread test $i"
        expect_line "threads_client$i.out" "received: thread test $i"
    done
    wait_server 10
    expect_line threads.out "echoed 6 datagram(s), exiting"
    expect_empty threads.err
    start_server threads_stop "$server" --port 0 --threads 4
    expect_rc 0 threads_stop_client "$client" --port "$PORT" --message "x"
    kill -INT "$NETSOCK_SERVER_PID"
    wait_server 2
    expect_line threads_stop.out "stopped after 1 datagram(s)"
else
    expect_match threads.err 'SO_REUSEPORT'
    echo "note: no SO_REUSEPORT here; --threads reported it: $(cat "$T/threads.err")"
fi

echo "example.udp_echo: OK"
