#!/bin/bash
# Runs the preloaded swarm and reads what the server allocated from the agents' registration to its exit, per item finished
# (docs/PERFORMANCE.md, "A request's body read once"): a figure of the work done that the machine's speed does not move,
# where CPU seconds and latencies do. Also the GC's collections and pause time over the same span.
#
#   tests/ClawGroups.Benchmarks/Swarm/alloc-per-item.sh OUT [more swarm arguments]
#
# Needs dotnet-counters (dotnet tool install -g dotnet-counters) and a Release build of tests/ClawGroups.Benchmarks.
# Writes OUT.log (the swarm's figures) and OUT.csv (the server's runtime counters, every second).
set -u
out=$1; shift
counters=${DOTNET_COUNTERS:-$HOME/.dotnet/tools/dotnet-counters}
dotnet run -c Release --no-build --project tests/ClawGroups.Benchmarks -- swarm --preload --idle-seconds 10 --ready-to-run \
  --timeline-seconds 30 "$@" > "$out.log" 2>&1 &
bench=$!
for _ in $(seq 1 600); do grep -q "registered" "$out.log" 2>/dev/null && break; sleep 1; done
pid=$(grep -o "(pid [0-9]*)" "$out.log" | grep -o "[0-9]*")
"$counters" collect -p "$pid" --counters System.Runtime --refresh-interval 1 -o "$out.csv" --format csv > /dev/null 2>&1 &
wait $bench || true
sleep 1
items=$(grep -o "finished [0-9]* items" "$out.log" | grep -o "[0-9]*" | head -1)
sum() { grep "$1" "$out.csv" | awk -F, '{s += $NF} END {printf "%.2f", s}'; }
awk -v bytes="$(sum total_allocated)" -v items="${items:-0}" -v gcs="$(sum gc.collections)" -v pause="$(sum pause.time)" 'BEGIN {
  printf "server allocated %.0f MB after the agents registered, %.0f KB an item finished (%d items); %d collections, %.2f s paused\n",
    bytes / 1048576, (items > 0 ? bytes / items / 1024 : 0), items, gcs, pause }'
grep -E "items/s from|server CPU|freed slot|RSS MB|^\| (accept|progress|result|heartbeat) " "$out.log"
