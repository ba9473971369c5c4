import { basename } from 'node:path';
import { newReport, type CurfewReport } from './types.js';

/** A report and where it was read from (its file name names its entries when it has no shard label). */
export interface ReportSource {
  path: string;
  report: CurfewReport;
}

/**
 * Combines the shards' reports into one: every entry, marked with the shard it came from; the
 * first failing command status of a `curfew run` shard (which passes through, as in `curfew run`);
 * `onLeak: 'fail'` if any shard failed on leaks. A merged report can be merged again.
 */
export function mergeReports(sources: readonly ReportSource[]): CurfewReport {
  const runners = [...new Set(sources.map((s) => s.report.runner))];
  const entries = sources.flatMap(({ path, report }) => report.entries.map((entry) => ({ ...entry, source: entry.source ?? report.shard ?? basename(path) })));
  const statuses = sources.map((s) => s.report.commandStatus).filter((s): s is number => s !== undefined);
  const onLeak = sources.some((s) => s.report.onLeak === 'fail') ? 'fail' : sources.length > 0 && sources.every((s) => s.report.onLeak === 'ignore') ? 'ignore' : 'warn';
  return newReport(runners.length === 1 ? runners[0] : 'merged', {
    onLeak,
    entries,
    problems: sources.flatMap(({ path, report }) => report.problems.map((p) => `${report.shard ?? basename(path)}: ${p}`)),
    ...(statuses.length > 0 ? { commandStatus: statuses.find((s) => s !== 0) ?? 0 } : {}),
  });
}
