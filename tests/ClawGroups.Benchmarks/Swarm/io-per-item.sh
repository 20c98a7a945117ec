#!/bin/bash
# Runs the preloaded swarm and reads the server's /proc/PID/io every second from the agents' registration to its exit:
# bytes and system calls read and written per item finished (the database and its log, and the sockets), which the
# machine's speed does not move.
#
#   tests/ClawGroups.Benchmarks/Swarm/io-per-item.sh OUT
#
# Needs a Release build of tests/ClawGroups.Benchmarks. Writes OUT.log (the swarm's figures) and OUT.io (the readings).
set -u
out=$1
dotnet run -c Release --no-build --project tests/ClawGroups.Benchmarks -- swarm --preload --idle-seconds 10 --ready-to-run \
  --timeline-seconds 30 > "$out.log" 2>&1 &
bench=$!
for _ in $(seq 1 600); do grep -q "registered" "$out.log" 2>/dev/null && break; sleep 0.5; done
pid=$(grep -o "(pid [0-9]*)" "$out.log" | grep -o "[0-9]*")
: > "$out.io"
while kill -0 "$pid" 2>/dev/null; do { echo "T"; cat "/proc/$pid/io"; } >> "$out.io" 2>/dev/null; sleep 1; done
wait $bench || true
python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
log = open(out + ".log").read()
items = int(re.search(r"finished (\d+) items", log).group(1))
readings = [dict((k, int(v)) for k, v in re.findall(r"(\w+): (\d+)", block)) for block in open(out + ".io").read().split("T\n") if "rchar" in block]
first, last = readings[0], readings[-1]
per = {key: (last[key] - first[key]) / items for key in first}
cpu = re.search(r"([0-9.]+) ms an item", log).group(1)
print(f"server CPU {cpu} ms an item; per item: read {per['rchar'] / 1024:.0f} KB in {per['syscr']:.0f} calls, "
      f"written {per['wchar'] / 1024:.0f} KB in {per['syscw']:.0f} calls, {per['write_bytes'] / 1024:.0f} KB of it to disk")
PY
