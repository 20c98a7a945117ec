#!/bin/bash
# Runs the preloaded swarm and watches the embedded database's writer from outside the server (docs/PERFORMANCE.md,
# "SQLite checkpoints off the writer's turn"): the fsyncs it made in 20 s of the agents' work (perf, from 3 s after they
# registered), the write-ahead log's file size every 0.5 s, and the write gate's busiest 10 s.
#
#   tests/ClawGroups.Benchmarks/Swarm/wal-trace.sh OUT [more swarm arguments]
#
# Needs perf (run as root) and a Release build of tests/ClawGroups.Benchmarks. Writes OUT.log (the swarm's figures),
# OUT-app.log (the server's log), OUT.wal (the log's sizes) and OUT.sys.perf.
set -u
out=$1; shift
dotnet run -c Release --no-build --project tests/ClawGroups.Benchmarks -- swarm --preload --idle-seconds 10 --ready-to-run \
  --timeline-seconds 30 "$@" --app Logging__LogLevel__ClawGroups.Data.Database.WriteGateReport=Debug --app-log "$out-app.log" > "$out.log" 2>&1 &
bench=$!
for _ in $(seq 1 600); do grep -q "registered" "$out.log" 2>/dev/null && break; sleep 1; done
pid=$(grep -o "(pid [0-9]*)" "$out.log" | grep -o "[0-9]*")
wal=$(ls -l "/proc/$pid/fd" 2>/dev/null | grep -o "/[^ ]*\.db-wal" | head -1 || true)
echo "wal $wal" > "$out.wal"
( while kill -0 "$pid" 2>/dev/null; do stat -c %s "$wal" 2>/dev/null >> "$out.wal" || true; sleep 0.5; done ) &
sleep 3
# 74 is fsync, 75 fdatasync (x86-64).
# A filter applies to the event before it: each event gets its own, or every system call is recorded.
perf record -e raw_syscalls:sys_enter --filter 'id == 74 || id == 75' -e raw_syscalls:sys_exit --filter 'id == 74 || id == 75' \
  -p "$pid" -o "$out.sys.perf" -- sleep 20 > /dev/null 2>&1
wait $bench || true
grep -E "items/s from|server CPU|freed slot|RSS MB|^\| (accept|progress|result|heartbeat) " "$out.log"
echo "the log's file at its largest: $(tail -n +2 "$out.wal" | sort -n | tail -1) bytes"
grep -o "write gate over 10 s: [0-9]* turns, held [0-9]* %" "$out-app.log" | sort -t' ' -k9 -n -r | head -2
perf script -i "$out.sys.perf" -F tid,time,event,trace 2>/dev/null | python3 -c '
import re, sys
start, took = {}, []
for line in sys.stdin:
    m = re.match(r"\s*(\d+)\s+([\d.]+):\s+raw_syscalls:(sys_enter|sys_exit):\s+NR (\d+)", line)
    if not m:
        continue
    tid, t, event, _ = m.groups()
    if event == "sys_enter":
        start[tid] = float(t)
    elif tid in start:
        took.append(float(t) - start.pop(tid))
took.sort()
if took:
    print(f"fsyncs in 20 s: {len(took)}, {1000 * sum(took):.0f} ms in all, p50 {1000 * took[len(took) // 2]:.2f} ms")
'
