import type { FoundBy } from '../kill/types.js';
import type { SignalName } from '../options.js';

/** The `schema` field of every curfew report file; readers check it before anything else. */
export const REPORT_SCHEMA = 'curfew-report';
/** The version this curfew writes and reads; a reader refuses a newer one rather than guess. */
export const REPORT_VERSION = 1;

import type { Escape } from '../format/leak.js';

/** How a leaked process got away from the test process (or from the command, under `curfew run`). */
export type { Escape };

/** What left processes running: a test, a describe block, a file, a worker, or the run itself. */
export type ReportKind = 'test' | 'suite' | 'file' | 'worker' | 'run';

/** One leaked process; the same record every integration's leak list holds. */
export interface ReportedProcess {
  pid: number;
  cmd: string;
  escape: Escape;
  foundBy: FoundBy;
  /** The signal that ended it (for one still alive: the last one tried). */
  signal: SignalName;
  /** True when it outlived SIGKILL. */
  alive: boolean;
  /** Where it listened (`127.0.0.1:5173/tcp`). */
  listening: string[];
  /** Where it was spawned (one or two frames), when known. */
  spawnedAt?: string[];
  /** The test, suite or file it was started in, when that is not the entry's own. */
  startedIn?: string;
  /** Why it was left running until then. */
  kept?: string;
}

/** One test, suite, file, worker or run that left processes running. */
export interface ReportEntry {
  kind: ReportKind;
  /** As the terminal report names it: `file > describe > test`. */
  title: string;
  /** The test file, relative to the directory the run started in, when there is one. */
  file?: string;
  /** The test's line in `file`, when the runner said (or a spawn site there shows it). */
  line?: number;
  processes: ReportedProcess[];
  /** What teardown could not do, in words. */
  problems: string[];
  /** In a merged report: the shard it came from (its `shard` label, or else its file name). */
  source?: string;
}

/** The file `--report` (and the integrations' `report` option) writes; see docs/report.schema.json. */
export interface CurfewReport {
  schema: typeof REPORT_SCHEMA;
  version: typeof REPORT_VERSION;
  /** Who wrote it: `curfew run`, `vitest`, `jest`, `playwright`, … (`merged` for `curfew merge --json`). */
  runner: string;
  /** The runner's shard, `index/count`, when it ran one. */
  shard?: string;
  /** When it was written (ISO 8601). */
  createdAt: string;
  /** What a leak did to the run there: `fail` (an error), `warn` or `ignore`. */
  onLeak: 'warn' | 'fail' | 'ignore';
  /** `curfew run` only: the command, and its own exit status (128 + n for signal n). */
  command?: string[];
  commandStatus?: number;
  entries: ReportEntry[];
  totals: ReportTotals;
  /** What curfew could not do outside any entry (a cgroup it could not remove, say). */
  problems: string[];
}

export interface ReportTotals {
  /** Entries: tests, suites, files, workers and runs that leaked. */
  entries: number;
  processes: number;
  /** Processes still alive after SIGKILL. */
  alive: number;
}

export function totalsOf(entries: readonly ReportEntry[]): ReportTotals {
  const processes = entries.flatMap((e) => e.processes);
  return { entries: entries.length, processes: processes.length, alive: processes.filter((p) => p.alive).length };
}

/** A report with everything but its entries filled in. */
export function newReport(runner: string, fields: Partial<Omit<CurfewReport, 'schema' | 'version' | 'runner' | 'totals'>> = {}): CurfewReport {
  const entries = fields.entries ?? [];
  return { schema: REPORT_SCHEMA, version: REPORT_VERSION, runner, createdAt: new Date().toISOString(), onLeak: 'warn', ...fields, entries, totals: totalsOf(entries), problems: fields.problems ?? [] };
}
