import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** A marker variable every fixture process inherits, unique per test. */
export const MARKER_ENV = 'CURFEW_TEST_MARKER';

export function newMarker(): string {
  return `m${randomBytes(8).toString('hex')}`;
}

function stat(pid: number): { state: string; ppid: number; pgid: number; sid: number; start: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], ppid: Number(f[1]), pgid: Number(f[2]), sid: Number(f[3]), start: f[19] };
  } catch {
    return null;
  }
}

/** Alive means present in /proc and not a zombie. */
export function isAlive(pid: number): boolean {
  const s = stat(pid);
  return s !== null && s.state !== 'Z' && s.state !== 'X';
}

export function procState(pid: number): string | null {
  return stat(pid)?.state ?? null;
}

export function procInfo(pid: number) {
  return stat(pid);
}

/** Live processes whose environment carries this test's marker (ours by construction). */
export function withMarker(marker: string): number[] {
  return withVariable(MARKER_ENV, marker);
}

/** Live processes (not this one) whose environment has name=value. */
export function withVariable(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let env: string;
    try {
      env = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (env.split('\0').includes(needle) && isAlive(pid)) out.push(pid);
  }
  return out;
}

// pid -> start time when a test first tracked it ('' if already gone then). A tracked pid that
// shows up later with another start time is a stranger that recycled it (the pid-reuse test
// rewinds the kernel's pid counter while other files run): never counted, never signalled.
const tracked = new Map<number, string>();

/** Records who each pid is now, so later checks only count (and kill) those same processes. */
export function rememberIdentities(pids: number[]): void {
  for (const pid of pids) tracked.set(pid, stat(pid)?.start ?? '');
}

// The stat of the process tracked under this pid while it still holds it (untracked: any process).
function sameProcess(pid: number) {
  const s = stat(pid);
  const start = tracked.get(pid);
  return s !== null && (start === undefined || start === s.start) ? s : null;
}

/** Alive, and the same process that was tracked under this pid (untracked pids: alive). */
function aliveAsTracked(pid: number): boolean {
  const s = sameProcess(pid);
  return s !== null && s.state !== 'Z' && s.state !== 'X';
}

/** The tracked process still holds its pid, alive or as a zombie (untracked pids: any process). */
export function stillThere(pid: number): boolean {
  return sameProcess(pid) !== null;
}

/** Reported pids still alive (the processes tracked under them, not strangers that reused a pid), plus anything still carrying the marker. */
export function survivors(pids: number[], marker?: string): number[] {
  const alive = new Set(pids.filter(aliveAsTracked));
  if (marker) for (const pid of withMarker(marker)) alive.add(pid);
  return [...alive].sort((a, b) => a - b);
}

/**
 * Sends a signal to those of the pids still alive as the processes tracked under them. One may
 * exit between the check and the signal (nginx's master ends its workers on SIGTERM): that is no error.
 */
export function signalSurvivors(pids: number[], signal: NodeJS.Signals, marker?: string): number[] {
  const left = survivors(pids, marker);
  for (const pid of left) {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  return left;
}

/** Ends what a failed test left behind: only the given pids and this test's marker carriers. */
export function killSurvivors(pids: number[], marker?: string): number[] {
  return signalSurvivors(pids, 'SIGKILL', marker);
}

/** Polls until check() is true or the deadline passes; returns the last result. */
export async function waitUntil(check: () => boolean, withinMs = 5000, everyMs = 10): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// Which thread of this process lists pid as its child (children belong to the thread that forked them).
function parentTask(pid: number): string {
  try {
    for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
      const kids = readFileSync(`/proc/${process.pid}/task/${tid}/children`, 'latin1').split(' ');
      if (kids.includes(String(pid))) return ` task=${tid}${tid === String(process.pid) ? '(main)' : ''}`;
    }
  } catch {
    // gone meanwhile
  }
  return '';
}

/** One line per pid, for assertion messages: what is it, where does it sit, what token does it carry. */
export function describePids(pids: number[]): string[] {
  return pids.map((pid) => {
    const s = stat(pid);
    let cmd = '';
    let token = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();
      token = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').find((v) => v.startsWith('CURFEW_TOKEN=')) ?? 'no token';
    } catch {
      // gone meanwhile
    }
    return s ? `${pid} ${s.state} ppid=${s.ppid} pgid=${s.pgid} sid=${s.sid}${parentTask(pid)} ${token} ${cmd}` : `${pid} gone`;
  });
}
