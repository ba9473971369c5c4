import { relative } from 'node:path';
import type { Circus } from '@jest/types';
import { keepLoadavgFd } from '../../proc/counters.js';
import { keep } from '../../scope/current.js';
import { TOKEN_ENV } from '../../ids.js';
import { subjects, titles } from '../shared/format.js';
import type { LeakList } from '../shared/leaks.js';
import { fileScopeOptions, INTEGRATION_KEYS, normalizeIntegrationOptions, type NormalizedIntegrationOptions } from '../shared/options.js';
import { Unit } from '../shared/unit.js';
import { handOver, type UnitKind } from './hand-over.js';

export type { LeakLine, UnitKind } from './hand-over.js';

/** Copies the token into the test file's own `process.env`, a copy Jest took when the file started. */
export type MirrorToken = (name: string, value: string | undefined) => void;

// Loaded only when a leak fails something (see Scope#teardown for why).
async function leakError(subject: string, leaks: LeakList): Promise<Error> {
  return (await import('../shared/failure.js')).leakError(subject, leaks);
}

// "Test suite failed to run" prints the message and then the stack (Jest 30) or only the stack
// (Jest 29): the list goes in the stack alone, so that it shows once in both.
async function suiteLeakError(subject: string, leaks: LeakList): Promise<Error> {
  const error = await leakError(subject, leaks);
  error.message = error.message.slice(0, error.message.indexOf('\n'));
  return error;
}

function pathOf(entry: Circus.TestEntry | Circus.DescribeBlock): string {
  const names = [entry.name];
  for (let block = entry.parent; block?.parent; block = block.parent) names.unshift(block.name);
  return names.join(' > ');
}

/**
 * One test file's units, driven by jest-circus events: the file's opens when the environment is
 * set up, a describe block's at its start, a test's at its start (before beforeEach hooks). They
 * end at `test_done` (after the afterEach hooks) and `run_describe_finish` (after afterAll).
 * Jest awaits each event, so teardown finishes before the next test starts.
 */
export class JestSession {
  readonly #options: NormalizedIntegrationOptions;
  readonly #file: string;
  readonly #label: string;
  readonly #mirror: MirrorToken;
  readonly #units = new Map<object, Unit>();
  /** Titles of the units that left processes running for their owner, by scope id (for attribution). */
  readonly #titles = new Map<string, string>();
  #fileUnit: Unit | undefined;

  /**
   * `environmentOptions` is the whole `testEnvironmentOptions`: curfew's own go under its
   * `curfew` key, and one of them at the top level is an error rather than silently ignored.
   */
  constructor(environmentOptions: Record<string, unknown> | undefined, testPath: string, rootDir: string, mirror: MirrorToken) {
    const misplaced = Object.keys(environmentOptions ?? {}).filter((key) => INTEGRATION_KEYS.has(key));
    if (misplaced.length > 0) {
      const [key] = misplaced;
      const error = new TypeError(`curfew's \`${key}\` option goes under \`testEnvironmentOptions.curfew\`, not at the top of \`testEnvironmentOptions\`: write testEnvironmentOptions: { curfew: { ${key}: ${JSON.stringify(environmentOptions![key])} } }.`);
      // A stack into curfew's bundle would only hide the message the user needs.
      error.stack = `${error.name}: ${error.message}`;
      throw error;
    }
    this.#options = normalizeIntegrationOptions(environmentOptions?.curfew ?? {});
    this.#file = testPath;
    this.#label = relative(rootDir, testPath) || testPath;
    this.#mirror = mirror;
  }

  /** `curfew.keep()` as the test file sees it (a global: Jest test files are CommonJS and cannot import curfew). */
  readonly keep = (target: number | { readonly pid?: number }, reason?: string): (() => void) => keep(target, reason);

  start(): void {
    // A Jest worker thread runs file after file: a descriptor of its own saves each test an open and a close.
    keepLoadavgFd();
    this.#fileUnit = new Unit(fileScopeOptions(this.#options)).enter();
    this.#sync();
  }

