import { relative } from 'node:path';
import { DEFAULT_GRACE_MS, DEFAULT_SETTLE_MS, KILL_WAIT_MS } from '../../options.js';
import { leakError } from '../shared/failure.js';
import { formatLeakBlock, painter, subjects, titles } from '../shared/format.js';
import type { LeakList } from '../shared/leaks.js';
import { fileScopeOptions, type NormalizedIntegrationOptions } from '../shared/options.js';
import type { ReportCollector } from '../shared/report-collector.js';
import { Unit } from '../shared/unit.js';
import { nodeTestCollector } from './report.js';

/** The parts of node:test's TestContext the session reads (the same in Node 22.12 to 24). */
export interface ContextLike {
  name: string;
  fullName?: string;
  filePath?: string;
  /** Aborted once the test's run is over (or it was cancelled). */
  signal?: AbortSignal;
  diagnostic(message: string): void;
}

/**
 * One test file's units in its own process (`node --test` runs each file in a child process).
 * The file's unit opens when curfew is imported, before the file's top level runs, and ends
 * after the file's last `after` hook; a test's opens before its beforeEach hooks and ends after
 * its afterEach hooks. A leak is a diagnostic of the test (every reporter shows it) and, under
 * `onLeak: 'fail'`, the error of an afterEach hook, which fails the test.
 */
export class NodeTestSession {
  readonly #options: NormalizedIntegrationOptions;
  #file: Unit | undefined;
  readonly #tests = new Map<ContextLike, Unit>();
  /** Tests that began and have not ended, with a unit or without one. */
  #running = 0;
  /** Once two tests of the file overlap, they share process.env: no test gets a unit of its own. */
  #concurrent = false;
  /** Titles of the units that left processes running for their owner, by scope id. */
  readonly #titles = new Map<string, string>();
  readonly #collector: ReportCollector;

  constructor(options: NormalizedIntegrationOptions) {
    this.#options = options;
    this.#collector = nodeTestCollector(options);
  }

  /** As the process exits: writes its part of the report (CURFEW_REPORT) and prints GitHub annotations on stderr. */
  finishReport(): void {
    this.#collector.finish((text) => process.stderr.write(text));
  }

  /** A hook may take the whole bounded ladder: a test's own timeout must not cut it short. */
  get hookTimeout(): number {
    const { grace = DEFAULT_GRACE_MS, signals, settle = DEFAULT_SETTLE_MS } = this.#options;
    return settle + grace * Math.max(1, signals?.length ?? 1) + KILL_WAIT_MS + 10_000;
  }

  openFile(): void {
    this.#file = new Unit(fileScopeOptions(this.#options)).enter();
  }

  beginTest(context: ContextLike): void {
    // A test whose run is over (its signal aborted) but whose unit is open never reached curfew's
    // afterEach hook (an earlier one threw): it is not running beside this one, and ends now.
    for (const [earlier] of this.#tests) if (earlier.signal?.aborted) void this.endTest(earlier, true)?.catch(() => {});
    this.#running++;
    if (this.#running > 1 && !this.#concurrent) {
      // Concurrent tests: what they start from now on goes to the file's unit.
      this.#concurrent = true;
      for (const unit of this.#tests.values()) unit.leave();
    }
    if (!this.#concurrent) this.#tests.set(context, new Unit().enter());
  }

  /** In curfew's afterEach hook: true when the test started nothing (its unit is closed), else it waits for endTest(). */
  endTestIfIdle(context: ContextLike): boolean {
    const unit = this.#tests.get(context);
    if (unit && !unit.endIfIdle()) return false;
    this.#tests.delete(context);
    this.#running = Math.max(0, this.#running - 1);
    return true;
  }

  /**
   * After the test's `after` hooks: ends its unit; under 'fail' a leak throws, failing the test.
   * `late`: the test was already reported (its leak goes to stderr, and can fail nothing).
   */
  endTest(context: ContextLike, late = false): Promise<void> | undefined {
    const unit = this.#tests.get(context);
    if (!this.#tests.delete(context) && !unit) return undefined;
    this.#running = Math.max(0, this.#running - 1);
    if (!unit || unit.endIfIdle()) return undefined;
    return this.#endTest(context, unit, late);
  }

  async #endTest(context: ContextLike, unit: Unit, late: boolean): Promise<void> {
    const leaks = await unit.end();
    const path = context.fullName ?? context.name;
    if (unit.keptSome) this.#titles.set(unit.scope.id, `the test "${path}"`);
    if (!leaks || !this.#report('test', late ? undefined : context, titles.test(this.#label(context), path), leaks) || late) return;
    throw leakError(subjects.test, leaks);
  }

  /** After the file's last `after` hook (or when the process is about to exit without one). */
  async endFile(context: ContextLike | undefined): Promise<void> {
    // The last test's, if its afterEach hooks failed before curfew's: it ends first.
    for (const [test] of this.#tests) await this.endTest(test, true)?.catch(() => {});
    const unit = this.#file;
    this.#file = undefined;
    if (!unit) return;
    // The process ends with the file: what it held for the file is let go too.
    const leaks = await unit.end('close', (id) => this.#titles.get(id));
    this.#titles.clear();
    const label = this.#label(context);
    if (!leaks || !this.#report('file', context, titles.file(label), leaks)) return;
    // Node names a failed root hook after the module that added it (curfew's): the file goes in the message.
    throw leakError(subjects.file.replace('the file', `the file ${label}`), leaks);
  }

  #label(context: ContextLike | undefined): string {
    const file = context?.filePath ?? process.argv[1] ?? '';
    return relative(process.cwd(), file) || file;
  }

  /** Prints the leak as a diagnostic (or on stderr, without a context); true when it must fail. */
  #report(kind: 'test' | 'file', context: ContextLike | undefined, title: string, leaks: LeakList): boolean {
    const { onLeak } = this.#options;
    if (onLeak === 'ignore') return false;
    this.#collector.add(kind, title, leaks, { file: context?.filePath ?? process.argv[1] });
    const block = formatLeakBlock(title, leaks, painter(false)).trimEnd();
    if (context) context.diagnostic(block);
    else process.stderr.write(`${block}\n`);
    return onLeak === 'fail';
  }
}
