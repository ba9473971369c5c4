import type { EndedProcess } from '../kill/types.js';
import { newReport, type CurfewReport, type Escape, type ReportedProcess } from './types.js';

/** What `curfew run` knows at its end, as plain data (its own report's fields). */
export interface RunOutcome {
  command: string[];
  /** The command's own exit status (128 + n for signal n). */
  commandStatus: number;
  leaks: (EndedProcess & { escape: Escape })[];
  survivors: { pid: number }[];
  problems: string[];
  allowLeaks: boolean;
}

/** `curfew run`'s outcome as a report: one `run` entry holding what the command left. */
export function reportOfRun(outcome: RunOutcome): CurfewReport {
  const alive = new Set(outcome.survivors.map((s) => s.pid));
  const processes = outcome.leaks.map((l): ReportedProcess => ({ pid: l.pid, cmd: l.cmd, escape: l.escape, foundBy: l.foundBy, signal: l.signal, alive: alive.has(l.pid), listening: l.listening, ...(l.spawnedAt ? { spawnedAt: l.spawnedAt } : {}) }));
  const entries = processes.length > 0 ? [{ kind: 'run' as const, title: outcome.command.join(' '), processes, problems: [] }] : [];
  return newReport('curfew run', { onLeak: outcome.allowLeaks ? 'warn' : 'fail', command: outcome.command, commandStatus: outcome.commandStatus, entries, problems: outcome.problems });
}
