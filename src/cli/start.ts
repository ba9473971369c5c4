import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

// A shell moves itself into the run's cgroup and then execs the command, which so starts inside
// it (Node cannot spawn into a cgroup). When the move fails, the shell says why on stderr, removes
// the cgroup it could not enter (still empty) and exits without running anything: the cgroup gone
// is how curfew tells this from a command that exits 70 (a pipe to say so cost a socket per run).
// $0 is "curfew", which the shell's own messages (a failed exec, say) then start with.
const MOVE_THEN_EXEC = 'echo $$ > "$1/cgroup.procs" || { rmdir "$1"; exit 70; }; shift; exec "$@"';
const MOVE_FAILED = 70;

/** How the command ended: its status, or why it never ran. */
export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** spawn failed (ENOENT, EACCES, ...): the command never ran. */
  error?: NodeJS.ErrnoException;
  /** Moving it into its cgroup failed: the command never ran. */
  notMoved?: boolean;
}

/** Starts the command as leader of a new session and group, inside `cgroup` when given. */
export function startCommand(command: string[], cgroup: string | undefined, env: NodeJS.ProcessEnv): { child: ChildProcess; ended: Promise<Ended> } {
  const [file, ...rest] = command;
  const options = { stdio: 'inherit', detached: true, env } as const;
  const child = cgroup ? spawn('/bin/sh', ['-c', MOVE_THEN_EXEC, 'curfew', cgroup, file, ...rest], options) : spawn(file, rest, options);
  const ended = new Promise<Ended>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve(cgroup && code === MOVE_FAILED && !existsSync(cgroup) ? { code, signal, notMoved: true } : { code, signal }));
  });
  return { child, ended };
}
