#!/bin/bash
# Runs the preloaded swarm and, SECONDS (default 12) after the agents registered, copies the server's database and its
# write-ahead log to OUT.snap, then names the b-trees whose pages the log's commits wrote (wal-pages.py).
#
#   tests/ClawGroups.Benchmarks/Swarm/wal-pages.sh OUT [SECONDS]
#
# Needs a Release build of tests/ClawGroups.Benchmarks. Writes OUT.log (the swarm's figures) and OUT.snap/.
set -u
out=$1; wait_seconds=${2:-12}
dotnet run -c Release --no-build --project tests/ClawGroups.Benchmarks -- swarm --preload --idle-seconds 10 --ready-to-run \
  --timeline-seconds 30 > "$out.log" 2>&1 &
bench=$!
for _ in $(seq 1 600); do grep -q "registered" "$out.log" 2>/dev/null && break; sleep 1; done
pid=$(grep -o "(pid [0-9]*)" "$out.log" | grep -o "[0-9]*")
folder=$(ls -l "/proc/$pid/fd" | grep -o "/tmp/claw-app-[^/]*" | head -1)
sleep "$wait_seconds"
mkdir -p "$out.snap"
cp "$folder/clawgroups.db-wal" "$out.snap/" && cp "$folder/clawgroups.db" "$out.snap/"
wait $bench || true
python3 "$(dirname "$0")/wal-pages.py" "$out.snap"
