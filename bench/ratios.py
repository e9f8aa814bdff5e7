#!/usr/bin/env python3
"""netsock/raw ratios from Google Benchmark JSON (bench/micro).

    micro --benchmark_repetitions=9 --benchmark_enable_random_interleaving=true \
          --benchmark_format=json > micro.json
    python3 bench/ratios.py micro.json            # a text table
    python3 bench/ratios.py --markdown micro.json # the same as a Markdown table

Benchmarks come in pairs `<case>/netsock` and `<case>/raw`. For each pair: the median time of
each side over the repetitions (CPU time of the benchmark thread; real time for cases marked
`/real_time`, which involve a second thread), its min-max, and the ratio of the medians.
Syscall-bound pairs have the target netsock/raw <= 1.02; the others are informational.
Exit code 0 in every case (a missed target is a finding, not an error), 2 for bad input.
"""

import json
import statistics
import sys

SYSCALL_BOUND = ("send_recv_64", "send_recv_64_timeout", "sendall_1MiB",
                 "poller_wait_1000_idle_1_ready", "poller_wait_1000_idle_1_ready_100ms",
                 "make_socket_close")
TARGET = 1.02


def load(path):
    with (sys.stdin if path == "-" else open(path)) as f:
        data = json.load(f)
    samples = {}  # (case, side) -> [ns]
    for b in data.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
            continue
        parts = b["name"].split("/")
        real = parts[-1] == "real_time"
        if real:
            parts = parts[:-1]
        if len(parts) < 2 or parts[-1] not in ("netsock", "raw"):
            continue
        case, side = "/".join(parts[:-1]), parts[-1]
        scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        value = (b["real_time"] if real else b["cpu_time"]) * scale
        samples.setdefault((case, side), []).append(value)
    return data.get("context", {}), samples


def rows(samples):
    cases = sorted({c for c, _ in samples}, key=lambda c: (c not in SYSCALL_BOUND, c))
    out = []
    for case in cases:
        n, r = samples.get((case, "netsock")), samples.get((case, "raw"))
        if not n or not r:
            continue
        mn, mr = statistics.median(n), statistics.median(r)
        ratio = mn / mr
        bound = case in SYSCALL_BOUND
        verdict = ("met" if ratio <= TARGET else "MISSED") if bound else "-"
        out.append(dict(case=case, n=mn, n_min=min(n), n_max=max(n), r=mr, r_min=min(r),
                        r_max=max(r), ratio=ratio, reps=min(len(n), len(r)),
                        target=f"<= {TARGET}" if bound else "info", verdict=verdict))
    return out


def fmt_ns(v):
    return f"{v / 1e3:.1f} us" if v >= 10000 else f"{v:.0f} ns"


def main(argv):
    markdown = "--markdown" in argv
    paths = [a for a in argv if a != "--markdown"] or ["-"]
    if len(paths) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        _, samples = load(paths[0])
    except (OSError, ValueError, KeyError) as e:
        print(f"ratios.py: cannot read {paths[0]}: {e}", file=sys.stderr)
        return 2
    table = rows(samples)
    if not table:
        print("ratios.py: no netsock/raw pairs in the input", file=sys.stderr)
        return 2
    if markdown:
        print("| case | netsock median (min-max) | raw median (min-max) | netsock/raw | target | |")
        print("|---|---|---|---|---|---|")
        for t in table:
            print(f"| {t['case']} | {fmt_ns(t['n'])} ({fmt_ns(t['n_min'])}-{fmt_ns(t['n_max'])}) "
                  f"| {fmt_ns(t['r'])} ({fmt_ns(t['r_min'])}-{fmt_ns(t['r_max'])}) "
                  f"| **{t['ratio']:.3f}** | {t['target']} | {t['verdict']} |")
    else:
        print(f"{'case':40} {'netsock':>10} {'raw':>10} {'ratio':>7}  target   reps")
        for t in table:
            print(f"{t['case']:40} {fmt_ns(t['n']):>10} {fmt_ns(t['r']):>10} {t['ratio']:7.3f}  "
                  f"{t['target']:7} {t['reps']:3}  {t['verdict']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
