#!/usr/bin/env bash
# Compile-time budget of <net/net.hpp> (a header-only library is compiled again in every TU that
# includes it, so its cost is tracked). Compiles one small TU several times with
#   std        only the C++ standard headers that netsock includes
#   std+os     those plus the OS headers netsock includes (<sys/socket.h>, <netdb.h>, ...)
#   netsock    #include <net/net.hpp> (header-only, the default)
#   asio       #include <asio.hpp> (standalone Asio, Debian libasio-dev)
#   once-std   the standard headers that compile-once mode still includes
#   once       #define NETSOCK_SEPARATE_COMPILATION + #include <net/net.hpp>: what each file of
#              a program pays when netsock's implementation is compiled once (README)
# and prints the median wall and CPU (user+sys) time of each, the ratio to asio and the cost
# above the standard headers, for both modes.
# The header lists come from the #include <...> lines of include/net/**/*.hpp|ipp, keeping
# those that the compiler really reads for that TU in this configuration (headers behind
# NETSOCK_FAULT_INJECTION, _WIN32 or C++23 feature tests are left out).
# Targets: netsock <= 0.2 x asio, and <= 0.15 s above the standard headers alone.
#
#   bash bench/compile_time.sh                    # g++, -std=c++17 -O0, 5 runs each
#   CXX=clang++ RUNS=9 CXXFLAGS="-std=c++20 -O2" bash bench/compile_time.sh
#   bash bench/compile_time.sh --instructions     # also count the compiler's instructions
#                                                 # (valgrind): exact, for a busy machine
#   bash bench/compile_time.sh --check            # exit 1 if compile-once mode misses a target
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. tools/ci/lib.sh

check=0
instructions=0
for arg in "$@"; do
    case $arg in
        --check) check=1 ;;
        --instructions) instructions=1 ;;
        *) echo "usage: bash bench/compile_time.sh [--instructions] [--check]" >&2; exit 2 ;;
    esac
done

cxx=${CXX:-g++}
runs=${RUNS:-5}
read -r -a flags <<< "${CXXFLAGS:--std=c++17 -O0}"
packages=(libasio-dev)
[ "$cxx" = g++ ] && packages+=(g++)
[ "$instructions" = 1 ] && packages+=(valgrind)
netsock_ensure_packages "${packages[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '#include <net/net.hpp>\nint main() { return 0; }\n' > "$work/netsock.cpp"
printf '#include <asio.hpp>\nint main() { return 0; }\n' > "$work/asio.cpp"
printf '#define NETSOCK_SEPARATE_COMPILATION\n#include <net/net.hpp>\nint main() { return 0; }\n' \
    > "$work/once.cpp"

# Every <...> include of netsock's headers; a name without '.' or '/' is a standard library
# header, the rest are OS headers.
mapfile -t all_includes < <(grep -rhoE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<[^>]+>' include/net |
    sed -E 's/.*<([^>]+)>.*/\1/' | sort -u)

# headers_of <tu> <out-std> <out-std+os>: write the TUs with the standard (and OS) headers
# that netsock includes and the compiler really reads for <tu>.
headers_of() {
    local tu=$1 out_std=$2 out_os=$3 h std_h=() os_h=()
    "$cxx" "${flags[@]}" -Iinclude -M "$work/$tu.cpp" | tr ' \\' '\n\n' | sed '/^$/d' > "$work/$tu.deps"
    for h in "${all_includes[@]}"; do
        grep -qE "/${h//./\\.}\$" "$work/$tu.deps" || continue
        if [[ $h =~ ^[a-z_]+$ ]]; then std_h+=("$h"); else os_h+=("$h"); fi
    done
    {
        echo "// the C++ standard headers netsock includes ($tu)"
        printf '#include <%s>\n' "${std_h[@]}"
        echo "int main() { return 0; }"
    } > "$work/$out_std.cpp"
    {
        echo "// the standard and OS headers netsock includes ($tu)"
        printf '#include <%s>\n' "${std_h[@]}" "${os_h[@]}"
        echo "int main() { return 0; }"
    } > "$work/$out_os.cpp"
    echo "$tu: std headers (${#std_h[@]}): ${std_h[*]}"
    echo "$tu: os headers  (${#os_h[@]}): ${os_h[*]}"
}

