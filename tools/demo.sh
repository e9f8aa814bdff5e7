#!/usr/bin/env bash
# The README's demo: build the echo examples and run one exchange over loopback.
#   bash tools/demo.sh
# Installs missing Debian packages first (cmake g++ make; apt-get, sudo when not root),
# builds into build/demo, starts echo_server on a free port, runs echo_client against it,
# shows what both printed, and stops the server. Exit code 0 on success.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=tools/ci/lib.sh
. tools/ci/lib.sh

netsock_ensure_packages cmake g++ make

build=build/demo
tmp=$(mktemp -d "${TMPDIR:-/tmp}/netsock-demo.XXXXXX")
server_pid=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true # SIGTERM: the server stops cleanly
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# quietly CMD...: run CMD with its output in a log, shown only if it fails.
quietly() {
    if ! "$@" >"$tmp/build.log" 2>&1; then
        cat "$tmp/build.log" >&2
        echo "error: failed: $*" >&2
        exit 1
    fi
}

echo "== configuring and building the echo examples in $build"
quietly cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DNETSOCK_BUILD_TESTS=OFF -DNETSOCK_BUILD_EXAMPLES=ON -DNETSOCK_INSTALL=OFF
quietly cmake --build "$build" -j2 --target echo_server echo_client
server_exe=$build/examples/echo_server
client_exe=$build/examples/echo_client
for exe in "$server_exe" "$client_exe"; do
    [ -x "$exe" ] || { echo "error: $exe was not built" >&2; exit 1; }
done

prefix() { sed "s/^/$1 | /"; }

echo
echo "== starting: $server_exe --port 0 --max-clients 1 (in the background)"
"$server_exe" --port 0 --max-clients 1 >"$tmp/server.out" 2>"$tmp/server.err" </dev/null &
server_pid=$!

# Read the port from the server's first line (polls its output for at most 10 s).
port=
for ((i = 0; i < 200; i++)); do
    line=$(grep -s -m1 '^listening on ' "$tmp/server.out" || true)
    if [ -n "$line" ]; then
        port=${line##*:}
        break
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
done
if [ -z "$port" ]; then
    echo "error: echo_server did not start:" >&2
    cat "$tmp/server.out" "$tmp/server.err" >&2
    exit 1
fi
prefix "server" <"$tmp/server.out"

echo
echo "== running: $client_exe --port $port --message ... (three messages)"
set +e
"$client_exe" --port "$port" \
    --message "Hello, netsock!" \
    --message "Python's socket tutorial, in C++17" \
    --message "bye" 2>&1 | prefix "client"
rc=${PIPESTATUS[0]}
set -e

# The server exits by itself after its one client (--max-clients 1); wait at most 10 s.
for ((i = 0; i < 200; i++)); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
done
server_rc=0
if kill -0 "$server_pid" 2>/dev/null; then
    server_rc=124 # still running: cleanup stops it
else
    wait "$server_pid" || server_rc=$?
    server_pid=
fi

echo
echo "== the server's side of the exchange:"
tail -n +2 "$tmp/server.out" | prefix "server"
if [ -s "$tmp/server.err" ]; then
    prefix "server (stderr)" <"$tmp/server.err"
fi

echo
if [ "$rc" -eq 0 ] && [ "$server_rc" -eq 0 ]; then
    echo "== demo OK: every message came back unchanged"
    exit 0
fi
echo "== demo FAILED: echo_client exit code $rc, echo_server exit code $server_rc" >&2
exit 1
