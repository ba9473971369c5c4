import type { ScopeOptions } from '../../options.js';
import type { LeakList } from '../shared/leaks.js';
import { fileScopeOptions, type NormalizedIntegrationOptions } from '../shared/options.js';
import { Unit } from '../shared/unit.js';
import type { AnnotatingRunner } from './annotate.js';
import type {} from './meta.js';

/** The parts of a Vitest suite (a `describe` or a file) the worker touches. */
export interface SuiteLike {
  id: string;
  name: string;
  filepath?: string;
  concurrent?: boolean;
  meta: { curfew?: LeakList };
  result?: { state: string; errors?: unknown[] };
}

/** The parts of a Vitest test the worker touches. */
export interface TestLike {
  name?: string;
  suite?: { name: string; suite?: unknown; filepath?: string };
  concurrent?: boolean;
  meta: { curfew?: LeakList };
  annotations?: { type: string; message: string }[];
  /** Called after the attempt's afterEach hooks, newest first, also on a timeout or failure. */
  onFinished?: (() => unknown)[];
}

/**
 * The worker's units. Vitest collects every file of a batch (running its setup files and top
 * level) before it runs any, in the same order, so file units wait in a queue between the two.
 */
interface WorkerState {
  options: NormalizedIntegrationOptions;
  /** A file's unit's scope options (tests and describe blocks inherit them). */
  scopeOptions: ScopeOptions | undefined;
  /**
   * Whether the file's module graph ends with the file (an isolated worker per file, or a VM
   * context per file): then what the test process held for the file is let go at its end.
   * Without isolation, modules (and the helpers they hold) live on into the worker's next file.
   */
  ownerEndsWithFile: boolean;
  /** Titles of the units that left processes running for their owner, by scope id (for attribution). */
  titles: Map<string, string>;
  collected: Unit[];
  file: Unit | undefined;
  suites: Map<string, Unit>;
  /** The runner instance the patched hooks last saw: test annotations go through it. */
  runner?: AnnotatingRunner;
  /** The running test attempt's unit (tests that get one run one at a time). */
  test: { task: TestLike; unit: Unit } | undefined;
}

// One per realm (each worker thread is one): the setup file is re-imported for every test file,
// and with isolation it may come from a fresh module graph while the patched runner stays.
const KEY = Symbol.for('curfew.vitest.worker.v1');

export function workerState(): WorkerState {
  const holder = globalThis as unknown as Record<symbol, WorkerState | undefined>;
  holder[KEY] ??= { options: { onLeak: 'warn' }, scopeOptions: undefined, ownerEndsWithFile: true, titles: new Map(), collected: [], file: undefined, suites: new Map(), test: undefined };
  return holder[KEY];
}

export function rememberRunner(runner: unknown): void {
  workerState().runner = runner as AnnotatingRunner;
}

/** A file is being collected: what its top level starts belongs to a unit of its own. */
export function openFile(options: NormalizedIntegrationOptions, ownerEndsWithFile = true): void {
  const state = workerState();
  if (state.options !== options) state.scopeOptions = fileScopeOptions(options);
  state.options = options;
  state.ownerEndsWithFile = ownerEndsWithFile;
  state.collected.at(-1)?.leave();
  state.collected.push(new Unit(state.scopeOptions).enter());
}

/** The runner starts a file or a describe block. */
export function openSuite(suite: SuiteLike): void {
  const state = workerState();
  if (suite.filepath === undefined) {
    // A concurrent block may run beside its siblings: it shares its parent's unit instead.
    if (!suite.concurrent) state.suites.set(suite.id, new Unit().enter());
    return;
  }
  for (const unit of state.collected) unit.leave();
  state.file = (state.collected.shift() ?? new Unit(state.scopeOptions)).enter();
}

/**
 * A test attempt starts, before its beforeEach hooks: what it starts is its own until it ends,
 * after its afterEach hooks. Concurrent tests share process.env, so they get no unit: their
 * describe block's (or file's) holds them. Returns the unit, or undefined for none.
 */
export function openTest(task: TestLike): Unit | undefined {
  const state = workerState();
  if (task.concurrent) return undefined;
  // An attempt that never reached its end (an aroundEach hook that gave up, say) ends now.
  if (state.test) {
    // Its leaks go to its meta as usual (a leak failure can no longer fail it); anything else is said.
    void Promise.resolve(closeTest(state.test.task, state.test.unit)).catch((error: { code?: string; message?: string }) => {
      if (error?.code !== 'ERR_CURFEW_LEAKED') process.emitWarning(`curfew: failed to end the scope of a test attempt that did not finish: ${error?.message ?? String(error)}`, { code: error?.code });
    });
  }
  const unit = new Unit().enter();
  state.test = { task, unit };
  return unit;
}

