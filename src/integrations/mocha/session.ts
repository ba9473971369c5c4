import { relative } from 'node:path';
import { leakError } from '../shared/failure.js';
import { countLeaks, emptyTally, formatLeakBlock, formatSummary, painter, subjects, titles, type LeakTally } from '../shared/format.js';
import type { LeakList } from '../shared/leaks.js';
import { fileScopeOptions, type NormalizedIntegrationOptions } from '../shared/options.js';
import { DEFAULT_GRACE_MS, DEFAULT_SETTLE_MS, KILL_WAIT_MS } from '../../options.js';
import { Unit } from '../shared/unit.js';
import { MochaReport } from './report.js';
import type { HookContext, RunnerLike, SuiteLike, TestLike } from './types.js';

/** The name Mocha shows for curfew's hooks (`"after all" hook: curfew in "server"`). */
const HOOK_TITLE = 'curfew';

// Concurrent with nothing: Mocha runs one test at a time in a process (a worker, with --parallel).
/**
 * One Mocha process's units. The top level's opens when Mocha starts loading test files (all of
 * them serially, one per run in a --parallel worker) and ends after the root suite's afterAll
 * hooks; a describe block's opens when it starts (before its before hooks) and ends after its
 * after hooks; a test attempt's opens before its beforeEach hooks and ends after its afterEach
 * hooks. A leak is printed on stderr; under `onLeak: 'fail'` a test fails (Mocha reports it
 * like an error after its end), and a describe block's or the top level's leak fails an
 * `"after all" hook: curfew`.
 */
export class MochaSession {
  readonly #options: NormalizedIntegrationOptions;
  #worker = false;
  #top: Unit | undefined;
  readonly #suites = new Map<SuiteLike, Unit>();
  #test: { test: TestLike; unit: Unit } | undefined;
  readonly #titles = new Map<string, string>();
  #tally: LeakTally = emptyTally();
  readonly #paint = painter(process.stderr.isTTY === true && !process.env.NO_COLOR);
  readonly #report: MochaReport;

  constructor(options: NormalizedIntegrationOptions) {
    this.#options = options;
    this.#report = new MochaReport(options);
  }

  /** In the main process, when Mocha's run is over (`parallel`: its workers ran the files). */
  endRun(parallel: boolean): void {
    this.#report.finishRun(parallel);
  }

  // Mocha gives hooks the suite's timeout (2 s by default): a teardown that takes longer would
  // fail its hook, and a failed afterEach hook skips every test left. The ladder is bounded.
  get #hookTimeout(): number {
    const { grace = DEFAULT_GRACE_MS, signals, settle = DEFAULT_SETTLE_MS } = this.#options;
    return settle + grace * Math.max(1, signals?.length ?? 1) + KILL_WAIT_MS + 10_000;
  }

  /**
   * Mocha is about to load test files: what their top level starts is the top level's. In a
   * --parallel worker (`worker`), that is one file, and the worker lives on for the next.
   */
  openTop(worker = this.#worker): void {
    this.#worker = worker;
    this.#top ??= new Unit(fileScopeOptions(this.#options)).enter();
  }

  /** A run starts: its describe blocks and tests get units, and its end ends the top level's. */
  attach(runner: RunnerLike): void {
    this.openTop();
    const session = this;
    runner.once('start', () => {
      const root = runner.suite;
      this.#tally = emptyTally();
      // Added now, after the files' own root hooks: the last afterEach and afterAll hooks to run.
      root.afterEach(HOOK_TITLE, function (this: HookContext) {
        this.timeout(session.#hookTimeout);
        return session.#endTest(runner, this.currentTest);
      });
      root.afterAll(HOOK_TITLE, function (this: HookContext) {
        this.timeout(session.#hookTimeout);
        return session.#endTop(root);
      });
    });
    runner.on('suite', (suite) => {
      if (suite.root) return;
      this.#suites.set(suite, new Unit().enter());
      suite.afterAll(HOOK_TITLE, function (this: HookContext) {
        this.timeout(session.#hookTimeout);
        return session.#endSuite(suite);
      });
    });
    runner.on('test', (test) => {
      this.#test = { test, unit: new Unit().enter() };
    });
  }

  #endTest(runner: RunnerLike, current: TestLike | undefined): Promise<void> | undefined {
    const open = this.#test;
    this.#test = undefined;
    if (!open || open.unit.endIfIdle()) return undefined;
    return this.#finishTest(runner, current ?? open.test, open.unit);
  }

  async #finishTest(runner: RunnerLike, test: TestLike, unit: Unit): Promise<void> {
    const leaks = await unit.end();
    const path = test.titlePath().join(' > ');
    if (unit.keptSome) this.#titles.set(unit.scope.id, `the test "${path}"`);
    if (!leaks || !this.#reportLeak('tests', titles.test(this.#label(test.file), path), leaks, test.file)) return;
    // The test has passed (Mocha reports a pass before the afterEach hooks): it fails now, as
    // Mocha fails a test whose error comes after its end. A failing hook would skip every test left.
    if (test.state !== 'failed') runner.fail(test, leakError(subjects.test, leaks));
  }

  async #endSuite(suite: SuiteLike): Promise<void> {
    const unit = this.#suites.get(suite);
    this.#suites.delete(suite);
    if (!unit) return;
    const leaks = unit.endIfIdle() ? undefined : await unit.end();
    const path = suite.titlePath().join(' > ');
    if (unit.keptSome) this.#titles.set(unit.scope.id, `describe "${path}"`);
    if (leaks && this.#reportLeak('suites', titles.suite(this.#label(suite.file), path), leaks, suite.file)) throw leakError(subjects.suite(suite.title), leaks);
  }

  async #endTop(root: SuiteLike): Promise<void> {
    const unit = this.#top;
    this.#top = undefined;
    // In a worker, modules may live on into its next file: what it holds is kept for its owner.
    const leaks = await unit?.end(this.#worker ? 'keep' : 'close', (id) => this.#titles.get(id));
    this.#titles.clear();
    const file = root.suites[0]?.file ?? root.tests?.[0]?.file;
    const failing = leaks && (this.#worker ? this.#reportLeak('files', titles.file(this.#label(file)), leaks, file) : this.#reportLeak('runs', TOP_TITLE, leaks, undefined));
    if (this.#worker) this.#report.finishFile(file);
    // Without workers, this process saw the whole run: one line says what it all left.
    if (!this.#worker) {
      const summary = formatSummary(this.#tally, this.#paint);
      if (summary) process.stderr.write(summary);
    }
    if (failing) throw leakError(this.#worker ? subjects.file : TOP_SUBJECT, leaks);
  }

  #label(file: string | undefined): string {
    return file ? relative(process.cwd(), file) || file : '(unknown file)';
  }

  /** Prints the leak on stderr; true when it must fail. */
  #reportLeak(kind: keyof typeof KINDS, title: string, leaks: LeakList, file: string | undefined): boolean {
    if (this.#options.onLeak === 'ignore') return false;
    this.#report.add(KINDS[kind], title, leaks, file);
    countLeaks(this.#tally, kind, leaks);
    process.stderr.write(formatLeakBlock(title, leaks, this.#paint));
    return this.#options.onLeak === 'fail';
  }
}

const KINDS = { tests: 'test', suites: 'suite', files: 'file', runs: 'run' } as const;
// Without --parallel one process loads every test file: their top levels share one unit.
const TOP_TITLE = 'the test files (their top level and root hooks)';
const TOP_SUBJECT = 'the test files (their top level and root hooks)';