compile() { "$cxx" "${flags[@]}" -Iinclude -c "$work/$1.cpp" -o "$work/$1.o"; }

# measure <name>: compile $work/<name>.cpp $runs times (after one warm-up run), print
# "<median wall> <median cpu>" in seconds; cpu = user + sys of the compiler, which a busy
# machine disturbs less than the wall time.
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
measure() {
    local name=$1 i out real user sys walls=() cpus=()
    compile "$name"
    for ((i = 0; i < runs; i++)); do
        out=$( { TIMEFORMAT='%R %U %S'; time compile "$name"; } 2>&1 )
        read -r real user sys <<< "$out"
        walls+=("$real")
        cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')")
    done
    printf '%s %s\n' "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)"
}

# count <name>: millions of instructions the compiler (driver and cc1plus) executes.
count() {
    valgrind --tool=cachegrind --cache-sim=no --trace-children=yes --cachegrind-out-file=/dev/null \
        "$cxx" "${flags[@]}" -Iinclude -c "$work/$1.cpp" -o "$work/$1.o" 2>&1 |
        awk '/I +refs:/ { gsub(",", "", $NF); s += $NF } END { printf "%.0f\n", s / 1e6 }'
}

echo "compiler: $("$cxx" --version | head -n 1)"
echo "flags:    ${flags[*]}   runs: $runs (median; one warm-up run each)"
headers_of netsock std std_os
headers_of once once_std once_std_os
echo
names=(std std_os netsock asio once_std once_std_os once)
declare -A wall cpu ins
for name in "${names[@]}"; do
    read -r w c < <(measure "$name")
    wall[$name]=$w
    cpu[$name]=$c
    [ "$instructions" = 1 ] && ins[$name]=$(count "$name")
done

if [ "$instructions" = 1 ]; then
    printf '%-9s %9s %9s %14s\n' "TU" "wall (s)" "cpu (s)" "instr. (M)"
else
    printf '%-9s %9s %9s\n' "TU" "wall (s)" "cpu (s)"
fi
for name in "${names[@]}"; do
    label=$name
    case $name in
        std_os) label="std+os" ;;
        once_std) label="once-std" ;;
        once_std_os) label="once-os" ;;
    esac
    if [ "$instructions" = 1 ]; then
        printf '%-9s %9.3f %9.3f %14s\n' "$label" "${wall[$name]}" "${cpu[$name]}" "${ins[$name]}"
    else
        printf '%-9s %9.3f %9.3f\n' "$label" "${wall[$name]}" "${cpu[$name]}"
    fi
done
echo
# summary <label> <tu> <std tu> <std+os tu>
summary() {
    local label=$1 tu=$2 s=$3 o=$4
    read -r ratio above_std above_os < <(awk -v n="${cpu[$tu]}" -v a="${cpu[asio]}" \
        -v s="${cpu[$s]}" -v o="${cpu[$o]}" 'BEGIN { printf "%.3f %.3f %.3f\n", n / a, n - s, n - o }')
    echo "$label:"
    echo "  / asio:          ${ratio}x   (target <= 0.2x; cpu time)"
    echo "  - std headers:   ${above_std} s  (target <= 0.15 s)"
    echo "  - std+os:        ${above_os} s"
    if [ "$instructions" = 1 ]; then
        # Instructions to seconds at the rate this machine compiled asio.
        awk -v n="${ins[$tu]}" -v a="${ins[asio]}" -v s="${ins[$s]}" -v o="${ins[$o]}" \
            -v at="${cpu[asio]}" 'BEGIN {
                printf "  by instructions: / asio %.3fx, - std %.0fM (~%.3f s), - std+os %.0fM (~%.3f s)\n",
                    n / a, n - s, (n - s) * at / a, n - o, (n - o) * at / a }'
    fi
}
summary "netsock, header-only (the default)" netsock std std_os
summary "netsock, compile-once mode (NETSOCK_SEPARATE_COMPILATION), per file" once once_std once_std_os

if [ "$check" = 1 ]; then
    # The budget applies to what a file of a program pays in compile-once mode (README).
    if awk -v r="$ratio" -v d="$above_std" 'BEGIN { exit !(r > 0.2 || d > 0.15) }'; then
        echo "compile_time: a target was missed (compile-once mode)" >&2
        exit 1
    fi
    echo "compile_time: compile-once mode within budget"
fi
