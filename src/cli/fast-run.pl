#!/bin/sh
# The `curfew` command (the build copies this file to dist/cli/curfew).
#
# `curfew run` on Linux is supervised by the Perl below, not by Node: a Node start alone costs
# 80-110 ms on a small CI machine, more than the whole budget of a run that leaks nothing, and
# Perl is on every Debian, Ubuntu and Fedora machine (perl-base is Essential on Debian). macOS
# has no /proc and no subreaper, so it always runs the Node CLI.
# Once the command has exited, if anything of it is left (or a JSON report was asked for), the
# Perl process execs the Node CLI in its own place (same pid, so it stays the subreaper and the
# parent of what was re-parented to it), which finds, reports, ends and reaps the rest exactly as
# src/cli/run.ts does. Everything else (help, doctor, bad arguments, no /proc, no Perl, an
# unknown CPU) goes straight to the Node CLI.
if [ "$1" = run ] && [ -d /proc/self ] && command -v perl >/dev/null 2>&1; then exec perl -x "$0" "$@"; fi
self=$0
while [ -L "$self" ]; do
  link=$(readlink "$self")
  case $link in /*) self=$link ;; *) self=${self%/*}/$link ;; esac
done
exec node "${self%/*}/curfew.js" "$@"

#!perl
# Only what is built into perl itself: POSIX alone takes longer to load than the rest of a run,
# and even `use warnings` costs ~5 ms, so warnings are checked by a test (perl -c -w), not here.
use strict;

my %EXIT = (internal => 70, not_found => 127, not_executable => 126);
my ($WNOHANG, $ENOENT, $EACCES, $F_SETFL, $O_NONBLOCK) = (1, 2, 13, 4, 2048);
my ($TOKEN_ENV, $HANDOVER_ENV) = ('CURFEW_TOKEN', 'CURFEW_HANDOVER');
my $PR_SET_CHILD_SUBREAPER = 36;
# [prctl, setsid] by the ELF machine of this perl; on any other CPU, the Node CLI does the run.
my %SYSCALLS = (62 => [157, 112], 183 => [167, 157], 243 => [167, 157], 3 => [172, 66], 40 => [172, 66]);

# The Node CLI, in this process's place, with @_ as its arguments.
sub node_cli {
  my $self = $0;
  while (defined(my $link = readlink $self)) { $self = $link =~ m{^/} ? $link : ($self =~ s{[^/]*$}{}r) . $link }
  my $dir = $self =~ m{/} ? $self =~ s{/[^/]*$}{}r : '.';
  local $^W = 0;   # under perl -w, a failed exec would warn as well as be reported
  exec { 'node' } 'node', "$dir/curfew.js", @_ or do {
    print STDERR "curfew: failed to start node: $!\n";
    exit $EXIT{internal};
  };
}

sub slurp {
  open my $f, '<', $_[0] or return undef;
  local $/;
  return scalar <$f>;
}

# Seconds since boot: the clock /proc's start times use, and a monotonic one (10 ms steps).
sub uptime { (slurp('/proc/uptime') // '0') =~ /^([0-9.]+)/ ? $1 : 0 }

# Field 22 of /proc/<pid>/stat: start time in clock ticks since boot (a pid alone is reused).
sub start_ticks {
  my $stat = slurp("/proc/$_[0]/stat") // return undef;
  return $stat =~ /\)\s+(.*)$/s ? (split ' ', $1)[19] : undef;
}

sub random36 { join '', map { (0 .. 9, 'a' .. 'z')[int rand 36] } 1 .. $_[0] }

sub base36 {
  my ($n, $s) = (shift, '');
  do { $s = (0 .. 9, 'a' .. 'z')[$n % 36] . $s; $n = int($n / 36) } while $n > 0;
  return $s;
}

# Arguments as src/cli/args.ts reads them; anything it would answer otherwise goes to it.
sub parse_run {
  my @argv = @_;
  my %opt = (grace => 1000, json => undef, cgroup => 1, quiet => 0, command => []);
  while (@argv) {
    my $arg = shift @argv;
    if ($arg eq '--') { $opt{command} = [@argv]; last }
    my ($flag, $inline) = $arg =~ /^(--[^=]*)=(.*)$/s ? ($1, $2) : ($arg, undef);
    # --allow-leaks only matters to a run that leaked, which the Node CLI finishes (same argv).
    if ($flag eq '--allow-leaks') { }
    elsif ($flag eq '--no-cgroup') { $opt{cgroup} = 0 }
    elsif ($flag eq '--quiet' || $flag eq '-q') { $opt{quiet} = 1 }
    elsif ($flag eq '--json') {
      my $file = $inline // shift @argv;
      return undef unless defined $file && length $file;
      $opt{json} = $file;
    } elsif ($flag eq '--grace') {
      my $ms = $inline // shift @argv;
      return undef unless defined $ms && $ms =~ /^[0-9]{1,9}$/;
      $opt{grace} = 0 + $ms;
    } elsif ($arg =~ /^-/) { return undef }
    else { $opt{command} = [$arg, @argv]; last }
  }
  return @{ $opt{command} } ? \%opt : undef;
}

# Where new cgroups go (our own cgroup in the v2 hierarchy), if we may write there; see
# src/cgroup/detect.ts.
sub cgroup_base {
  my $mountinfo = slurp('/proc/self/mountinfo') // return undef;
  my ($mount) = map { my ($l, $r) = split / - /, $_, 2; defined $r && $r =~ /^cgroup2 / ? (split / /, $l)[4] : () } split /\n/, $mountinfo;
  my ($path) = (slurp('/proc/self/cgroup') // '') =~ /^0::(.*)$/m;
  return undef unless defined $mount && defined $path;
  my $base = "$mount$path" =~ s{/+$}{}r;
  return -w $base && -w "$base/cgroup.procs" ? $base : undef;
}

sub populated { (slurp("$_[0]/cgroup.events") // '') =~ /populated 1/ }

sub remove_tree {
  my ($path) = @_;
  return if populated($path);
  if (opendir my $d, $path) { remove_tree("$path/$_") for grep { !/^\.\.?$/ && -d "$path/$_" } readdir $d }
  rmdir $path;
}

# Cgroups left by supervisors that were SIGKILLed: named by us, owner gone (not merely its pid
# taken by another process), and empty. The same rule as src/cgroup/manager.ts.
sub remove_stale {
  my ($base) = @_;
  opendir my $d, $base or return;
  for my $name (readdir $d) {
    my ($pid, $start) = $name =~ /^curfew-(\d+)(?:-s(\d+))?-[0-9a-z]+$/ or next;
    my $alive = defined $start ? (start_ticks($pid) // '') eq $start : -e "/proc/$pid";
    remove_tree("$base/$name") unless $alive;
  }
}

sub make_cgroup {
  my $base = cgroup_base() // return undef;
  remove_stale($base);
  my $path = "$base/curfew-$$-s" . (start_ticks($$) // 0) . '-' . random36(10);
  return mkdir($path) ? $path : undef;
}

# Any live process other than us whose token chain holds this run's id (a daemon that left our
# tree some way the subreaper did not see).
sub token_carrier {
  my ($id) = @_;
  opendir my $proc, '/proc' or return 1;
  for my $pid (readdir $proc) {
    next unless $pid =~ /^\d+$/ && $pid != $$;
    my $env = slurp("/proc/$pid/environ") // next;
    next unless index($env, $id) >= 0 && $env =~ /(?:^|\0)\Q$TOKEN_ENV\E=([^\0]*)/;
    return 1 if grep { $_ eq $id } split /:/, $1;
  }
  return 0;
}

node_cli(@ARGV) unless ($ARGV[0] // '') eq 'run';
# Ours to set on handover only; the command must not inherit one from our caller.
delete $ENV{$HANDOVER_ENV};
my $opt = parse_run(@ARGV[1 .. $#ARGV]) // node_cli(@ARGV);
# What the command leaves is the Node CLI's to end: without a `node` to hand it to, say so before
# the command runs, not after it has left processes behind.
unless (grep { length && -f "$_/node" && -x _ } split /:/, $ENV{PATH} // '') {
  print STDERR "curfew: node is not on PATH; curfew run needs Node.js 22.12 or later to end what a command leaves\n";
  exit $EXIT{internal};
}
my $calls = do {
  open my $exe, '<:raw', '/proc/self/exe' or node_cli(@ARGV);
  read($exe, my $elf, 20) == 20 or node_cli(@ARGV);
  $SYSCALLS{ unpack 'v', substr $elf, 18, 2 };
} // node_cli(@ARGV);
syscall($calls->[0], $PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 or node_cli(@ARGV);

my $started = uptime();
my $run_id = base36($$) . random36(10) . '0';
my $chain = length($ENV{$TOKEN_ENV} // '') ? "$ENV{$TOKEN_ENV}:$run_id" : $run_id;
my $cgroup = $opt->{cgroup} ? make_cgroup() : undef;
my @command = @{ $opt->{command} };

# Signals wake the wait below through a pipe: a SIGCHLD that lands just before select() would
# otherwise be missed until the next one.
pipe my $wake_r, my $wake_w or die "curfew: pipe: $!\n";
fcntl($_, $F_SETFL, $O_NONBLOCK) for $wake_r, $wake_w;
my ($command_pid, $interrupts, $kill_at) = (0, 0, 0);
# Only while the command is our unreaped child: its group cannot have been recycled.
sub to_group { kill $_[0], -$command_pid if $command_pid > 1 }
$SIG{CHLD} = sub { syswrite $wake_w, 'c' };
for my $name (qw(INT TERM HUP)) {
  $SIG{$name} = sub {
    return to_group('KILL') if $name eq 'INT' && ++$interrupts > 1;
    to_group($name);
    to_group('CONT');
    print STDERR "curfew: sent SIGINT to the command; SIGKILL follows in $opt->{grace} ms, or at once on a second Ctrl-C\n" if $name eq 'INT';
    $kill_at ||= uptime() + $opt->{grace} / 1000;
    syswrite $wake_w, 's';
  };
}

# The child tells us through this pipe why it could not exec; the pipe closes on a good exec.
pipe my $err_r, my $err_w or die "curfew: pipe: $!\n";
my $since_ticks = int($started * 100) - 1;
my $pid = fork // do { print STDERR "curfew: failed to start $command[0]: $!\n"; rmdir $cgroup if defined $cgroup; exit $EXIT{internal} };
if ($pid == 0) {
  $SIG{$_} = 'DEFAULT' for qw(CHLD INT TERM HUP);
  syscall($calls->[1]);
  # A failed move leaves the command outside the cgroup; the other layers still find its leaks.
  if (defined $cgroup && open my $procs, '>', "$cgroup/cgroup.procs") { print $procs "$$\n"; close $procs }
  $ENV{$TOKEN_ENV} = $chain;
  local $^W = 0;
  exec { $command[0] } @command or do {
    syswrite $err_w, pack('N', $! + 0);
    exit $EXIT{internal};
  };
}
close $err_w;
$command_pid = $pid;
my $leader_start = start_ticks($pid) // $since_ticks;
my $exec_errno = do { local $/; my $b = <$err_r>; defined $b && length $b == 4 ? unpack('N', $b) : 0 };
if ($exec_errno) {
  $command_pid = 0;
  waitpid $pid, 0;
  rmdir $cgroup if defined $cgroup;
  local $! = $exec_errno;
  print STDERR "curfew: failed to start $command[0]: $!\n";
  exit($exec_errno == $ENOENT ? $EXIT{not_found} : $exec_errno == $EACCES ? $EXIT{not_executable} : $EXIT{internal});
}

# Wait for the command, reaping every orphan re-parented to us meanwhile (we start nothing else).
my $wait_status;
while (1) {
  while ((my $got = waitpid(-1, $WNOHANG)) > 0) {
    next unless $got == $pid;
    $wait_status = $?;
    $command_pid = 0;
  }
  last if defined $wait_status;
  if ($kill_at > 0 && uptime() >= $kill_at) { to_group('KILL'); $kill_at = -1 }
  my $readable = '';
  vec($readable, fileno $wake_r, 1) = 1;
  select $readable, undef, undef, $kill_at > 0 ? 0.01 : undef;
  sysread $wake_r, my $drain, 4096;
}

my ($code, $signal) = ($wait_status >> 8, $wait_status & 127);
my $status = $signal ? 128 + $signal : $code;
# Left: a live child (every orphan of the command is re-parented to us), a token carrier, or a
# process in the cgroup. Dead orphans are reaped first: they are not leaks.
my $left = 0;
while (1) {
  my $got = waitpid(-1, $WNOHANG);
  $left = 1 if $got == 0;
  last if $got <= 0;
}
# rmdir fails on a populated cgroup, so it is the cgroup's check.
$left ||= token_carrier($run_id) || (defined $cgroup && !rmdir $cgroup);
if ($left || defined $opt->{json}) {
  $ENV{$HANDOVER_ENV} = join ' ', 1, $pid, $leader_start, $since_ticks, $signal ? '-' : $code, $signal || '-', $run_id, $cgroup // '-';
  node_cli(@ARGV);
}
printf STDERR "curfew: %s left nothing running (%d ms)\n", join(' ', @command), (uptime() - $started) * 1000 unless $opt->{quiet};
exit $status;
