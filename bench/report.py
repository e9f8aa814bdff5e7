#!/usr/bin/env python3
"""Writes bench/RESULTS.md (to stdout) from what bench/run.sh measured.

    python3 bench/report.py --meta META --results RESULTS.tsv --micro MICRO.json \
                            [--instructions INSTRUCTIONS.md]

RESULTS.tsv rows: scenario, server, repetition, server CPU ticks during the run, and the one
line the load generator printed (`loadgen key=value ...` or `wrk ...`).
"""

import os
import re
import shlex
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ratios  # noqa: E402  (bench/ratios.py)

NETSOCK = ("threaded_echo_server", "poller_echo_server", "http_server")

# scenario -> (metric key, unit label, work key, work unit)
METRICS = {
    "pingpong_1": ("rt_per_s", "round trips/s", "round_trips", "round trip"),
    "pingpong_8": ("rt_per_s", "round trips/s", "round_trips", "round trip"),
    "many_1000": ("rt_per_s", "round trips/s", "round_trips", "round trip"),
    "many_10000": ("rt_per_s", "round trips/s", "round_trips", "round trip"),
    "stream": ("gbytes_per_s", "GB/s", "bytes", "64 KiB"),
    "http": ("req_per_s", "requests/s", "requests", "request"),
}

DESCRIPTION = {
    "pingpong_1": "1 connection, 64 B ping-pong (`loadgen --mode pingpong --conns 1`)",
    "pingpong_8": "8 connections, 64 B ping-pong (`loadgen --mode pingpong --conns 8`)",
    "many_1000": "1,000 connections x 30 round trips of 64 B (`loadgen --mode many --conns 1000 --rounds 30`)",
    "many_10000": "10,000 connections x 5 round trips of 64 B (`loadgen --mode many --conns 10000 --rounds 5`)",
    "stream": "1 connection, 64 KiB writes echoed back (`loadgen --mode stream --size 65536`)",
    "http": "GET /index.html (a 200-byte file), keep-alive (`wrk -t1 -c64`)",
}

# (scenario, netsock server, reference, target ratio or None, strict "above")
TARGETS = [
    ("pingpong_1", "threaded_echo_server", "raw_threaded_echo", 0.98, False),
    ("pingpong_1", "poller_echo_server", "raw_epoll_echo", None, False),
    ("pingpong_1", "poller_echo_server", "asio_echo", None, False),
    ("pingpong_8", "poller_echo_server", "raw_epoll_echo", None, False),
    ("pingpong_8", "poller_echo_server", "asio_echo", None, False),
    ("many_1000", "poller_echo_server", "raw_epoll_echo", 1.0, False),
    ("many_1000", "poller_echo_server", "asio_echo", 1.0, True),
    ("many_10000", "poller_echo_server", "raw_epoll_echo", 1.0, False),
    ("many_10000", "poller_echo_server", "asio_echo", 1.0, True),
    ("stream", "threaded_echo_server", "raw_threaded_echo", 0.98, False),
    ("stream", "poller_echo_server", "raw_epoll_echo", 0.98, False),
    ("stream", "poller_echo_server", "asio_echo", None, False),
    ("http", "http_server", "raw_epoll_http", 0.95, False),
    ("http", "http_server", "nginx", 1.0, True),
]

NOISE = 0.05  # ratios within a run hold to about this


def parse_line(line):
    out = {}
    for tok in shlex.split(line)[1:]:
        if "=" in tok:
            k, v = tok.split("=", 1)
            out[k] = v
    return out


def load_results(path):
    rows = []
    with open(path) as f:
        for raw in f:
            parts = raw.rstrip("\n").split("\t", 4)
            if len(parts) != 5:
                continue
            scenario, server, rep, ticks, line = parts
            kv = parse_line(line)
            rows.append(dict(scenario=scenario, server=server, rep=int(rep), ticks=int(ticks or 0),
                             ok=kv.get("ok") == "1", kv=kv, line=line))
    return rows


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt(v, unit):
    if v != v:
        return "-"
    if unit == "GB/s":
        return f"{v:.3f}"
    return f"{v:,.0f}"


