import { constants } from 'node:os';

/** Set by the Perl front end (src/cli/fast-run.pl) when it execs this CLI to finish a run. */
export const HANDOVER_ENV = 'CURFEW_HANDOVER';

/** A run whose command has exited under the Perl supervisor, for this CLI to finish. */
export interface Handover {
  /** The command's pid: leader of its own group and session, already reaped. */
  pid: number;
  leaderStart: number;
  /** When the run began, in clock ticks since boot (also what the report's duration counts from). */
  sinceTicks: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  runId: string;
  cgroup: string | undefined;
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

// "1 <pid> <leaderStart> <sinceTicks> <code|-> <signal number|-> <runId> <cgroup|->",
// the cgroup path last since it may hold spaces. Anything else is not a handover we made.
export function parseHandover(text: string): Handover | null {
  const m = /^1 (\d+) (\d+) (-?\d+) (\d+|-) (\d+|-) ([0-9a-z]+) (.+)$/s.exec(text);
  if (!m) return null;
  const signal = m[5] === '-' ? null : (SIGNAL_NAMES.get(Number(m[5])) ?? null);
  if (m[5] !== '-' && signal === null) return null;
  return {
    pid: Number(m[1]),
    leaderStart: Number(m[2]),
    sinceTicks: Number(m[3]),
    code: m[4] === '-' ? null : Number(m[4]),
    signal,
    runId: m[6],
    cgroup: m[7] === '-' ? undefined : m[7],
  };
}
