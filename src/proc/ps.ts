import { CurfewError, ERROR_CODES } from '../errors.js';
import type { ProcInfo } from './types.js';
import type { ProcSource } from './source.js';

// macOS has no /proc. `ps` gives pid, ppid, pgid and state; the session id is not printed by
// macOS ps, so sid is read through getsid() by the caller where it matters (-1 here). There is
// no portable start time in ticks, so the identity check falls back to the pid alone there.
// `ps -p` of a pid that does not exist prints nothing and exits 1, saying nothing: that is
// "gone". Any other failure (ps missing, an error on stderr) is "could not read", never "gone":
// read as gone, a live leak would be reported as ended.
function runPs(args: string[]): string {
  // Loaded here, not at import: node:child_process is the costliest builtin a `curfew` start could load.
  const result = process.getBuiltinModule('node:child_process').spawnSync('ps', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw new CurfewError(ERROR_CODES.PROC_UNREADABLE, `failed to run ps: ${(result.error as NodeJS.ErrnoException).code ?? result.error.message}`, { cause: result.error });
  const stderr = result.stderr.trim();
  if (result.status === 0 || (result.status === 1 && stderr === '' && result.stdout.trim() === '')) return result.stdout;
  throw new CurfewError(ERROR_CODES.PROC_UNREADABLE, `failed to run ps ${args.join(' ')}: ${stderr || `exit status ${result.status ?? result.signal}`}`);
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
  signalMasks: () => null,
  exe: () => null,
  fdTargets: () => null,
  netTable: () => null,
  lastPid: () => null,
  nowTicks: () => 0,
};