def main(argv):
    args = dict(zip(argv[0::2], argv[1::2]))
    meta = {}
    with open(args["--meta"]) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    rows = load_results(args["--results"])
    clk = float(meta.get("clk_tck", "100"))
    p = print

    p("# netsock benchmark results")
    p()
    p("Written by `bash bench/run.sh` (do not edit by hand). Everything below was measured in one")
    p("run on one machine; netsock and its references ran alternately (each repetition runs every")
    p("server once, in rotating order, each freshly started). The machine is shared and noisy:")
    p("absolute numbers drift 15-45 % between runs, ratios within a run hold to about 5 %, so read")
    p("the ratios. Medians over the repetitions, with min-max.")
    p()
    p("## Machine")
    p()
    p(f"- date: {meta.get('date', '?')}, commit {meta.get('commit', '?')}")
    p(f"- CPU: {meta.get('cpu', '?')}, nproc {meta.get('nproc', '?')}; kernel {meta.get('kernel', '?')}")
    p(f"- compiler: {meta.get('compiler', '?')}, -O2 (CMake RelWithDebInfo)")
    p(f"- load average before / after: {meta.get('load_before', '?')} / {meta.get('load_after', '?')}")
    p(f"- pinning: {meta.get('pinning', '?')}; RLIMIT_NOFILE {meta.get('fd_limit', '?')}")
    p(f"- {meta.get('reps', '?')} repetitions of {meta.get('seconds', '?')} s per timed run; "
      f"{meta.get('nginx', '')}, {meta.get('wrk', '')}; whole run {meta.get('total_seconds', '?')} s")
    p()
    p("## Commands")
    p()
    p("```sh")
    p("bash bench/run.sh      # builds build/bench at -O2, runs all of the below, writes this file")
    p("build/bench/bench/micro --benchmark_repetitions=9 --benchmark_enable_random_interleaving=true \\")
    p("    --benchmark_min_time=0.1 --benchmark_format=json > micro.json && python3 bench/ratios.py micro.json")
    p("python3 bench/instructions.py build/bench/bench/micro")
    p("build/bench/examples/poller_echo_server --port 0 --quiet &   # or any server below")
    p("build/bench/bench/loadgen --port PORT --mode many --conns 10000 --rounds 5")
    p("wrk -t1 -c64 -d2s http://127.0.0.1:PORT/index.html")
    p("```")
    p()

    # --- servers ---
    p("## Servers: netsock / reference")
    p()
    p("Ratio = median rate of the netsock server / median rate of the reference (higher is better")
    p("for netsock); \"paired\" = min-max of the per-repetition ratios (the two ran back to back).")
    p("For ping-pong, \"p50 ratio\" = reference p50 round-trip time / netsock p50: a run that")
    p("another tenant of the machine interrupts loses rate but hardly moves its median latency, so")
    p("this is the steadier view of the same thing.")
    p()
    p("| scenario | netsock server | reference | ratio | paired min-max | p50 ratio | target | result |")
    p("|---|---|---|---|---|---|---|---|")
    by = {}
    for r in rows:
        if r["ok"] and r["scenario"] in METRICS:
            by.setdefault((r["scenario"], r["server"]), []).append(r)
    verdicts = []
    for scenario, ns, ref, target, strict in TARGETS:
        a, b = by.get((scenario, ns)), by.get((scenario, ref))
        if not a or not b:
            continue
        key = METRICS[scenario][0]
        ma = med([float(r["kv"][key]) for r in a])
        mb = med([float(r["kv"][key]) for r in b])
        ratio = ma / mb
        pb = {r["rep"]: float(r["kv"][key]) for r in b}
        paired = [float(r["kv"][key]) / pb[r["rep"]] for r in a if r["rep"] in pb and pb[r["rep"]] > 0]
        if target is None:
            tgt, res = "info", "-"
        else:
            ok = ratio > target if strict else ratio >= target
            tgt = f"> {target:.2f}" if strict else f">= {target:.2f}"
            if ok:
                res = "met"
            elif ratio >= target - NOISE:
                res = "missed (within noise)"
            else:
                res = "**missed**"
            verdicts.append((scenario, ns, ref, ratio, tgt, res))
        pr = f"{min(paired):.2f}-{max(paired):.2f}" if paired else "-"
        lat = "-"
        if scenario.startswith("pingpong"):
            la = med([float(r["kv"]["p50_us"]) for r in a if "p50_us" in r["kv"]])
            lb = med([float(r["kv"]["p50_us"]) for r in b if "p50_us" in r["kv"]])
            if la > 0:
                lat = f"{lb / la:.3f}"
        p(f"| {scenario} | {ns} | {ref} | **{ratio:.3f}** | {pr} | {lat} | {tgt} | {res} |")
    p()
    if meta.get("http_skipped"):
        p(f"HTTP: skipped — {meta['http_skipped']}.")
        p()

    p("## Servers: every measurement")
    p()
    p("CPU = user+sys time of the server process (children included) during the run, from")
    p(f"/proc/<pid>/stat (clock ticks of 1/{clk:.0f} s), divided by the work done.")
    p()
    for scenario in METRICS:
        servers = sorted({r["server"] for r in rows if r["scenario"] == scenario},
                         key=lambda s: (s not in NETSOCK, s))
        if not servers:
            continue
        key, unit, work_key, work_unit = METRICS[scenario]
        p(f"### {scenario}: {DESCRIPTION[scenario]}")
        p()
        lat = scenario != "stream" and scenario != "http"
        head = f"| server | {unit} median (min-max) |"
        if lat:
            head += " p50 / p99 latency (us) |"
        head += f" server CPU per {work_unit} (us) | runs ok |"
        p(head)
        p("|---" * (head.count("|") - 1) + "|")
        for s in servers:
            rs = [r for r in rows if r["scenario"] == scenario and r["server"] == s]
            good = [r for r in rs if r["ok"]]
            vals = [float(r["kv"][key]) for r in good]
            line = f"| {s} | {fmt(med(vals), unit)} ({fmt(min(vals), unit) if vals else '-'}-{fmt(max(vals), unit) if vals else '-'}) |"
            if lat:
                p50 = med([float(r["kv"].get("p50_us", "nan")) for r in good])
                p99 = med([float(r["kv"].get("p99_us", "nan")) for r in good])
                line += f" {p50:.1f} / {p99:.1f} |"
            cpu = []
            for r in good:
                work = float(r["kv"].get(work_key, "0"))
                if work_key == "bytes":
                    work /= 65536.0
                if work > 0:
                    cpu.append(r["ticks"] / clk * 1e6 / work)
            line += f" {med(cpu):.2f} |" if cpu else " - |"
            line += f" {len(good)}/{len(rs)} |"
            p(line)
        failed = [r for r in rows if r["scenario"] == scenario and not r["ok"]]
        for r in failed[:3]:
            p()
            p(f"failed run: {r['server']} #{r['rep']}: `{r['line'][:300]}`")
        p()

    # --- work per request ---
    work = args.get("--work")
    if work and os.path.exists(work) and os.path.getsize(work) > 0:
        p("## Servers: work per request, counted")
        p()
        p("`bash bench/work.sh`: each server alone, a fixed amount of work. System calls per request")
        p("from `perf stat -e raw_syscalls:sys_enter` (all threads); user-space instructions per")
        p("request from callgrind (a run of N requests minus a run of 1). These repeat from run to run,")
        p("unlike times. Clock reads through the vDSO are not system calls natively; under callgrind")
        p("they are, so they count only as their libc wrapper.")
        p()
        p("| scenario | server | requests | syscalls / request | user instructions / request |")
        p("|---|---|---|---|---|")
        with open(work) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 5:
                    sc, srv, n, calls, ir = parts
                    name = f"**{srv}**" if srv in NETSOCK else srv
                    p(f"| {sc} | {name} | {n} | {calls} | {ir} |")
        p()

    # --- micro ---
    p("## Micro-benchmarks: netsock / raw syscalls")
    p()
    p("`bench/micro` (Google Benchmark), each netsock case next to the raw calls doing the same")
    p("work (MSG_NOSIGNAL, SOCK_CLOEXEC, the same checks), 9 repetitions interleaved at random.")
    p("CPU time of the benchmark thread (real time for sendall, which has a reader thread).")
    p()
    try:
        _, samples = ratios.load(args["--micro"])
        table = ratios.rows(samples)
        p("| case | netsock median (min-max) | raw median (min-max) | netsock/raw | target | |")
        p("|---|---|---|---|---|---|")
        for t in table:
            p(f"| {t['case']} | {ratios.fmt_ns(t['n'])} ({ratios.fmt_ns(t['n_min'])}-{ratios.fmt_ns(t['n_max'])}) "
              f"| {ratios.fmt_ns(t['r'])} ({ratios.fmt_ns(t['r_min'])}-{ratios.fmt_ns(t['r_max'])}) "
              f"| **{t['ratio']:.3f}** | {t['target']} | {t['verdict']} |")
    except (OSError, ValueError, KeyError) as e:
        p(f"(no micro-benchmark results: {e})")
    p()
    instr = args.get("--instructions")
    if instr and os.path.exists(instr) and os.path.getsize(instr) > 0:
        p("### User-space instructions per operation (callgrind, repeatable)")
        p()
        p("`python3 bench/instructions.py build/bench/bench/micro`: inclusive instructions of the")
        p("per-iteration function of each case, per call (library code and libc wrappers; the")
        p("kernel's work, the same on both sides, is not counted).")
        p()
        with open(instr) as f:
            p(f.read().rstrip())
        p()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
