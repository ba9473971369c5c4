import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { getSessionSpawn, type SessionSpawn } from '../native/index.js';
import { signalName } from '../options.js';

// A shell moves itself into the run's cgroup and then execs the command, which so starts inside
// it (neither Node nor posix_spawn can start a process in a cgroup). When the move fails, the shell
// says why on stderr, removes the cgroup it could not enter (still empty) and exits without running
// anything: the cgroup gone is how curfew tells this from a command that exits 70 (a pipe to say so
// cost a socket per run). $0 is "curfew", which the shell's own messages (a failed exec, say) then start with.
const MOVE_THEN_EXEC = 'echo $$ > "$1/cgroup.procs" || { rmdir "$1"; exit 70; }; shift; exec "$@"';
const MOVE_FAILED = 70;

/** How the command ended: its status, or why it never ran. */
export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The command could not be started (ENOENT, EACCES, ...): it never ran. */
  error?: NodeJS.ErrnoException;
  /** Moving it into its cgroup failed: the command never ran. */
  notMoved?: boolean;
}

/** A started command: its pid (none when it could not start) and how it ends. */
export interface Started {
  pid: number | undefined;
  ended: Promise<Ended>;
}

/**
 * Starts the command as leader of a new session and group, with stdio inherited, inside `cgroup`
 * when given. `own` is told the pid at once (before any event can run): the subreaper must not
 * take the command for an orphan and reap it.
 */
export function startCommand(command: string[], cgroup: string | undefined, env: NodeJS.ProcessEnv, own: (pid: number) => void): Started {
  const argv = cgroup ? ['/bin/sh', '-c', MOVE_THEN_EXEC, 'curfew', cgroup, ...command] : command;
  const native = getSessionSpawn();
  const started = native ? startNative(native, argv, env, own) : startWithNode(argv, env, own);
  const ended = started.ended.then((end) => (cgroup && end.code === MOVE_FAILED && !existsSync(cgroup) ? { ...end, notMoved: true } : end));
  return { pid: started.pid, ended };
}

function startNative(native: SessionSpawn, argv: string[], env: NodeJS.ProcessEnv, own: (pid: number) => void): Started {
  const entries = Object.entries(env).flatMap(([name, value]) => (value === undefined ? [] : [`${name}=${value}`]));
  const spawned = native.spawnSession(argv, entries, onPath);
  if ('errno' in spawned) return { pid: undefined, ended: Promise.resolve({ code: null, signal: null, error: spawnError(argv[0], spawned.errno) }) };
  own(spawned.pid);
  const ended = native.waitExit(spawned.pid).then(
    ({ code, signal }): Ended => ({ code, signal: signal === null ? null : signalName(signal) }),
    (error: NodeJS.ErrnoException): Ended => ({ code: null, signal: null, error }),
  );
  return { pid: spawned.pid, ended };
}

// Where posix_spawn is not used (macOS): node:child_process, loaded only here.
function startWithNode(argv: string[], env: NodeJS.ProcessEnv, own: (pid: number) => void): Started {
  const { spawn } = process.getBuiltinModule('node:child_process');
  const child: ChildProcess = spawn(argv[0], argv.slice(1), { stdio: 'inherit', detached: true, env });
  if (child.pid !== undefined) own(child.pid);
  const ended = new Promise<Ended>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return { pid: child.pid, ended };
}

/** The error Node's spawn would give: `spawn <file> ENOENT`, with its code. */
function spawnError(file: string, errno: number): NodeJS.ErrnoException {
  const code = process.getBuiltinModule('node:util').getSystemErrorName(-errno);
  return Object.assign(new Error(`spawn ${file} ${code}`), { errno: -errno, code, syscall: `spawn ${file}`, path: file });
}

/** The file execvp() would run: the first executable of that name on PATH. */
function onPath(file: string): string {
  if (file.includes('/')) return file;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir || '.', file);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: the next directory
    }
  }
  return file;
}
