#!/usr/bin/env bash
# End-to-end test of examples/lookup (compile-once mode): numeric hosts and "localhost" only,
# so no DNS server is asked.
#   bash tests/examples/lookup.sh LOOKUP
set -euo pipefail
# shellcheck source=tests/examples/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 1 ] || { echo "usage: $0 LOOKUP" >&2; exit 2; }
lookup=$1

expect_rc 2 no_args "$lookup"
expect_match no_args.err '^usage: lookup'
expect_rc 2 bad_flag "$lookup" localhost --tcp
expect_rc 2 too_many "$lookup" localhost 80 81
expect_rc 2 unknown "$lookup" localhost -x
expect_match unknown.err "^lookup: unknown argument '-x'\$"
expect_match unknown.err '^usage: lookup'
expect_empty unknown.out

# --help: usage on stdout with the short options, exit code 0, nothing on stderr.
expect_rc 0 help "$lookup" --help
expect_match help.out '^usage: lookup HOST'
expect_match help.out '^  -4, --ipv4'
expect_match help.out '^  -6, --ipv6'
expect_match help.out '^  -u, --udp'
expect_match help.out '^  -h, --help'
expect_empty help.err
expect_rc 0 short_help "$lookup" -h
expect_match short_help.out '^usage: lookup HOST'

expect_rc 0 v4 "$lookup" 127.0.0.1 8080
expect_line v4.out "ipv4 127.0.0.1:8080 loopback"
expect_count v4.out . 1
expect_empty v4.err

expect_rc 0 v6 "$lookup" ::1 443 --udp
expect_line v6.out "ipv6 [::1]:443 loopback"
expect_count v6.out . 1

expect_rc 0 localhost "$lookup" localhost 7 --ipv4
expect_line localhost.out "ipv4 127.0.0.1:7 loopback"
expect_rc 0 short_v4 "$lookup" -4 localhost 7 -u
expect_line short_v4.out "ipv4 127.0.0.1:7 loopback"
expect_count short_v4.out . 1
expect_rc 0 short_v6 "$lookup" ::1 7 -6
expect_line short_v6.out "ipv6 [::1]:7 loopback"
expect_rc 1 short_wrong_family "$lookup" ::1 7 -4

expect_rc 0 any "$lookup" 0.0.0.0
expect_line any.out "ipv4 0.0.0.0:0"

# Failures: a port out of range, a family the numeric host does not have.
expect_rc 1 bad_port "$lookup" 127.0.0.1 70000
expect_match bad_port.err '^lookup: 127\.0\.0\.1: .+'
expect_empty bad_port.out
expect_rc 1 wrong_family "$lookup" 127.0.0.1 80 --ipv6
expect_match wrong_family.err '^lookup: 127\.0\.0\.1: .+'

echo "example.lookup: ok"
