#!/usr/bin/env python3
"""Generate single_include/net/net.hpp from include/net/net.hpp.

Project headers (#include "..." that resolve inside include/) are inlined once, in include
order; system headers are left as they are. The output is deterministic: no timestamps, no
absolute paths.

    python3 tools/amalgamate.py          # regenerate
    python3 tools/amalgamate.py --check  # exit 1 if the committed file is stale
"""
import argparse
import os
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


COND_OPEN = re.compile(r"^\s*#\s*if(n?def)?\b")
# The end of each header that has compiled parts (include/net/impl/*.ipp):
#     #if NETSOCK_HEADER_ONLY
#     #include "impl/X.ipp"
#     #endif
IMPL_IF = "#if NETSOCK_HEADER_ONLY"
# The tail of net.hpp that compiles the implementation in compile-once mode: in the single
# header the block at the end (BLOCK_IF) does that job, so these three lines are dropped.
SRC_IF = "#if defined(NETSOCK_IMPLEMENTATION) && !NETSOCK_HEADER_ONLY"
BLOCK_IF = "#if NETSOCK_HEADER_ONLY || defined(NETSOCK_IMPLEMENTATION)"
COND_CLOSE = re.compile(r"^\s*#\s*endif\b")


def expand(path: pathlib.Path, seen: dict, out: list, depth: int, deferred: list) -> None:
    """Inline `path`. `depth` counts the #if blocks around this point across files: a header
    first inlined inside a conditional and later needed outside it would be missing from the
    single header, so that is an error (include such headers unconditionally, earlier).
    The implementation files (impl/*.ipp, see IMPL_IF) are not inlined where their header
    includes them but collected in `deferred`, for one block at the end of the single header:
    every declaration comes first, and in compile-once mode (NETSOCK_SEPARATE_COMPILATION)
    a file that only includes netsock skips all of the implementation at once."""
    path = path.resolve()
    rel = path.relative_to(INCLUDE).as_posix()
    if path in seen:
        if depth == 0 and seen[path] > 0:
            sys.exit(f"amalgamate: {rel} was first inlined inside an #if block but is also "
                     "needed outside one: include it unconditionally before that block")
        return
    seen[path] = depth
    out.append(f"// ---- begin {rel} ----\n")
    level = 0  # #if nesting inside this file, excluding its include guard
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == SRC_IF and i + 2 < len(lines) and COND_CLOSE.match(lines[i + 2]):
            i += 3
            continue
        if line.strip() == IMPL_IF and i + 2 < len(lines) and COND_CLOSE.match(lines[i + 2]):
            m = INCLUDE_RE.match(lines[i + 1])
            if not m or not m.group(1).endswith(".ipp"):
                sys.exit(f"amalgamate: {rel}: expected #include \"impl/<name>.ipp\" after {IMPL_IF}")
            target = (path.parent / m.group(1)).resolve()
            if not target.is_file() or INCLUDE not in target.parents:
                sys.exit(f"amalgamate: {rel}: cannot resolve project include \"{m.group(1)}\"")
            if target not in deferred:
                deferred.append(target)
            i += 3
            continue
        m = INCLUDE_RE.match(line)
        if m:
            target = (path.parent / m.group(1)).resolve()
            if not target.is_file() or INCLUDE not in target.parents:
                sys.exit(f"amalgamate: {rel}: cannot resolve project include \"{m.group(1)}\"")
            if target.suffix == ".ipp":
                sys.exit(f"amalgamate: {rel}: include {m.group(1)} only as {IMPL_IF}")
            # level - 1: the outermost #if of a header is its include guard
            expand(target, seen, out, depth + max(level - 1, 0), deferred)
            i += 1
            continue
        if COND_OPEN.match(line):
            level += 1
        elif COND_CLOSE.match(line):
            level -= 1
        out.append(line if line.endswith("\n") else line + "\n")
        i += 1
    out.append(f"// ---- end {rel} ----\n")


def generate() -> str:
    out = [BANNER.format(version=version())]
    seen: dict = {}
    deferred: list = []
    expand(ENTRY, seen, out, 0, deferred)
    out.append("\n// ==== the implementation: inline by default; with NETSOCK_SEPARATE_COMPILATION, only in\n"
               "// the one file that defines NETSOCK_IMPLEMENTATION (see config.hpp). Outside every\n"
               "// include guard but each file's own, so that file may include this header again. ====\n")
    out.append(BLOCK_IF + "\n")
    done = 0
    while done < len(deferred):  # an implementation file may bring more
        expand(deferred[done], seen, out, 1, deferred)
        done += 1
    out.append("#endif // " + BLOCK_IF[4:] + "\n")
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
    if OUTPUT.is_file() and OUTPUT.read_text(encoding="utf-8") == text:
        print(f"{OUTPUT.relative_to(ROOT)} is up to date.")
        return 0
    # Write a temporary file and rename it over the output: a compiler reading (mmap) the old
    # file while this runs keeps a whole file, never a truncated or half-written one.
    tmp = OUTPUT.with_name(f".{OUTPUT.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, OUTPUT)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
