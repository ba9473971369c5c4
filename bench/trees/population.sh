#!/bin/sh
# Usage: population.sh COUNT
# Background processes for the scan benchmark: COUNT children of this shell, each `sleep 300` with stdio
# from /dev/null. Prints "ready COUNT" once all exist (forked; the last may not have exec'd sleep yet), then
# waits for them (so they stay its children, below nobody else).
count=${1:-0}
i=0
while [ "$i" -lt "$count" ]; do
  sleep 300 </dev/null >/dev/null 2>&1 &
  i=$((i + 1))
done
echo "ready $count"
exec >/dev/null
wait
