import { relative } from 'node:path';
import { formatGithubAnnotations, isGithubActions, newReport, writeReport, type CurfewReport, type ReportEntry, type ReportKind } from '../../report/index.js';
import type { LeakList } from './leaks.js';
import type { OnLeak } from './options.js';

export interface CollectorOptions {
  /** Who is writing: `vitest`, `jest`, `node-test`, `mocha`, `playwright`. */
  runner: string;
  onLeak: OnLeak;
  /** Where to write the report at the end of the run; none when undefined. */
  report?: string;
  /** The runner's shard, `index/count`. */
  shard?: string;
  /** Whether to print GitHub Actions annotations. @default GITHUB_ACTIONS === 'true' */
  github?: boolean;
  /** Writes the report (a part of it, when several processes write one): returns the report's path. @default writeReport */
  write?: (path: string, report: CurfewReport) => string;
}

/** Where a leak was: the test file (absolute or relative to the run's directory) and its line. */
export interface LeakPlace {
  file?: string;
  line?: number;
}

/**
 * What every integration does with a run's leaks beyond printing them: collects them in the
 * runner's main process, then at the end writes the report file (`report` option) and prints
 * GitHub Actions annotations on CI. One per run; `finish()` starts the next.
 */
export class ReportCollector {
  readonly #options: CollectorOptions;
  #entries: ReportEntry[] = [];

  constructor(options: CollectorOptions) {
    this.#options = options;
  }

  get entries(): readonly ReportEntry[] {
    return this.#entries;
  }

  /** The runner's shard, once it is known (after the options were read, say). */
  set shard(shard: string | undefined) {
    this.#options.shard = shard;
  }

  /** Where to write, once it is known (Jest's reporter learns the environment's option at the end). */
  set report(path: string | undefined) {
    this.#options.report = path;
  }

  set onLeak(onLeak: OnLeak) {
    this.#options.onLeak = onLeak;
  }

  add(kind: ReportKind, title: string, leaks: LeakList, place: LeakPlace = {}): void {
    const file = place.file && (place.file.startsWith('/') ? relative(process.cwd(), place.file) : place.file);
    this.#entries.push({ kind, title, ...(file ? { file } : {}), ...(place.line ? { line: place.line } : {}), processes: leaks.processes, problems: leaks.problems });
  }

  /**
   * Writes the report (when asked for, also when nothing leaked: a clean shard is a result) and
   * hands the annotations to `print` (stdout, where GitHub reads them). Returns the report's path.
   */
  finish(print: (text: string) => void = (text) => process.stdout.write(text)): string | undefined {
    const { runner, onLeak, report, shard, github = isGithubActions(), write = writeReport } = this.#options;
    const entries = this.#entries;
    this.#entries = [];
    if (github && entries.length > 0 && onLeak !== 'ignore') print(formatGithubAnnotations(entries, onLeak === 'fail' ? 'error' : 'warning'));
    if (!report) return undefined;
    return write(report, newReport(runner, { onLeak, entries, ...(shard ? { shard } : {}) }));
  }
}
