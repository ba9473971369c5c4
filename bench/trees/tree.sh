#!/bin/sh
# Usage: tree.sh SIZE [IGNORERS]
# A process tree of SIZE processes for the teardown benchmark: this shell (the leader, which waits
# in the foreground) and SIZE-1 `sleep 300` children in its group, the first IGNORERS of which
# ignore SIGTERM (SIG_IGN survives exec). With SIZE 1 the leader itself becomes the sleep.
# Prints {"pids":[leader, children...]} once every child exists, then releases stdout.
size=${1:-1} ignore=${2:-0}
if [ "$size" -le 1 ]; then
  [ "$ignore" -gt 0 ] && trap '' TERM
  printf '{"pids":[%s]}\n' "$$"
  exec sleep 300 </dev/null >/dev/null 2>&1
fi
pids=$$ n=1
while [ "$n" -lt "$size" ]; do
  if [ "$n" -le "$ignore" ]; then
    (trap '' TERM; exec sleep 300) </dev/null >/dev/null 2>&1 &
  else
    sleep 300 </dev/null >/dev/null 2>&1 &
  fi
  pids="$pids,$!"
  n=$((n + 1))
done
printf '{"pids":[%s]}\n' "$pids"
exec </dev/null >/dev/null
wait
