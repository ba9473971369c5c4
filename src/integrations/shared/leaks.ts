import { CurfewError, ERROR_CODES } from '../../errors.js';
import type { EndedProcess, FoundBy } from '../../kill/types.js';
import type { SignalName } from '../../options.js';
import type { Self } from '../../kill/guards.js';
import type { TeardownReport } from '../../scope/scope.js';

/** How a leaked process got away from the test process: the same words `curfew run` uses. */
export type Escape = 'same group' | 'new group' | 'new session';

/** One leaked process as reports show it; plain data, so Vitest can send it to the main process. */
export interface LeakRecord {
  pid: number;
  cmd: string;
  escape: Escape;
  foundBy: FoundBy;
  /** The signal that ended it (for one still alive: the last one tried). */
  signal: SignalName;
  /** True when it outlived SIGKILL (stuck in uninterruptible sleep, say). */
  alive: boolean;
}

/** What a test, suite or file left running. */
export interface LeakList {
  processes: LeakRecord[];
  /** What teardown could not do, in words. */
  problems: string[];
}

function escapeOf(p: EndedProcess, self: Self): Escape {
  if (p.sid !== self.sid) return 'new session';
  return p.pgid === self.pgid ? 'same group' : 'new group';
}

function toRecord(p: EndedProcess, self: Self, alive: boolean): LeakRecord {
  return { pid: p.pid, cmd: p.cmd, escape: escapeOf(p, self), foundBy: p.foundBy, signal: p.signal, alive };
}

/** The leaks of a teardown, or undefined when there were none (the common case costs nothing). */
export function leaksOf(report: TeardownReport, self: Self): LeakList | undefined {
  if (report.leaks.length === 0 && report.survivors.length === 0) return undefined;
  const processes = [...report.leaks.map((p) => toRecord(p, self, false)), ...report.survivors.map((p) => toRecord(p, self, true))];
  return { processes, problems: [...report.problems] };
}

/** The error a leaking test fails with under `onLeak: 'fail'`; its `leaks` are the records. */
export function leakError(subject: string, list: LeakList, body: string): CurfewError & { leaks: LeakRecord[] } {
  const count = list.processes.length;
  const message = `${subject} left ${count} process${count === 1 ? '' : 'es'} running (ended by curfew):\n${body}`;
  const error = Object.assign(new CurfewError(ERROR_CODES.LEAKED, message), { leaks: list.processes });
  // The frames would point into curfew, not at the test: the list is the useful part.
  error.stack = `${error.name}: ${message}`;
  return error;
}
