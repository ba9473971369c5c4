#!/bin/sh
# Usage: tree.sh SIZE [IGNORERS]
# A process tree of SIZE processes for the teardown benchmark: this shell, the leader, waits for its SIZE-1
# children, each `sleep 300` in the leader's group. The first IGNORERS children ignore SIGTERM from birth
# (SIG_IGN is set around their fork, and an ignored signal stays ignored across exec); with SIZE 1 the
# leader itself becomes the sleep (ignoring SIGTERM if IGNORERS > 0). Prints {"pids":[leader, children...]}
# once all exist; the children never hold the leader's stdout, so a reader sees EOF when the leader ends.
# (As background jobs of a shell the children also ignore SIGINT and SIGQUIT; the benchmark sends neither.)
size=${1:-1} ignorers=${2:-0}
if [ "$size" -le 1 ]; then
  [ "$ignorers" -gt 0 ] && trap '' TERM
  printf '{"pids":[%s]}\n' "$$"
  exec sleep 300 </dev/null >/dev/null
fi
pids=$$
n=1
while [ "$n" -lt "$size" ]; do
  if [ "$n" -le "$ignorers" ]; then trap '' TERM; else trap - TERM; fi
  sleep 300 </dev/null >/dev/null 2>&1 &
  pids="$pids,$!"
  n=$((n + 1))
done
trap - TERM
printf '{"pids":[%s]}\n' "$pids"
exec >/dev/null
wait