  /**
   * One jest-circus event. Jest awaits each handler, so teardown finishes before the next test
   * starts; the events a test that started nothing sees (about six a test) return at once, with
   * no promise: a trivial test's handling stays synchronous.
   */
  handle(event: Circus.AsyncEvent, state: Circus.State): Promise<void> | undefined {
    switch (event.name) {
      case 'run_describe_start':
        if (event.describeBlock.parent) this.#open(event.describeBlock);
        return;
      case 'test_start':
        // Concurrent tests share process.env: their describe block's (or file's) unit holds them.
        if (!event.test.concurrent) this.#open(event.test);
        return;
      case 'test_skip':
      case 'test_todo':
        return this.#endIfIdle(event.test) ? undefined : this.#endTest(event.test, false);
      case 'test_done':
        return this.#endIfIdle(event.test) ? undefined : this.#endTest(event.test, true);
      case 'run_describe_finish': {
        const block = event.describeBlock;
        if (!block.parent) return this.#finishFile(state);
        if (this.#endIfIdle(block)) return;
        return this.#endSuite(block, state);
      }
      default:
    }
  }

  async #endTest(test: Circus.TestEntry, done: boolean): Promise<void> {
    const leaks = await this.#end(test, done ? `the test "${pathOf(test)}"` : undefined);
    // Pushed, never thrown: a throw here would fail the whole file instead of this test.
    if (done && leaks && this.#handOver('tests', titles.test(this.#label, pathOf(test)), leaks)) test.errors.push(await leakError(subjects.test, leaks));
  }

  async #endSuite(block: Circus.DescribeBlock, state: Circus.State): Promise<void> {
    const leaks = await this.#end(block, `describe "${pathOf(block)}"`);
    if (leaks && this.#handOver('suites', titles.suite(this.#label, pathOf(block)), leaks)) state.unhandledErrors.push(await suiteLeakError(subjects.suite(block.name), leaks));
  }

  /** Ends what is still open (a file that failed before its tests ran, say) and restores the environment. */
  async finish(): Promise<void> {
    for (const unit of [...this.#units.values()].reverse()) await unit.end();
    this.#units.clear();
    await this.#finishFile(undefined);
  }

  // After the file's afterAll hooks (the root block's finish), or at teardown if it never ran.
  async #finishFile(state: Circus.State | undefined): Promise<void> {
    const unit = this.#fileUnit;
    this.#fileUnit = undefined;
    // Jest gives every test file a module registry of its own: the file's end is the end of
    // whatever its modules held (esbuild's service, say), so that is let go here.
    const leaks = await unit?.end('close', (id) => this.#titles.get(id));
    this.#titles.clear();
    this.#sync();
    if (leaks && this.#handOver('files', titles.file(this.#label), leaks)) state?.unhandledErrors.push(await suiteLeakError(subjects.file, leaks));
  }

  #open(key: object): void {
    this.#units.set(key, new Unit().enter());
    this.#sync();
  }

  // A unit that started nothing closes here, at once (or there was none: a concurrent test's);
  // false leaves the unit for #end().
  #endIfIdle(key: object): boolean {
    const unit = this.#units.get(key);
    if (unit && !unit.endIfIdle()) return false;
    this.#units.delete(key);
    this.#sync();
    return true;
  }

  // Ends a unit that started something (#endIfIdle said so). One that left something running for
  // its owner is remembered by `title`, for the file's report.
  async #end(key: object, title: string | undefined): Promise<LeakList | undefined> {
    const unit = this.#units.get(key)!;
    this.#units.delete(key);
    const leaks = await unit.end();
    if (unit.keptSome && title) this.#titles.set(unit.scope.id, title);
    this.#sync();
    return leaks;
  }

  #sync(): void {
    this.#mirror(TOKEN_ENV, process.env[TOKEN_ENV]);
  }

  /** Hands the leak to the reporter (or prints it, without one); true when the test must fail. */
  #handOver(kind: UnitKind, title: string, leaks: LeakList): boolean {
    return handOver({ file: this.#file, title, kind, leaks }, this.#options);
  }
}
