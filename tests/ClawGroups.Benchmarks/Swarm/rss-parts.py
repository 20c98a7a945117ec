#!/usr/bin/env python3
"""Samples a process's resident memory by part every 2 s until it exits (docs/PERFORMANCE.md, "How much of the outside
view is the server's start"): glibc's arena heaps (anonymous mappings that start a 64 MB-aligned heap and stay inside it; a heuristic), other anonymous
memory (the GC's heap, thread stacks, large native blocks), the [heap] (glibc's main arena), JIT code (the runtime's
double-mapped memfd), mapped assemblies, libtorch_cpu.so, the runtime's own libraries and other libraries.

    python3 rss-parts.py PID OUT

Writes a line a sample to OUT ("unix-time total-MB part=MB …"), then the parts at the peak and at the last sample.
"""
import os
import re
import sys
import time

HEAP = 64 << 20
MAPPING = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) ")


def part(low, high, path):
    if path.startswith("/memfd:doublemapper"):
        return "jit"
    if path.endswith(".dll"):
        return "dll"
    if "libtorch_cpu" in path:
        return "libtorch_cpu"
    if "libcoreclr" in path or "libclrjit" in path:
        return "coreclr"
    if ".so" in path:
        return "other .so"
    if path.startswith("["):
        return path
    if path == "":
        # glibc's non-main arenas are heaps of at most 64 MB, each aligned to its size.
        return "arena" if low % HEAP == 0 and high - low <= HEAP else "anon"
    return "file:" + os.path.basename(path)


def sample(pid):
    parts, total, name = {}, 0, None
    try:
        with open(f"/proc/{pid}/smaps") as smaps:
            for line in smaps:
                mapping = MAPPING.match(line)
                if mapping:
                    fields = line.split()
                    name = part(int(mapping.group(1), 16), int(mapping.group(2), 16), fields[5] if len(fields) > 5 else "")
                elif line.startswith("Rss:"):
                    kb = int(line.split()[1])
                    parts[name] = parts.get(name, 0) + kb
                    total += kb
    except (FileNotFoundError, ProcessLookupError):
        return None
    return total, parts


def show(label, taken):
    total, parts = taken
    ranked = sorted(parts.items(), key=lambda kv: -kv[1])
    return f"{label}: {total // 1024} MB: " + ", ".join(f"{k} {v // 1024}" for k, v in ranked if v > 2048)


def main():
    pid, out = int(sys.argv[1]), open(sys.argv[2], "w")
    peak, last = (0, {}), None
    while (taken := sample(pid)) is not None:
        last = taken
        peak = max(peak, taken, key=lambda t: t[0])
        parts = " ".join(f"{k}={v // 1024}" for k, v in sorted(taken[1].items()) if v > 4096)
        out.write(f"{time.time():.0f} {taken[0] // 1024} {parts}\n")
        out.flush()
        time.sleep(2)
    out.write(show("peak", peak) + "\n")
    if last:
        out.write(show("last", last) + "\n")


if __name__ == "__main__":
    main()
