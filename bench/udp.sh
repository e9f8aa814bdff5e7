#!/usr/bin/env bash
# bench/udp.sh: examples/udp_echo_server next to a raw recvfrom/sendto loop (bench/udp_raw_echo)
# and a plain Python loop (bench/udp_echo.py), in one run, 64-byte datagrams over loopback,
# and the "UDP echo" section of bench/RESULTS.md written from it; then the batched servers
# (subsection "UDP batches"): a raw recvmmsg/sendmmsg loop (bench/udp_raw_mmsg_echo), netsock's
# recv_batch/send_batch (bench/udp_batch_echo, and udp_echo_server --batch N where the example
# has that option) next to udp_raw_echo, in floods of 256 and 1024 datagrams in flight.
#
#   bash bench/udp.sh [BUILD_DIR]       # about 5 minutes; BUILD_DIR default build-bench
#   NETSOCK_UDP_SMOKE=1 bash bench/udp.sh BUILD_DIR   # a few seconds: runs everything once
#                                                     # (of the batches: udp_batch_echo in
#                                                     # flood256), briefly, checks it works,
#                                                     # writes nothing
#
# 1. Timed: ROUNDS rounds (NETSOCK_UDP_ROUNDS, default 5); in each, every server runs once per
#    scenario, freshly started, in rotating order, driven by bench/udp_load for SECONDS
#    (NETSOCK_UDP_SECONDS, default 2): "pingpong" (one datagram in flight) and "flood" (32 in
#    flight, refilled as echoes arrive); the batch servers and udp_raw_echo in "flood256" and
#    "flood1024" (windows of 256 and 1024; NETSOCK_UDP_BATCH, default 64, datagrams per batch).
#    Medians over the rounds, ratios of the medians to udp_raw_echo (batches: also to
#    udp_raw_mmsg_echo), and the min-max of the per-round (back-to-back) ratios. The CPU time
#    of the server (/proc/PID/task/*/schedstat) and of udp_load (its cpu_s) per datagram show
#    which of the two the run was bound by.
# 2. Counted: each server under `strace -c -f`, then under `perf stat` (if perf can count
#    raw_syscalls:sys_enter here), echoes COUNT datagrams (NETSOCK_UDP_COUNT, default 20000)
#    per scenario; system calls per datagram = (calls of that run - calls of a run that echoes
#    none) / the datagrams the server reports, so start-up and exit cancel out.
# Pinning (NETSOCK_UDP_PIN, default 1 where there are 2+ CPUs): the server on the last CPU, the
# load generator on the others (taskset). NETSOCK_UDP_RESULTS=FILE writes the section there
# instead of bench/RESULTS.md ("-": nowhere). The build needs NETSOCK_BUILD_BENCH=ON and
# NETSOCK_BUILD_EXAMPLES=ON (Release or RelWithDebInfo): this script does not build.
# Every wait is bounded; every server is stopped (SIGTERM, then SIGKILL) when the script ends.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${1:-build-bench}
bin=$build/bench ex=$build/examples
smoke=${NETSOCK_UDP_SMOKE:-0}
rounds=${NETSOCK_UDP_ROUNDS:-5}
secs=${NETSOCK_UDP_SECONDS:-2}
count=${NETSOCK_UDP_COUNT:-20000}
batch=${NETSOCK_UDP_BATCH:-64}
out_md=${NETSOCK_UDP_RESULTS:-bench/RESULTS.md}
if [ "$smoke" = 1 ]; then rounds=1 secs=0.3 count=500 out_md=-; fi
command_line="bash bench/udp.sh $build"
[ "$rounds" = 5 ] && [ "$secs" = 2 ] || command_line="NETSOCK_UDP_ROUNDS=$rounds NETSOCK_UDP_SECONDS=$secs $command_line"
[ "$batch" = 64 ] || command_line="NETSOCK_UDP_BATCH=$batch $command_line"

