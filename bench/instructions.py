#!/usr/bin/env python3
"""User-space instructions per operation, netsock next to raw, counted by callgrind.

    python3 bench/instructions.py build/bench/bench/micro [--markdown] [--filter REGEX]

Runs bench/micro once under `valgrind --tool=callgrind` (a short run of every case) and reads
the inclusive instruction count (Ir) and the call count of every non-inlined per-iteration
function `op_<case>_<netsock|raw>`. Ir per call is the user-space work of one operation
(library code, libc wrappers; not the kernel). Unlike times on a shared machine it repeats
exactly from run to run, so it shows what netsock adds to the syscalls: the difference
netsock - raw. Needs valgrind; exit code 0, or 2 if it cannot run.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

OP = re.compile(r"\bop_(\w+?)_(netsock|raw)\(")


def parse(path):
    """Inclusive Ir and calls per callee name, from the call records of a callgrind file."""
    names = {}
    totals = {}  # name -> [calls, inclusive Ir]
    callee = None
    pending = None  # calls count waiting for its cost line

    def resolve(text):
        m = re.match(r"\((\d+)\)(?: (.*))?$", text)
        if not m:
            return text
        if m.group(2) is not None:
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), text)

    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if pending is not None:
                parts = line.split()
                if len(parts) >= 2 and callee is not None:
                    t = totals.setdefault(callee, [0, 0])
                    t[0] += pending
                    t[1] += int(parts[1])
                pending = None
                continue
            if line.startswith("fn="):
                resolve(line[3:])
            elif line.startswith("cfn="):
                callee = resolve(line[4:])
            elif line.startswith("calls="):
                pending = int(line[6:].split()[0])
    return totals


def main(argv):
    markdown = "--markdown" in argv
    args = [a for a in argv if a != "--markdown"]
    flt = None
    if "--filter" in args:
        i = args.index("--filter")
        flt = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    micro = args[0]
    if not shutil.which("valgrind"):
        print("instructions.py: valgrind not found (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", micro,
               "--benchmark_min_time=0.01"]
        if flt:
            cmd.append(f"--benchmark_filter={flt}")
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0 or not os.path.exists(out):
            print(f"instructions.py: {' '.join(cmd)} failed:\n{r.stderr[-2000:]}", file=sys.stderr)
            return 2
        totals = parse(out)
    per = {}  # case -> {side: Ir per call}
    for name, (calls, ir) in totals.items():
        m = OP.search(name)
        if m and calls:
            per.setdefault(m.group(1), {})[m.group(2)] = ir / calls
    cases = sorted(c for c in per if len(per[c]) == 2)
    if not cases:
        print("instructions.py: no op_* functions found (built without symbols?)", file=sys.stderr)
        return 2
    if markdown:
        print("| case | netsock Ir/op | raw Ir/op | netsock - raw |")
        print("|---|---|---|---|")
    else:
        print(f"{'case':40} {'netsock':>10} {'raw':>10} {'diff':>8}")
    for c in cases:
        n, r = per[c]["netsock"], per[c]["raw"]
        if markdown:
            print(f"| {c} | {n:.0f} | {r:.0f} | {n - r:+.0f} |")
        else:
            print(f"{c:40} {n:10.0f} {r:10.0f} {n - r:+8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
