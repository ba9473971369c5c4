// CommonJS, like the environment: Jest requires reporters, and this constructor must name the
// leak directory before Jest forks its workers.
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import channel = require('./channel.cjs');
import type { LeakTally } from '../shared/format.js';
import type { ReportCollector } from '../shared/report-collector.js';
import type { RunUnit } from '../shared/run-unit.js';
import type { LeakLine } from './hand-over.js';

const { LEAKS_DIR_ENV } = channel;

/** The reporter's own options: `reporters: ['default', ['curfew/jest-reporter', { onLeak: 'fail' }]]`. */
interface ReporterOptions {
  /** What a leak of the run itself (no test could be pinned to it) does to the run. @default 'warn' */
  onLeak?: 'warn' | 'fail' | 'ignore';
  /**
   * Write the run's leaks to this file as a versioned JSON report (docs/reports.md) for
   * `curfew merge`; `testEnvironmentOptions.curfew.report` is read too when this is not set.
   */
  report?: string;
}

type ProjectContext = { config?: { testEnvironmentOptions?: { curfew?: { report?: unknown; onLeak?: unknown } } } };
const KIND = { tests: 'test', suites: 'suite', files: 'file' } as const;

/**
 * `reporters: ['default', 'curfew/jest-reporter']`: prints every test, describe block and file
 * that left processes running after its test file's result, and one line at the end of the run.
 * Needs `testEnvironment: 'curfew/jest-environment'`, which finds the leaks. It also makes Jest's
 * own process the last to hold what the tests left (a child subreaper): at the run's end it
 * ends and reports what no test could be pinned to (what a worker that died left, and, with
 * `workerThreads`, daemons whose token is gone while several files ran at once).
 */
class CurfewJestReporter {
  readonly #dir: string;
  readonly #watch: boolean;
  readonly #previous: string | undefined;
  readonly #offsets = new Map<string, number>();
  readonly #onLeak: 'warn' | 'fail' | 'ignore';
  readonly #report: string | undefined;
  readonly #shard: string | undefined;
  #collector: ReportCollector | undefined;
  #pending: LeakLine[] = [];
  #tally: LeakTally = { tests: 0, suites: 0, files: 0, processes: 0, alive: 0 };
  #run: RunUnit | undefined;
  #lastError: Error | undefined;

  constructor(globalConfig: { watch?: boolean; watchAll?: boolean; shard?: { shardIndex: number; shardCount: number } }, options: ReporterOptions = {}) {
    this.#onLeak = options?.onLeak ?? 'warn';
    if (options?.report !== undefined && (typeof options.report !== 'string' || options.report === '')) throw new TypeError(`The \`report\` option must be a file path, got ${JSON.stringify(options.report)}.`);
    this.#report = options?.report;
    this.#shard = globalConfig.shard && `${globalConfig.shard.shardIndex}/${globalConfig.shard.shardCount}`;
    this.#dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curfew-jest-'));
    this.#previous = process.env[LEAKS_DIR_ENV];
    process.env[LEAKS_DIR_ENV] = this.#dir;
    // In watch mode the workers forked now keep this path across runs: it stays until exit.
    this.#watch = globalConfig.watch === true || globalConfig.watchAll === true;
    if (this.#watch) process.once('exit', () => this.#remove());
  }

  // Again for each run: in band, the variable is put back after every run (see onRunComplete).
  // Jest has run global setup by now: its daemons are not the run's leaks.
  async onRunStart(): Promise<void> {
    process.env[LEAKS_DIR_ENV] = this.#dir;
    const [{ RunUnit }, { ReportCollector }] = await Promise.all([import('../shared/run-unit.js'), import('../shared/report-collector.js')]);
    this.#run = new RunUnit({ onLeak: this.#onLeak });
    this.#collector = new ReportCollector({ runner: 'jest', onLeak: this.#onLeak, report: this.#report, ...(this.#shard ? { shard: this.#shard } : {}) });
    this.#run.open();
    this.#lastError = undefined;
  }

  async onTestFileResult(test: unknown, result: { testFilePath: string }): Promise<void> {
    await this.#print((line) => line.file === result.testFilePath);
  }

  async onRunComplete(contexts?: Set<ProjectContext>): Promise<void> {
    await this.#print(() => true);
    const environment = [...(contexts ?? [])].map((c) => c.config?.testEnvironmentOptions?.curfew).find((o) => typeof o?.report === 'string');
    const { countLeaks, formatLeakBlock, formatSummary, painter, titles } = await import('../shared/format.js');
    const paint = painter(this.#color());
    const leaks = await this.#run?.end();
    this.#run = undefined;
    if (leaks && this.#onLeak !== 'ignore') {
      countLeaks(this.#tally, 'runs', leaks);
      this.#collector?.add('run', titles.run, leaks);
      process.stderr.write(`\n${formatLeakBlock(titles.run, leaks, paint)}`);
      if (this.#onLeak === 'fail') this.#lastError = new Error(`curfew: the run left ${leaks.processes.length} process(es) running that no test could be pinned to`);
    }
    const summary = formatSummary(this.#tally, paint);
    if (summary) process.stderr.write(`\n${summary}`);
    this.#finishReport(environment);
    this.#tally = { tests: 0, suites: 0, files: 0, processes: 0, alive: 0 };
    // An in-band run without this reporter later in the same process must not write here.
    if (this.#previous === undefined) delete process.env[LEAKS_DIR_ENV];
    else process.env[LEAKS_DIR_ENV] = this.#previous;
    if (!this.#watch) this.#remove();
  }

  // The environment's own `report` stands when the reporter was given none.
  #finishReport(environment: { report?: unknown; onLeak?: unknown } | undefined): void {
    const collector = this.#collector;
    this.#collector = undefined;
    if (!collector) return;
    if (this.#report === undefined && typeof environment?.report === 'string') collector.report = environment.report;
    // A test's leak failed it under the environment's 'fail': the annotations are errors then.
    if (environment?.onLeak === 'fail') collector.onLeak = 'fail';
    collector.finish();
  }

  /** Jest fails the run with this (its exit status), under `onLeak: 'fail'`. */
  getLastError(): Error | undefined {
    return this.#lastError;
  }

  #remove(): void {
    fs.rmSync(this.#dir, { recursive: true, force: true });
  }

  // Reads what the environments appended since the last look; prints the lines that match.
  async #print(matches: (line: LeakLine) => boolean): Promise<void> {
    this.#read();
    const now = this.#pending.filter(matches);
    if (now.length === 0) return;
    this.#pending = this.#pending.filter((line) => !matches(line));
    const { countLeaks, formatLeakBlock, painter } = await import('../shared/format.js');
    const paint = painter(this.#color());
    for (const line of now) {
      countLeaks(this.#tally, line.kind, line.leaks);
      this.#collector?.add(KIND[line.kind], line.title, line.leaks, { file: line.file });
    }
    process.stderr.write(`\n${now.map((line) => formatLeakBlock(line.title, line.leaks, paint)).join('')}`);
  }

  #read(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.#dir);
    } catch {
      return;
    }
    for (const name of names) {
      const text = fs.readFileSync(path.join(this.#dir, name), 'utf8');
      const from = this.#offsets.get(name) ?? 0;
      const end = text.lastIndexOf('\n') + 1;
      if (end <= from) continue;
      this.#offsets.set(name, end);
      for (const line of text.slice(from, end).split('\n')) if (line) this.#pending.push(JSON.parse(line) as LeakLine);
    }
  }

  #color(): boolean {
    return process.stderr.isTTY === true && !process.env.NO_COLOR;
  }
}

export = CurfewJestReporter;