for f in "$bin/udp_load" "$bin/udp_raw_echo" "$ex/udp_echo_server" "$bin/udp_batch_echo"; do
    [ -x "$f" ] || { echo "udp.sh: $f is missing (build with NETSOCK_BUILD_BENCH=ON NETSOCK_BUILD_EXAMPLES=ON)" >&2; exit 1; }
done
command -v python3 >/dev/null 2>&1 || { echo "udp.sh: python3 is needed" >&2; exit 1; }
# The interpreter itself, not a wrapper script (pyenv's shims) that would run along with it.
python=$(python3 -c 'import sys; print(sys.executable)')

tmp=$(mktemp -d /tmp/netsock-udp.XXXXXX)
server_pid='' wrapper_pid=''
cleanup() {
    local p
    for p in $server_pid $wrapper_pid; do kill -TERM "$p" 2>/dev/null || true; done
    sleep 0.1
    for p in $server_pid $wrapper_pid; do kill -KILL "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

ncpu=$(nproc)
server_pin=() client_pin=() pinning=none
pin=${NETSOCK_UDP_PIN:-same}
if [ "$pin" != none ] && [ "$ncpu" -ge 2 ] && command -v taskset >/dev/null 2>&1 &&
    taskset -c "$((ncpu - 1))" true 2>/dev/null; then
    if [ "$pin" = same ]; then
        server_pin=(taskset -c "$((ncpu - 1))")
        client_pin=(taskset -c "$((ncpu - 1))")
        pinning="server and udp_load both on CPU $((ncpu - 1)) (taskset)"
    else
        server_pin=(taskset -c "$((ncpu - 1))")
        client_pin=(taskset -c "0-$((ncpu - 2))")
        pinning="server on CPU $((ncpu - 1)), udp_load on CPU 0-$((ncpu - 2)) (taskset)"
    fi
fi

# NAME -> command. The example with its default output: "listening on", then the summary.
declare -A cmd=(
    [udp_echo_server]="$ex/udp_echo_server --port 0"
    [udp_raw_echo]="$bin/udp_raw_echo"
    [udp_echo.py]="$python bench/udp_echo.py"
)
servers=(udp_echo_server udp_raw_echo udp_echo.py)
# The batches: udp_raw_echo is the per-datagram reference, udp_raw_mmsg_echo (Linux) the batched
# one; udp_echo_server --batch N once the example has it.
cmd[udp_raw_mmsg_echo]="$bin/udp_raw_mmsg_echo -b $batch"
cmd[udp_batch_echo]="$bin/udp_batch_echo -b $batch"
cmd[udp_echo_server_batch]="$ex/udp_echo_server --port 0 --batch $batch"
batch_servers=(udp_raw_echo)
[ -x "$bin/udp_raw_mmsg_echo" ] && batch_servers+=(udp_raw_mmsg_echo)
batch_servers+=(udp_batch_echo)
"$ex/udp_echo_server" --help 2>/dev/null | grep -q -- '--batch' && batch_servers+=(udp_echo_server_batch)
# NETSOCK_UDP_EXTRA="name=command|name=command": more servers, e.g. variants under study.
if [ -n "${NETSOCK_UDP_EXTRA:-}" ]; then
    IFS='|' read -r -a extra <<< "$NETSOCK_UDP_EXTRA"
    for e in "${extra[@]}"; do
        cmd[${e%%=*}]=${e#*=}
        servers+=("${e%%=*}")
    done
fi
declare -A load_args=(
    [pingpong]="--mode pingpong"
    [flood]="--mode flood --window 32"
    [flood256]="--mode flood --window 256"
    [flood1024]="--mode flood --window 1024"
)
scenarios=(pingpong flood flood256 flood1024)
# SCENARIO -> the servers it measures.
declare -A sc_servers=(
    [pingpong]="${servers[*]}"
    [flood]="${servers[*]}"
    [flood256]="${batch_servers[*]}"
    [flood1024]="${batch_servers[*]}"
)
if [ "$smoke" = 1 ]; then # one batch row
    scenarios=(pingpong flood flood256)
    sc_servers[flood256]=udp_batch_echo
fi
all_servers=("${servers[@]}")
for s in "${batch_servers[@]}"; do
    [[ " ${servers[*]} " == *" $s "* ]] || all_servers+=("$s")
done

# start NAME WRAPPER...: starts server NAME (under WRAPPER, e.g. strace) and waits (at most
# 10 s) for its "listening on" line; sets server_pid, wrapper_pid and port.
start() {
    local name=$1 i
    shift
    : > "$tmp/server.out"
    # shellcheck disable=SC2086
    "$@" ${cmd[$name]} > "$tmp/server.out" 2> "$tmp/server.err" < /dev/null &
    wrapper_pid=$!
    port=
    for ((i = 0; i < 200; i++)); do
        port=$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$tmp/server.out" | head -1)
        [ -n "$port" ] && break
        kill -0 "$wrapper_pid" 2>/dev/null || break
        sleep 0.05 # polls the child's output file (process start-up, not a socket)
    done
    [ -n "$port" ] || { echo "udp.sh: $name did not start:" >&2; cat "$tmp/server.out" "$tmp/server.err" >&2; exit 1; }
    # A wrapper (strace, taskset execs) may have forked the server: signal the server itself.
    server_pid=$(pgrep -P "$wrapper_pid" | head -1 || true)
    [ -n "$server_pid" ] || server_pid=$wrapper_pid
}

# stop: SIGTERM, at most 5 s for the server (and its wrapper) to exit, then SIGKILL.
stop() {
    local i
    kill -TERM "$server_pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$wrapper_pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$server_pid" "$wrapper_pid" 2>/dev/null || true
    wait "$wrapper_pid" 2>/dev/null || true
    server_pid='' wrapper_pid=''
}

# The CPU time (ns) the server's threads have used so far (0 where schedstat is missing).
server_cpu_ns() {
    local f total=0 ns
    for f in /proc/"$server_pid"/task/*/schedstat; do
        read -r ns _ < "$f" 2>/dev/null || continue
        total=$((total + ns))
    done
    echo "$total"
}

# The datagrams the server says it echoed (its last line), or empty.
server_count() {
    sed -n -e 's/^echoed \([0-9][0-9]*\) datagram(s), exiting$/\1/p' \
        -e 's/^stopped after \([0-9][0-9]*\) datagram(s)$/\1/p' "$tmp/server.out" | tail -1
}

rotate() { # N WORDS...: the words rotated left by N
    local n=$1
    shift
    local w=("$@") i
    for ((i = 0; i < $#; i++)); do printf '%s ' "${w[$(((i + n) % $#))]}"; done
}

note() { echo "[udp.sh] $*"; }

# --- 1. timed, interleaved ----------------------------------------------------------------------
field() { sed -n "s/.* $1=\([0-9.]*\) .*/\1/p" <<< "$line"; } # KEY: its value in $line
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
: > "$tmp/rates.tsv"
failed=0
note "timed: $rounds round(s) of ${secs}s per server and scenario; pinning: $pinning"
for ((r = 1; r <= rounds; r++)); do
    for sc in "${scenarios[@]}"; do
        # shellcheck disable=SC2086
        for s in $(rotate "$r" ${sc_servers[$sc]}); do
            start "$s" "${server_pin[@]}"
            # shellcheck disable=SC2086
            line=$("${client_pin[@]}" "$bin/udp_load" --port "$port" ${load_args[$sc]} --duration "$secs" || true)
            cpu_ns=$(server_cpu_ns)
            stop
            echo "  $sc #$r $s: ${line#udp_load }"
            grep -q ' ok=1' <<< "$line" || failed=1
            # Rows: scenario server round rate sent lost load-cpu-s server-cpu-ns server-echoed.
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$sc" "$s" "$r" "$(field datagrams_per_s)" \
                "$(field sent)" "$(field lost)" "$(field cpu_s)" "$cpu_ns" "$(server_count)" >> "$tmp/rates.tsv"
        done
    done
done

# --- 2. counted: system calls per datagram (strace -c -f; perf stat where it works) ----------
# count_run TOOL NAME SCENARIO N OUT: server NAME under TOOL (strace or perf) echoes N
# datagrams (none for N=0); sets done_n to the datagrams it reports.
count_run() {
    local tool=$1 name=$2 sc=$3 n=$4 out=$5 line=''
    if [ "$tool" = strace ]; then
        start "$name" strace -f -c -o "$out"
    else
        start "$name" perf stat -e raw_syscalls:sys_enter -x, -o "$out" --
    fi
    if [ "$n" -gt 0 ]; then
        # shellcheck disable=SC2086
        line=$("$bin/udp_load" --port "$port" ${load_args[$sc]} --count "$n" --duration 120 || true)
        grep -q ' ok=1' <<< "$line" || { echo "udp.sh: $tool run of $name: $line" >&2; failed=1; }
    fi
    stop
    done_n=$(server_count)
    [ -n "$done_n" ] || done_n=$(sed -n 's/.* received=\([0-9]*\) .*/\1/p' <<< "$line")
}
# per_datagram BASE RUN N: "total<TAB>breakdown" per datagram from two strace -c summaries.
per_datagram_strace() {
    python3 - "$@" <<'PY'
import sys

def calls(path):
    out = {}
    for line in open(path):
        f = line.split()
        if len(f) >= 5 and f[0][0].isdigit() and f[3].isdigit():
            out[f[-1]] = int(f[3])
    return out

base, run = calls(sys.argv[1]), calls(sys.argv[2])
n = int(sys.argv[3] or 0)
if n <= 0 or "total" not in run:
    print("-\t-")
    sys.exit(0)
per = {k: (v - base.get(k, 0)) / n for k, v in run.items()}
total = per.pop("total")
parts = ", ".join(f"{k} {v:.2f}" for k, v in sorted(per.items(), key=lambda kv: -kv[1]) if v >= 0.005)
print(f"{total:.2f}\t{parts}")
PY
}
perf_calls() { sed -n 's/^\([0-9][0-9]*\),.*raw_syscalls:sys_enter.*/\1/p' "$1"; }

: > "$tmp/syscalls.tsv"
have_strace=0 have_perf=0
command -v strace >/dev/null 2>&1 && strace -f -c -o /dev/null -- true >/dev/null 2>&1 && have_strace=1
if command -v perf >/dev/null 2>&1 && perf stat -e raw_syscalls:sys_enter -o /dev/null -- true >/dev/null 2>&1; then
    have_perf=1
fi
[ $have_strace = 1 ] || note "strace missing or not permitted here: its columns are left out"
note "counted: system calls per datagram, $count datagrams per server and scenario (strace -c -f$([ $have_perf = 1 ] && echo '; perf stat'))"
for s in "${all_servers[@]}"; do
    [ $have_strace = 1 ] && count_run strace "$s" pingpong 0 "$tmp/strace.base"
    [ $have_perf = 1 ] && count_run perf "$s" pingpong 0 "$tmp/perf.base"
    for sc in "${scenarios[@]}"; do
        [[ " ${sc_servers[$sc]} " == *" $s "* ]] || continue
        st="-	-" pf="-" n=0
        if [ $have_strace = 1 ]; then
            count_run strace "$s" "$sc" "$count" "$tmp/strace.$sc"
            n=$done_n
            st=$(per_datagram_strace "$tmp/strace.base" "$tmp/strace.$sc" "$done_n")
        fi
        if [ $have_perf = 1 ]; then
            count_run perf "$s" "$sc" "$count" "$tmp/perf.$sc"
            a=$(perf_calls "$tmp/perf.base") b=$(perf_calls "$tmp/perf.$sc")
            if [ -n "$a" ] && [ -n "$b" ] && [ "${done_n:-0}" -gt 0 ]; then
                pf=$(awk -v a="$a" -v b="$b" -v n="$done_n" 'BEGIN { printf "%.2f", (b - a) / n }')
            fi
            [ "$n" -gt 0 ] || n=$done_n
        fi
        # Rows: scenario server datagrams strace-total strace-breakdown perf-total.
        printf '%s\t%s\t%s\t%s\t%s\n' "$sc" "$s" "$n" "$st" "$pf" >> "$tmp/syscalls.tsv"
        tail -1 "$tmp/syscalls.tsv" | awk -F'\t' '{ printf "  %s %s: %s datagrams, system calls per datagram: strace %s (%s), perf %s\n", $1, $2, $3, $4, $5, $6 }'
    done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# --- report ------------------------------------------------------------------------------------
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- include examples bench 2>/dev/null || commit="$commit+local changes"
python3 - "$tmp/rates.tsv" "$tmp/syscalls.tsv" "${servers[*]}" "${batch_servers[*]}" > "$tmp/section.md" <<PY
import statistics, sys
rates, calls, runs = {}, {}, {}
def num(x):
    try:
        return float(x)
    except ValueError:
        return 0.0
for line in open(sys.argv[1]):
    sc, s, r, v, sent, lost, load_cpu, server_ns, echoed = line.rstrip("\n").split("\t")
    rates.setdefault((sc, s), {})[int(r)] = num(v)
    runs.setdefault((sc, s), []).append((num(sent), num(lost), num(load_cpu), num(server_ns) / 1e9, num(echoed)))
for line in open(sys.argv[2]):
    sc, s, n, total, parts, perf = line.rstrip("\n").split("\t")
    calls[(sc, s)] = (n, total, parts, perf)
servers = sys.argv[3].split()
batch_servers = sys.argv[4].split()
desc = {"pingpong": "1 datagram in flight (\`udp_load --mode pingpong\`)",
        "flood": "32 datagrams in flight (\`udp_load --mode flood --window 32\`)"}
print("## UDP echo")
print()
print("Written by \`bash bench/udp.sh\` (bench/run.sh keeps this section as it is). 64-byte")
print("datagrams over loopback; \`examples/udp_echo_server\` (default output: no line per datagram)")
print("next to \`bench/udp_raw_echo\` (a blocking recvfrom/sendto loop, no library) and")
print("\`bench/udp_echo.py\` (the same loop in plain Python). In each round every server ran once")
print("per scenario, freshly started, in rotating order, for $secs s; medians of $rounds rounds.")
print("Ratio = median rate / median rate of udp_raw_echo; \"paired\" = min-max of the per-round")
print("ratios (the two ran back to back).")
print()
print("- date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit")
print("- CPU: ${cpu_model:-unknown}, nproc $ncpu; kernel $(uname -sr)")
print("- pinning: $pinning; load average before / after: $load_before / $load_after")
print()
print("\`\`\`sh")
print("$command_line")
print("\`\`\`")
print()
print("| scenario | server | datagrams/s median (min-max) | ratio vs raw | paired min-max | system calls / datagram (strace) |")
print("|---|---|---|---|---|---|")
for sc in ["pingpong", "flood"]:
    raw = rates.get((sc, "udp_raw_echo"), {})
    raw_med = statistics.median(raw.values()) if raw else 0
    for s in servers:
        v = rates.get((sc, s))
        if not v:
            continue
        med = statistics.median(v.values())
        ratio = f"**{med / raw_med:.3f}**" if raw_med else "-"
        paired = [v[r] / raw[r] for r in v if r in raw and raw[r] > 0]
        pr = f"{min(paired):.2f}-{max(paired):.2f}" if paired and s != "udp_raw_echo" else "-"
        c = calls.get((sc, s), ("", "-", "", ""))[1]
        print(f"| {sc} | {s} | {med:,.0f} ({min(v.values()):,.0f}-{max(v.values()):,.0f}) | {ratio} | {pr} | {c} |")
print()
print("Scenarios: " + "; ".join(f"{k}: {d}" for k, d in desc.items()) + ".")
print()
print("System calls per datagram, counted: each server alone echoes a fixed number of")
print("datagrams (\`udp_load --count $count\`, both scenarios), minus a run that echoes none")
print("(start-up and exit), divided by the datagrams the server reports; under \`strace -c -f\`")
print("(with the calls by name) and under \`perf stat -e raw_syscalls:sys_enter\` (all threads).")
print("strace stops the server at every call, so more datagrams wait in its socket than in a")
print("normal run and a server that polls when its socket is empty polls less; perf does not")
print("slow it down.")
print()
print("| scenario | server | datagrams | strace: calls / datagram | strace: by call | perf: calls / datagram |")
print("|---|---|---|---|---|---|")
for sc in ["pingpong", "flood"]:
    for s in servers:
        if (sc, s) in calls:
            n, total, parts, perf = calls[(sc, s)]
            print(f"| {sc} | {s} | {n} | {total} | {parts} | {perf} |")

batch_scenarios = [sc for sc in ["flood256", "flood1024"] if any((sc, s) in rates for s in batch_servers)]
if batch_scenarios:
    name = {"udp_raw_mmsg_echo": "udp_raw_mmsg_echo -b $batch", "udp_batch_echo": "udp_batch_echo -b $batch",
            "udp_echo_server_batch": "udp_echo_server --batch $batch"}
    def med(sc, s):
        v = rates.get((sc, s), {})
        return statistics.median(v.values()) if v else 0
    def vs(sc, s, ref):
        a, b = rates.get((sc, s), {}), rates.get((sc, ref), {})
        if not a or not b or med(sc, ref) == 0 or s == ref:
            return "-", None
        paired = [a[r] / b[r] for r in a if r in b and b[r] > 0]
        x = med(sc, s) / med(sc, ref)
        return (f"**{x:.3f}** ({min(paired):.2f}-{max(paired):.2f})" if paired else f"**{x:.3f}**"), x
    def per(sc, s, i, j):  # median over rounds of field i / field j, in microseconds
        v = [r[i] / r[j] * 1e6 for r in runs.get((sc, s), []) if r[j] > 0 and r[i] > 0]
        return f"{statistics.median(v):.2f}" if v else "-"
    print()
    print("### UDP batches")
    print()
    print("The same run, floods with more in flight so that batches fill: \`bench/udp_raw_mmsg_echo\`")
    print("(a blocking recvmmsg with MSG_WAITFORONE, up to $batch datagrams, and a sendmmsg of what")
    print("came, no library), \`bench/udp_batch_echo\` (the same loop on \`net::recv_batch\` /")
    print("\`net::send_batch\`, nothing else) and, where the example has the option,")
    print("\`udp_echo_server --batch $batch\`, next to the per-datagram \`udp_raw_echo\`; interleaved")
    print("with each other as above. Ratios of the medians, and in brackets the min-max of the")
    print("per-round (back-to-back) ratios. Lost: datagrams dropped on the way (the server's")
    print("default receive buffer holds a few hundred 64-byte datagrams), median over the rounds, of")
    print("those sent. CPU per datagram: the server's CPU time (schedstat of its threads) over the")
    print("datagrams it echoed, and \`udp_load\`'s (its own user + system time) over the echoes it got;")
    print("medians over the rounds. With both on one CPU a run is bound by their sum.")
    print()
    print("| scenario | server | datagrams/s median (min-max) | lost | vs udp_raw_echo | vs udp_raw_mmsg_echo | CPU µs / datagram: server | CPU µs / datagram: udp_load | system calls / datagram (strace; perf) |")
    print("|---|---|---|---|---|---|---|---|---|")
    checks = []
    for sc in batch_scenarios:
        for s in batch_servers:
            v = rates.get((sc, s))
            if not v:
                continue
            lost = [r[1] / r[0] for r in runs[(sc, s)] if r[0] > 0]
            lost_s = f"{100 * statistics.median(lost):.1f} %" if lost else "-"
            raw_s, raw_x = vs(sc, s, "udp_raw_echo")
            mm_s, mm_x = vs(sc, s, "udp_raw_mmsg_echo")
            if s == "udp_raw_echo":
                raw_s = "**1.000**"
            if s == "udp_raw_mmsg_echo":
                mm_s = "**1.000**"
            load_us = [r[2] / (r[0] - r[1]) * 1e6 for r in runs[(sc, s)] if r[0] - r[1] > 0 and r[2] > 0]
            load_s = f"{statistics.median(load_us):.2f}" if load_us else "-"
            c = calls.get((sc, s), ("", "-", "", "-"))
            print(f"| {sc} | {name.get(s, s)} | {med(sc, s):,.0f} ({min(v.values()):,.0f}-{max(v.values()):,.0f}) | "
                  f"{lost_s} | {raw_s} | {mm_s} | {per(sc, s, 3, 4)} | {load_s} | {c[1]}; {c[3]} |")
            if s != "udp_raw_echo" and raw_x is not None:
                checks.append(f"{sc}, {name.get(s, s)}: {raw_x:.2f}x udp_raw_echo (target >= 3): "
                              + ("met" if raw_x >= 3 else "not met"))
            if s in ("udp_batch_echo", "udp_echo_server_batch") and mm_x is not None:
                checks.append(f"{sc}, {name.get(s, s)}: {mm_x:.3f}x udp_raw_mmsg_echo (target >= 0.98): "
                              + ("met" if mm_x >= 0.98 else "not met"))
    print()
    print("Scenarios: flood256: 256 datagrams in flight (\`udp_load --mode flood --window 256\`);")
    print("flood1024: 1024 (\`--window 1024\`, udp_load's largest). System calls per datagram counted")
    print("as above (\`udp_load --count $count\` in each scenario).")
    def cpu(sc, s, i, j):
        v = [r[i] / r[j] * 1e6 for r in runs.get((sc, s), []) if r[j] > 0 and r[i] > 0]
        return statistics.median(v) if v else 0
    notes = []
    for sc in batch_scenarios:
        s_raw, s_mm = cpu(sc, "udp_raw_echo", 3, 4), cpu(sc, "udp_raw_mmsg_echo", 3, 4)
        l_raw = statistics.median([r[2] / (r[0] - r[1]) * 1e6 for r in runs.get((sc, "udp_raw_echo"), [])
                                   if r[0] - r[1] > 0 and r[2] > 0] or [0])
        if s_raw > 0 and s_mm > 0 and l_raw > 0:
            notes.append(f"{sc}: a datagram costs udp_raw_echo {s_raw:.2f} µs of CPU and udp_raw_mmsg_echo "
                         f"{s_mm:.2f} µs ({s_mm / s_raw:.2f}x: batching saves system calls, the network stack's "
                         f"work per datagram stays), so batching can give at most {s_raw / s_mm:.2f}x "
                         f"however fast the load. udp_load itself spends {l_raw:.2f} µs per "
                         f"echo, so with both on one CPU even a server that cost nothing would reach "
                         f"{(s_raw + l_raw) / l_raw:.2f}x udp_raw_echo, and on a CPU of its own the load "
                         f"cannot drive more than {1 / l_raw * 1e6:,.0f} datagrams/s.")
    if notes:
        print()
        print("What bounds these rates (medians of this run):")
        print()
        for n in notes:
            print(f"- {n}")
    if checks:
        print()
        print("Targets (same-run ratios of the medians):")
        print()
        for c in checks:
            print(f"- {c}")
PY
echo
cat "$tmp/section.md"

if [ "$out_md" != - ]; then
    # Replace the section (from "## UDP echo" to the next "## " heading) or append it.
    python3 - "$out_md" "$tmp/section.md" <<'PY'
import os, sys
path, section = sys.argv[1], open(sys.argv[2]).read().rstrip("\n") + "\n"
text = open(path).read() if os.path.exists(path) else ""
lines = text.splitlines(keepends=True)
start = next((i for i, l in enumerate(lines) if l.rstrip("\n") == "## UDP echo"), None)
if start is None:
    text = text.rstrip("\n") + ("\n\n" if text else "") + section
else:
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    rest = "".join(lines[end:])
    text = "".join(lines[:start]) + section + ("\n" + rest if rest else "")
open(path, "w").write(text)
PY
    note "wrote the UDP echo section of $out_md"
fi
[ $failed = 0 ] || { echo "udp.sh: FAILED: a run did not finish cleanly (see above)" >&2; exit 1; }
