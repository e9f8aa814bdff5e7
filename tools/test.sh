#!/usr/bin/env bash
# Build netsock's tests and examples and run them (the README's test command):
#   bash tools/test.sh
# Installs missing Debian packages first (apt-get; sudo when not root).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. tools/ci/lib.sh

netsock_ensure_packages cmake g++ make doctest-dev pkg-config libfmt-dev

build=build/test
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug \
    -DNETSOCK_BUILD_TESTS=ON -DNETSOCK_BUILD_EXAMPLES=ON
cmake --build "$build" -j2
ctest --test-dir "$build" -j2 --output-on-failure --timeout 300
