# A process that is not part of any tree under test: it records every catchable signal it gets
# to the file named in argv[0], so the load test can prove none was sent to it.
my $log = shift;
for my $sig (qw(TERM INT HUP QUIT USR1 USR2 CONT)) {
  $SIG{$sig} = sub { open my $f, '>>', $log; print $f "$_[0]\n"; close $f };
}
my $end = time + 900;
select(undef, undef, undef, 0.5) while time < $end;