/** Whether the runner already opened a unit for this test (the setup file's hooks then stand back). */
export function hasTestUnit(task: TestLike): boolean {
  return workerState().test?.task === task;
}

/**
 * Ends a test attempt's unit; under `onLeak: 'fail'` a leak throws, which fails the test. A test
 * that started nothing ends synchronously (no promise for Vitest to await).
 */
export function closeTest(task: TestLike, unit: Unit): Promise<void> | undefined {
  const state = workerState();
  if (state.test?.unit === unit) state.test = undefined;
  return unit.endIfIdle() ? undefined : endTest(task, unit);
}

/** Ends the unit of this test's attempt, if it has one open (see closeTest). */
export function closeAttempt(task: TestLike): Promise<void> | undefined {
  const current = workerState().test;
  return current?.task === task ? closeTest(task, current.unit) : undefined;
}

async function endTest(task: TestLike, unit: Unit): Promise<void> {
  const state = workerState();
  const leaks = await unit.end();
  if (unit.keptSome) state.titles.set(unit.scope.id, `the test "${testPath(task)}"`);
  const { onLeak } = state.options;
  if (!leaks || onLeak === 'ignore') return;
  // A retried test's attempts each end their own unit: the report keeps what every attempt left.
  const earlier = task.meta.curfew;
  task.meta.curfew = earlier ? { processes: [...earlier.processes, ...leaks.processes], problems: [...earlier.problems, ...leaks.problems] } : leaks;
  // Loaded only when a test leaks, like the failure below.
  await (await import('./annotate.js')).annotateLeaks(state.runner, task, leaks);
  if (onLeak === 'fail') {
    // Loaded only when a test leaks under 'fail' (see Scope#teardown for why).
    const { leakError, subjects } = await import('../shared/failure.js');
    throw leakError(subjects.test, leaks);
  }
}

/** The runner finished a file or a describe block, after its afterAll hooks. */
export async function closeSuite(suite: SuiteLike): Promise<void> {
  const state = workerState();
  const isFile = suite.filepath !== undefined;
  const unit = isFile ? state.file : state.suites.get(suite.id);
  if (isFile) state.file = undefined;
  else state.suites.delete(suite.id);
  if (!unit) return;
  const leaks = await unit.end(isFile && state.ownerEndsWithFile ? 'close' : 'keep', titleOf);
  if (!isFile && unit.keptSome) state.titles.set(unit.scope.id, `describe "${suite.name}"`);
  if (isFile) state.titles.clear();
  await recordSuite(suite, leaks, isFile);
}

function titleOf(scopeId: string): string | undefined {
  return workerState().titles.get(scopeId);
}

/** `describe > test`, as reports name a test. */
function testPath(task: TestLike): string {
  const names = [task.name ?? ''];
  for (let suite = task.suite; suite && suite.filepath === undefined; suite = suite.suite as TestLike['suite']) names.unshift(suite.name);
  return names.join(' > ');
}

/** Without the runner hooks (a custom runner of the user's), the file ends in the setup file's afterAll. */
export async function closeFileWithoutRunner(suite: SuiteLike | undefined): Promise<void> {
  const state = workerState();
  if (state.file) return;
  const unit = state.collected.shift();
  const owned = state.ownerEndsWithFile ? 'close' : 'keep';
  if (unit && suite) await recordSuite(suite, await unit.end(owned, titleOf), true);
  else await unit?.end(owned);
}

async function recordSuite(suite: SuiteLike, leaks: LeakList | undefined, isFile: boolean): Promise<void> {
  const { onLeak } = workerState().options;
  if (!leaks || onLeak === 'ignore') return;
  suite.meta.curfew = leaks;
  if (onLeak !== 'fail') return;
  // Failing the suite's result keeps the other tests running; throwing here would abort the file.
  const { leakError, subjects } = await import('../shared/failure.js');
  const error = leakError(isFile ? subjects.file : subjects.suite(suite.name), leaks);
  suite.result ??= { state: 'fail' };
  suite.result.state = 'fail';
  (suite.result.errors ??= []).push({ name: error.name, message: error.message, stack: error.stack, code: error.code, leaks: error.leaks });
}
