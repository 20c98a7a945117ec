#!/usr/bin/env python3
"""Sums a `perf script` of the app (agent-calls --trace FILE) into the CPU's top consumers.

    perf script -i FILE | python3 summarise-perf.py [--threads PREFIX] [--top N] [--focus SUBSTRING]

Prints, for the samples of threads whose name starts with PREFIX (default: the thread pool, where requests run):
the share of samples per thread name; per kind of work (the first frame from the root that names an agent call, a pass,
the live pump, …; the first kind in KINDS found on the stack); the top frames by exclusive share (the frame on CPU) and by inclusive share (on the stack, counted once
per sample). Frames are shortened: JIT tiers and argument lists dropped, unnamed runtime code read as [coreclr].
--focus keeps only samples with a frame containing SUBSTRING (one call's handler, say).
--layers also sums every sample (all threads, before --threads and --focus pick theirs) by the innermost library or
product layer on its stack: "EF Core: change tracking", "SQLite itself", "System.Text.Json"… The runtime's other frames
(System.*) name no layer, so their caller's counts. A sample whose stack names none (the kernel, the GC, libc under
native code whose frames perf cannot walk) counts as "none". Where the CPU goes when no call dominates.
"""
import re
import sys
from collections import Counter

# What a sample was doing: the first kind in this list with a frame on the sample's stack (so an agent call's EF query
# counts as the call, and only EF work outside any listed call as "ef core"). Names are JIT'd method names as the perf map
# has them: [assembly] Namespace.Type+<Method>d__N::MoveNext().
KINDS = [
    ("accept", r"AgentWorkService\+<AcceptAsync>"),
    ("progress", r"AgentWorkService\+<ProgressAsync>"),
    ("result", r"AgentWorkService\+<ResultAsync>"),
    ("heartbeat", r"AgentPresenceService\+<HeartbeatAsync>|<HeartbeatAsync>"),
    ("pull", r"<PullAsync>|<NextWorkAsync>|AgentsApi\+<.*Work"),
    ("assignment pass", r"ClawGroups\.Coordinator\.Assignments\."),
    ("live pump", r"ClawGroups\.Coordinator\.Live\.|ClawGroups\.Web\.Live\."),
    ("stall sweep", r"ClawGroups\.Coordinator\.Stalls\."),
    ("signals", r"ClawGroups\.Coordinator\.Signals\."),
    ("encoder", r"ClawGroups\.Inference\.|TorchSharp|libtorch"),
    ("hangfire", r"\[Hangfire"),
    # The handler only: the authentication middleware stays on the stack of all the request's synchronous work after it
    # (routing, binding, a handler up to its first await), which it would claim.
    ("authentication", r"BearerTokenAuthenticationHandler"),
    ("idempotency filter", r"IdempotencyFilter"),
    ("kestrel / http", r"Microsoft\.AspNetCore\.Server\.Kestrel|HttpProtocol|System\.Net\.Sockets"),
    ("json", r"System\.Text\.Json"),
    ("ef core", r"Microsoft\.EntityFrameworkCore"),
    ("sqlite", r"libe_sqlite3|Microsoft\.Data\.Sqlite|SQLitePCL"),
]
KIND_PATTERNS = [(name, re.compile(pattern)) for name, pattern in KINDS]

# The layers of --layers: the innermost frame on a sample's stack that matches one names its layer.
LAYERS = [
    ("SQLite itself", r"libe_sqlite3"),
    ("Microsoft.Data.Sqlite / SQLitePCL", r"\[Microsoft\.Data\.Sqlite\]|\[SQLitePCL"),
    ("EF Core: queries", r"\[Microsoft\.EntityFrameworkCore[^\]]*\] Microsoft\.EntityFrameworkCore\.(Query|Sqlite\.Query)"),
    ("EF Core: updates", r"\[Microsoft\.EntityFrameworkCore[^\]]*\] Microsoft\.EntityFrameworkCore\.(Update|Sqlite\.Update)"),
    ("EF Core: change tracking", r"\[Microsoft\.EntityFrameworkCore[^\]]*\] Microsoft\.EntityFrameworkCore\.ChangeTracking"),
    ("EF Core: storage (commands, connections)", r"\[Microsoft\.EntityFrameworkCore[^\]]*\] Microsoft\.EntityFrameworkCore\.Storage"),
    ("EF Core: diagnostics (interceptors' events)", r"\[Microsoft\.EntityFrameworkCore[^\]]*\] Microsoft\.EntityFrameworkCore\.Diagnostics"),
    ("EF Core: other", r"\[Microsoft\.EntityFrameworkCore"),
    ("System.Text.Json", r"\[System\.Text\.Json\]"),
    ("Kestrel / HTTP", r"\[Microsoft\.AspNetCore\.Server|\[Microsoft\.AspNetCore\.Http|\[System\.Net"),
    ("ASP.NET Core, other", r"\[Microsoft\.AspNetCore"),
    ("Microsoft.Extensions (logging, DI, options)", r"\[Microsoft\.Extensions"),
    ("TorchSharp / libtorch", r"libtorch|TorchSharp|libgomp|mkl"),
    ("ClawGroups.Coordinator", r"\[ClawGroups\.Coordinator\]"),
    ("ClawGroups.Web", r"\[ClawGroups\.Web\]"),
    ("ClawGroups.Data", r"\[ClawGroups\.Data\]"),
    ("ClawGroups.Inference", r"\[ClawGroups\.Inference\]"),
    ("Hangfire", r"\[Hangfire"),
]
LAYER_PATTERNS = [(name, re.compile(pattern)) for name, pattern in LAYERS]


