#!/usr/bin/env bash
# The README's first program (examples/first_program.cpp, the same text as the README's first
# code block) echoes, survives a client that resets the connection, and serves the next one.
#   bash tests/examples/first_program.sh FIRST_PROGRAM RESET_CLIENT README
set -euo pipefail
# shellcheck source=tests/examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 3 ] || { echo "usage: $0 FIRST_PROGRAM RESET_CLIENT README" >&2; exit 2; }
program=$1 reset_client=$2 readme=$3
T=$NETSOCK_TEST_TMP
source_file="$(dirname "${BASH_SOURCE[0]}")/../../examples/first_program.cpp"

# The README shows exactly this program.
awk '/^```cpp$/ { inside = 1; next } inside && /^```$/ { exit } inside' "$readme" >"$T/readme.cpp"
cmp -s "$T/readme.cpp" "$source_file" || {
    diff "$T/readme.cpp" "$source_file" >&2 || true
    fail "the README's first code block differs from examples/first_program.cpp"
}

start_server first stdbuf -oL "$program" # stdbuf: the program's printf is line-buffered then
expect_rc 0 reset "$reset_client" "$PORT"
wait_for_line "$T/first.out" ': recv: |: sendall: |reset' 10 "$NETSOCK_SERVER_PID"
# The next client is served: one line echoed over bash's /dev/tcp.
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'after the reset\n' >&3
IFS= read -r -t 10 reply <&3 || fail "no echo after the reset"
exec 3>&-
[ "$reply" = "after the reset" ] || fail "echo after the reset: '$reply'"
kill -0 "$NETSOCK_SERVER_PID" || fail "the program died"
kill -TERM "$NETSOCK_SERVER_PID"
wait "$NETSOCK_SERVER_PID" || true
NETSOCK_SERVER_PID=
echo "example.first_program: OK"
