#!/usr/bin/env python3
"""Generate single_include/net/net.hpp from include/net/net.hpp.

Project headers (#include "..." that resolve inside include/) are inlined once, in include
order; system headers are left as they are. The output is deterministic: no timestamps, no
absolute paths.

    python3 tools/amalgamate.py          # regenerate
    python3 tools/amalgamate.py --check  # exit 1 if the committed file is stale
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
INCLUDE = ROOT / "include"
ENTRY = INCLUDE / "net" / "net.hpp"
OUTPUT = ROOT / "single_include" / "net" / "net.hpp"
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"\s*$')

BANNER = """\
// netsock {version}: a header-only, cross-platform C++17 socket library.
// SPDX-License-Identifier: MIT
//
// GENERATED FILE - DO NOT EDIT. Made by tools/amalgamate.py from include/net/.
// Edit the headers under include/ and run: python3 tools/amalgamate.py
"""


def version() -> str:
    text = (INCLUDE / "net" / "version.hpp").read_text(encoding="utf-8")
    m = re.search(r'#define NETSOCK_VERSION_STRING "([^"]+)"', text)
    return m.group(1) if m else "unknown"


def expand(path: pathlib.Path, seen: set, out: list) -> None:
    path = path.resolve()
    if path in seen:
        return
    seen.add(path)
    rel = path.relative_to(INCLUDE).as_posix()
    out.append(f"// ---- begin {rel} ----\n")
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        m = INCLUDE_RE.match(line)
        if m:
            target = (path.parent / m.group(1)).resolve()
            if not target.is_file() or INCLUDE not in target.parents:
                sys.exit(f"amalgamate: {rel}: cannot resolve project include \"{m.group(1)}\"")
            expand(target, seen, out)
            continue
        out.append(line if line.endswith("\n") else line + "\n")
    out.append(f"// ---- end {rel} ----\n")


def generate() -> str:
    out = [BANNER.format(version=version())]
    expand(ENTRY, set(), out)
    return "".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    args = ap.parse_args()
    text = generate()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.is_file() else None
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is stale. Fix: python3 tools/amalgamate.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date.")
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUTPUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
