import { execFileSync } from 'node:child_process';
import type { ProcInfo } from './types.js';
import type { ProcSource } from './source.js';

// macOS has no /proc. `ps` gives pid, ppid, pgid and state; the session id is not printed by
// macOS ps, so sid is read through getsid() by the caller where it matters (-1 here). There is
// no portable start time in ticks, so the identity check falls back to the pid alone there.
function runPs(args: string[]): string {
  try {
    return execFileSync('ps', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

function parseRow(line: string): ProcInfo | null {
  const [pid, ppid, pgid, state] = line.trim().split(/\s+/);
  if (!pid || !state) return null;
  return { pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), sid: -1, state: state[0] === 'Z' ? 'Z' : state[0], threads: 1, startTicks: 0, comm: '' };
}

export const psProc: ProcSource = {
  stat(pid) {
    const line = runPs(['-o', 'pid=,ppid=,pgid=,stat=', '-p', String(pid)]).trim();
    return line ? parseRow(line) : null;
  },
  list() {
    return runPs(['-axo', 'pid=,ppid=,pgid=,stat=']).split('\n').map(parseRow).filter((p): p is ProcInfo => p !== null);
  },
  children(pid) {
    return this.list().filter((p) => p.ppid === pid).map((p) => p.pid);
  },
  childrenOfTask(pid) {
    return this.children(pid);
  },
  isProcess() {
    // ps lists processes, never threads.
    return true;
  },

  environ(pid) {
    // `ps -E` appends the environment to the command; good enough to find one variable.
    const text = runPs(['-E', '-ww', '-o', 'command=', '-p', String(pid)]).trim();
    return text ? text.split(' ').join('\0') : null;
  },
  cmdline(pid) {
    return runPs(['-ww', '-o', 'command=', '-p', String(pid)]).trim();
  },
  lastPid: () => null,
  nowTicks: () => 0,
};

