#!/bin/sh
# Usage: tree.sh SIZE [IGNORERS]
# A process tree of SIZE processes for the teardown benchmark: a perl leader that waits for its
# SIZE-1 children, each a forked perl sleeping 300 s in the leader's group (fork without exec, so
# a 500-process tree starts in well under a second). The first IGNORERS children ignore SIGTERM
# from birth (SIG_IGN is set around their fork); with SIZE 1 the leader itself sleeps (and ignores
# SIGTERM if IGNORERS > 0). Prints {"pids":[leader, children...]} once all exist; the children
# never hold the leader's stdout, so a reader sees EOF when the leader ends.
exec perl -e '
  my ($size, $ignore) = @ARGV;
  $SIG{TERM} = "IGNORE" if $size <= 1 && $ignore > 0;
  my @pids = ($$);
  for my $n (1 .. $size - 1) {
    local $SIG{TERM} = $n <= $ignore ? "IGNORE" : "DEFAULT";
    my $pid = fork;
    die "tree: fork: $!\n" unless defined $pid;
    if ($pid == 0) {
      open STDOUT, ">", "/dev/null";
      sleep 300;
      exit 0;
    }
    push @pids, $pid;
  }
  $| = 1;
  print "{\"pids\":[" . join(",", @pids) . "]}\n";
  open STDOUT, ">", "/dev/null";
  if ($size <= 1) { sleep 300 } else { 1 while wait != -1 }
' "${1:-1}" "${2:-0}"
