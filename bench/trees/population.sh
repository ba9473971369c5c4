#!/bin/sh
# Usage: population.sh COUNT
# Background processes for the scan benchmark: COUNT `sleep 300` children of this shell, which
# prints "ready COUNT" once all exist and then waits (so they stay its children, below nobody else).
count=${1:-0} n=0
while [ "$n" -lt "$count" ]; do
  sleep 300 </dev/null >/dev/null 2>&1 &
  n=$((n + 1))
done
echo "ready $count"
exec </dev/null >/dev/null
wait
