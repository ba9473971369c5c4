import { escapeOf } from '../../format/leak.js';
import type { ReportedProcess } from '../../report/types.js';
import type { EndedProcess } from '../../kill/types.js';
import type { Self } from '../../kill/guards.js';
import type { TeardownReport } from '../../scope/scope.js';

/**
 * One leaked process as reports show it; plain data, so Vitest can send it to the main process.
 * The same record a report file holds (src/report/types.ts).
 */
export type LeakRecord = ReportedProcess;

/** What a test, suite or file left running. */
export interface LeakList {
  processes: LeakRecord[];
  /** What teardown could not do, in words. */
  problems: string[];
}

/** The title of the unit a scope id belongs to, when it is not the reporting unit's own. */
export type TitleOf = (scopeId: string) => string | undefined;

// The innermost scope in its token chain that has a title: where it was started.
function startedIn(token: string | undefined, titleOf: TitleOf | undefined): string | undefined {
  if (!token || !titleOf) return undefined;
  const ids = token.split(':');
  for (let i = ids.length - 1; i >= 0; i--) {
    const title = titleOf(ids[i]);
    if (title) return title;
  }
  return undefined;
}

function toRecord(p: EndedProcess, self: Self, alive: boolean, titleOf: TitleOf | undefined): LeakRecord {
  const record: LeakRecord = { pid: p.pid, cmd: p.cmd, escape: escapeOf(p, self), foundBy: p.foundBy, signal: p.signal, alive, listening: p.listening };
  if (p.spawnedAt) record.spawnedAt = p.spawnedAt;
  const origin = startedIn(p.token, titleOf);
  if (origin) record.startedIn = origin;
  if (p.kept) record.kept = p.kept;
  return record;
}

/**
 * The leaks of a teardown, or undefined when there were none (the common case costs nothing).
 * `selfOf` is called only when there are some: its read of /proc/self/stat took milliseconds in
 * a busy Vitest worker thread (CPU profile), once per test file, for nothing.
 */
export function leaksOf(report: TeardownReport, selfOf: () => Self, titleOf?: TitleOf): LeakList | undefined {
  if (report.leaks.length === 0 && report.survivors.length === 0) return undefined;
  const self = selfOf();
  const processes = [...report.leaks.map((p) => toRecord(p, self, false, titleOf)), ...report.survivors.map((p) => toRecord(p, self, true, titleOf))];
  return { processes, problems: [...report.problems] };
}
