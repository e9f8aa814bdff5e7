# shellcheck shell=bash
# Helpers for the end-to-end example tests (tests/examples/*.sh). Source it; do not run it.
# Every wait is bounded; a server is always stopped and reaped when the script exits.

set -euo pipefail

NETSOCK_TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/netsock-example.XXXXXX")
NETSOCK_SERVER_PID=
NETSOCK_PIDS=()

# shellcheck disable=SC2317 # called by the EXIT trap
netsock_cleanup() {
    local pid
    for pid in ${NETSOCK_SERVER_PID:+"$NETSOCK_SERVER_PID"} ${NETSOCK_PIDS[@]+"${NETSOCK_PIDS[@]}"}; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$NETSOCK_TEST_TMP"
}
trap netsock_cleanup EXIT

# fail MESSAGE: print the message and every captured output, then exit 1.
fail() {
    echo "FAIL: $*" >&2
    local f
    for f in "$NETSOCK_TEST_TMP"/*; do
        [ -f "$f" ] || continue
        echo "---- ${f##*/} (first 50 lines, 300 columns)" >&2
        head -n 50 "$f" | cut -c1-300 >&2
    done
    exit 1
}

# wait_for_line FILE REGEX [SECONDS] [PID]: wait until FILE has a line matching REGEX.
# Polls the file every 50 ms (this waits for a child process's output, not for a socket).
# Fails early when PID (if given) has exited without printing the line.
wait_for_line() {
    local file=$1 regex=$2 seconds=${3:-10} pid=${4:-} i
    for ((i = 0; i < seconds * 20; i++)); do
        if [ -f "$file" ] && grep -qE -- "$regex" "$file"; then
            return 0
        fi
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            grep -qE -- "$regex" "$file" 2>/dev/null && return 0
            fail "process $pid exited before printing /$regex/ to ${file##*/}"
        fi
        sleep 0.05
    done
    fail "no line matching /$regex/ in ${file##*/} within ${seconds} s"
}

# try_start_server NAME COMMAND...: start COMMAND in the background with its output in
# $NETSOCK_TEST_TMP/NAME.out and .err, wait (at most 10 s) for "listening on HOST:PORT" and set
# PORT. Returns 1 if the server exits before it listens (e.g. no IPv6 here).
try_start_server() {
    local name=$1 i line
    shift
    : >"$NETSOCK_TEST_TMP/$name.out" # exists before the child opens it: grep never misses it
    "$@" >>"$NETSOCK_TEST_TMP/$name.out" 2>"$NETSOCK_TEST_TMP/$name.err" </dev/null &
    NETSOCK_SERVER_PID=$!
    for ((i = 0; i < 200; i++)); do
        grep -q '^listening on ' "$NETSOCK_TEST_TMP/$name.out" && break
        if ! kill -0 "$NETSOCK_SERVER_PID" 2>/dev/null; then
            grep -q '^listening on ' "$NETSOCK_TEST_TMP/$name.out" && break
            wait "$NETSOCK_SERVER_PID" || true
            NETSOCK_SERVER_PID=
            return 1
        fi
        sleep 0.05 # polls the child's output file (process start-up, not a socket)
    done
    line=$(grep -m1 '^listening on ' "$NETSOCK_TEST_TMP/$name.out") ||
        fail "$name printed no 'listening on' line within 10 s"
    if [ "$(head -n1 "$NETSOCK_TEST_TMP/$name.out")" != "$line" ]; then
        fail "'listening on' is not the first line of ${name}.out"
    fi
    PORT=${line##*:}
    case $PORT in
        '' | *[!0-9]*) fail "cannot read the port from '$line'" ;;
    esac
    [ "$PORT" -gt 0 ] || fail "the server reported port 0: '$line'"
}

# start_server NAME COMMAND...: as try_start_server, but a server that exits is a failure.
start_server() {
    try_start_server "$@" || fail "$1 exited before listening"
}

# wait_server [SECONDS]: wait (bounded) for the server to exit; fail unless its exit code is 0.
wait_server() {
    local seconds=${1:-10} i rc=0
    for ((i = 0; i < seconds * 20; i++)); do
        kill -0 "$NETSOCK_SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$NETSOCK_SERVER_PID" 2>/dev/null; then
        fail "the server did not exit within ${seconds} s"
    fi
    wait "$NETSOCK_SERVER_PID" || rc=$?
    NETSOCK_SERVER_PID=
    [ "$rc" -eq 0 ] || fail "the server exited with code $rc"
}

# expect_rc EXPECTED NAME COMMAND...: run COMMAND (stdin inherited) with its output in
# NAME.out/.err and check its exit code.
expect_rc() {
    local expected=$1 name=$2 rc=0
    shift 2
    "$@" >"$NETSOCK_TEST_TMP/$name.out" 2>"$NETSOCK_TEST_TMP/$name.err" || rc=$?
    [ "$rc" -eq "$expected" ] || fail "$name: exit code $rc, expected $expected"
}

# expect_line FILE LINE: FILE has LINE exactly (as a whole line).
expect_line() {
    grep -qxF -- "$2" "$NETSOCK_TEST_TMP/$1" || fail "${1} lacks the line '$2'"
}

# expect_match FILE REGEX: FILE has a line matching the extended REGEX.
expect_match() {
    grep -qE -- "$2" "$NETSOCK_TEST_TMP/$1" || fail "${1} has no line matching /$2/"
}

# expect_count FILE REGEX N: exactly N lines of FILE match REGEX.
expect_count() {
    local n
    n=$(grep -cE -- "$2" "$NETSOCK_TEST_TMP/$1" || true)
    [ "$n" -eq "$3" ] || fail "${1}: $n lines match /$2/, expected $3"
}

# expect_empty FILE: FILE exists and is empty (e.g. no stderr output).
expect_empty() {
    [ ! -s "$NETSOCK_TEST_TMP/$1" ] || fail "${1} is not empty"
}
