#!/bin/sh
# Usage: population.sh COUNT
# Background processes for the scan benchmark: COUNT children of this process, each a forked perl
# that sleeps 300 s (a fork without exec, so thousands start in seconds even on 2 cores). Prints
# "ready COUNT" once all exist, then waits for them (so they stay its children, below nobody else).
exec perl -e '
  my $count = shift;
  for (1 .. $count) {
    my $pid = fork;
    die "population: fork: $!\n" unless defined $pid;
    if ($pid == 0) { sleep 300; exit 0 }
  }
  $| = 1;
  print "ready $count\n";
  open STDOUT, ">", "/dev/null";
  1 while wait != -1;
' "${1:-0}"
