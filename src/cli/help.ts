import { EXIT_INTERNAL, EXIT_LEAKED, EXIT_USAGE } from './exit-codes.js';

const MAIN = `Usage: curfew <command> [options]

Commands:
  run [options] -- <command> [args...]   run a command and report (and end) every process it leaves behind
  doctor [--json]                        show which cleanup layers this machine allows
  merge [options] <report files...>      combine leak reports (from CI shards) into one summary

Options:
  -h, --help      show help (also: curfew run --help)
  -v, --version   show the version
`;

const RUN = `Usage: curfew run [options] -- <command> [args...]

Runs the command as its supervisor: a child subreaper that gives it a run token and, where the
machine allows, a cgroup v2 of its own. When it exits, every process that descends from it,
carries its token or sits in its cgroup is a leak: reported, ended and reaped.

Options:
  --grace <ms>     wait this long after SIGTERM before SIGKILL (default 1000; 0 kills at once)
  --json <file>    also write a machine-readable report to <file>
  --report <file>  also write the versioned leak report that \`curfew merge\` reads (docs/reports.md)
  --allow-leaks    report leaks but keep the command's exit status
  --no-cgroup      do not use cgroup v2 even where it is available
  -q, --quiet      print nothing unless something leaked
  -h, --help       show this help

Exit status:
  the command's own status when it failed (128+n when killed by signal n)
  0                the command succeeded and nothing leaked
  ${EXIT_LEAKED}               the command succeeded but left processes running (unless --allow-leaks)
  ${EXIT_USAGE}                bad arguments
  ${EXIT_INTERNAL}               curfew itself failed, or this Node is older than 22.12

Signals: SIGINT, SIGTERM and SIGHUP are forwarded to the command's process group, then escalate
to SIGKILL after the grace period; a second Ctrl-C kills at once.
`;

const DOCTOR = `Usage: curfew doctor [--json]

Prints what this machine allows (process groups, /proc, child subreaper, pidfd, a writable
cgroup v2 subtree) and which layers curfew will use.
`;

const MERGE = `Usage: curfew merge [options] <report files...>

Reads leak reports written by \`curfew run --report\` and the integrations' \`report\` option (one
per CI shard, say), prints every leak they name and one summary line.

Options:
  --json           print the merged report (a curfew report itself) on stdout
  --allow-leaks    report leaks but exit 0
  -h, --help       show this help

Exit status (the rules of \`curfew run\`):
  the first failing command status a \`curfew run\` shard recorded
  0                nothing leaked
  ${EXIT_LEAKED}               some shard left processes running (unless --allow-leaks)
  ${EXIT_USAGE}                bad arguments, or a file that is not a curfew report (or a newer version)
`;

export const HELP = { main: MAIN, run: RUN, doctor: DOCTOR, merge: MERGE };
