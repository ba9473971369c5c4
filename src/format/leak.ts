import type { Paint } from './paint.js';

/** How a leaked process got away from the command or test process, in a user's words. */
export type Escape = 'same group' | 'new group' | 'new session';

/** The escape of p from the process (the command, or the test process) it was started under. */
export function escapeOf(p: { pgid: number; sid: number }, from: { pgid: number; sid: number }): Escape {
  if (p.sid !== from.sid) return 'new session';
  return p.pgid === from.pgid ? 'same group' : 'new group';
}

/** Who a report speaks to: `curfew run`'s user (about the command), or a test runner's (about the test process). */
export type Audience = 'run' | 'test';

// How each way of finding a process reads, keyed by kill/'s FoundBy (a leaf knows it only as text).
const FOUND: Record<Audience, Record<string, string>> = {
  run: { group: 'in its process group', token: 'by its token', descendant: 'by descent', orphan: 're-parented to curfew', cgroup: 'in its cgroup', spawned: 'as its child', ledger: "in its owner's ledger" },
  test: {
    group: "in its spawn's process group",
    token: 'by its token',
    descendant: 'as a descendant of a leak',
    orphan: 're-parented to the test process',
    cgroup: 'in its cgroup',
    ledger: "in its owner's ledger",
    spawned: 'as a child the test process started',
  },
};

/** A leaked process as every report shows it. */
export interface LeakLine {
  pid: number;
  cmd: string;
  escape: Escape;
  foundBy: string;
  /** The signal that ended it (for one still alive: the last one tried). */
  signal: string;
  /** True when it outlived SIGKILL. */
  alive: boolean;
}

/** One leaked process on one line: `4242 sleep 600  [new session, found by its token; ended by SIGTERM]`. */
export function formatLeakLine(p: LeakLine, paint: Paint, audience: Audience): string {
  const fate = p.alive ? paint.red(`still alive after ${p.signal}`) : `ended by ${p.signal}`;
  return `${paint.bold(String(p.pid))} ${p.cmd}  ${paint.dim(`[${p.escape}, found ${foundWords(p.foundBy, audience)}; ${fate}]`)}`;
}

/** How a process was found, in the audience's words (`by its token`). */
export function foundWords(foundBy: string, audience: Audience): string {
  return FOUND[audience][foundBy] ?? foundBy;
}