def layer_of(frames):
    """The innermost layer named on the stack; the runtime's own frames name none, so their caller's layer counts."""
    for frame in frames:
        for name, pattern in LAYER_PATTERNS:
            if pattern.search(frame):
                return name
    return "none"


def shorten(frame):
    # "7f80... void [spin] Program::<Main>$(string[])[OptimizedTier1OSR]+0x39 (/tmp/perf-1.map)" -> "Program::<Main>$"
    match = re.match(r"\s*[0-9a-f]+ (.*) \((.*)\)$", frame)
    if not match:
        return frame.strip()
    symbol, module = match.groups()
    if symbol.startswith("[unknown]"):
        return "[" + module.rsplit("/", 1)[-1].replace(".so", "") + "]"
    symbol = re.sub(r"\+0x[0-9a-f]+$", "", symbol)
    symbol = re.sub(r"\[(OptimizedTier1|OptimizedTier1OSR|QuickJitted|Optimized|Tier0|Tier1|PreJIT|Instrumented\w*)\]$", "", symbol)
    symbol = re.sub(r"\(.*\)$", "", symbol)
    # Return types and the assembly in brackets before the name: keep "[Assembly] Type::Method".
    bracket = symbol.find(" [")
    if bracket >= 0:
        symbol = symbol[bracket + 1:]
    if module.endswith(".so") or ".so." in module:
        symbol = symbol + " (" + module.rsplit("/", 1)[-1] + ")"
    return symbol


def samples(lines):
    thread, frames = None, []
    for line in lines:
        line = line.rstrip("\n")
        if not line:
            if thread is not None:
                yield thread, frames
            thread, frames = None, []
        elif not line.startswith(("\t", " ")):
            # "comm with spaces  PID  TIME:  PERIOD event:"
            thread = re.split(r"\s+\d+(/\d+)?\s+\d+\.\d+:", line)[0].strip()
            frames = []
        else:
            frames.append(shorten(line))
    if thread is not None:
        yield thread, frames


def main():
    args = sys.argv[1:]
    prefix = args[args.index("--threads") + 1] if "--threads" in args else ".NET TP Worker"
    top = int(args[args.index("--top") + 1]) if "--top" in args else 25
    focus = args[args.index("--focus") + 1] if "--focus" in args else None
    threads, kinds, exclusive, inclusive, layers = Counter(), Counter(), Counter(), Counter(), Counter()
    total = kept = 0
    for thread, frames in samples(sys.stdin):
        total += 1
        threads[thread] += 1
        layers[layer_of(frames)] += 1
        if not thread.startswith(prefix) or (focus and not any(focus in f for f in frames)):
            continue
        kept += 1
        exclusive[frames[0] if frames else "?"] += 1
        for frame in set(frames):
            inclusive[frame] += 1
        kinds[next((name for name, pattern in KIND_PATTERNS if any(pattern.search(f) for f in frames)), "other")] += 1

    print(f"{total} samples; by thread:")
    for thread, count in threads.most_common(8):
        print(f"  {100 * count / total:5.1f} %  {thread}")
    print(f"\n{kept} samples of threads '{prefix}'" + (f" with a frame containing '{focus}'" if focus else "") + "; by kind of work (outermost frame):")
    for kind, count in kinds.most_common():
        print(f"  {100 * count / kept:5.1f} %  {kind}")
    if "--layers" in args:
        print(f"\nall {total} samples by the innermost layer on the stack:")
        for layer, count in layers.most_common():
            print(f"  {100 * count / total:5.1f} %  {layer}")
    for title, counter in (("exclusive (on CPU)", exclusive), ("inclusive (on the stack)", inclusive)):
        print(f"\ntop {top} frames, {title}:")
        for frame, count in counter.most_common(top):
            print(f"  {100 * count / kept:5.1f} %  {frame[:160]}")


if __name__ == "__main__":
    main()
