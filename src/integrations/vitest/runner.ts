import * as vitest from 'vitest';
import { closeAttempt, rememberRunner, closeSuite, closeTest, openSuite, openTest, type SuiteLike, type TestLike } from './worker.js';

type SuiteHook = (this: unknown, suite: SuiteLike) => unknown;
type TryHook = (this: unknown, test: TestLike, options: unknown) => unknown;
interface RunnerClass {
  prototype: { onBeforeRunSuite?: SuiteHook; onAfterRunSuite?: SuiteHook; onBeforeTryTask?: TryHook; onAfterRetryTask?: TryHook; [PATCHED]?: true };
}

const PATCHED = Symbol.for('curfew.vitest.runner-patched');
// Vitest 5 exports the runner from 'vitest'; 3 and 4 from 'vitest/runners', a subpath 5 no
// longer has, so the specifier must not be a literal Vite would resolve ahead of time.
const RUNNERS_3_4 = 'vitest/runners';

/** The default runner's class, and whether it is Vitest 5's (see patchRunner). */
async function findRunnerClass(): Promise<{ Runner: RunnerClass; vitest5: boolean } | undefined> {
  const own = (vitest as unknown as { TestRunner?: RunnerClass }).TestRunner;
  if (own) return { Runner: own, vitest5: true };
  try {
    const Runner = ((await import(/* @vite-ignore */ RUNNERS_3_4)) as { VitestTestRunner?: RunnerClass }).VitestTestRunner;
    return Runner && { Runner, vitest5: false };
  } catch {
    return undefined;
  }
}

/**
 * Opens a unit for every describe block (and file) before its beforeAll hooks and ends it after
 * its afterAll hooks, and one for every test attempt before its beforeEach hooks, ended after
 * its afterEach hooks and onTestFinished callbacks. Runner hooks cost Vitest no per-test work,
 * where a beforeEach hook and an onTestFinished callback did (a few points on trivial tests).
 * Patched on the default runner's class (and so on custom runners that extend it), once per
 * realm. Only hooks that Vitest 3.1 to 5 do not wrap on the instance (onAfterRunTask is).
 */
export async function patchRunner(): Promise<void> {
  const found = await findRunnerClass();
  if (!found || found.Runner.prototype[PATCHED]) return;
  const proto = found.Runner.prototype;
  const beforeSuite = proto.onBeforeRunSuite;
  const afterSuite = proto.onAfterRunSuite;
  const beforeTry = proto.onBeforeTryTask;
  const afterRetry = proto.onAfterRetryTask;
  proto[PATCHED] = true;
  proto.onBeforeRunSuite = async function (suite) {
    await beforeSuite?.call(this, suite);
    openSuite(suite);
  };
  proto.onAfterRunSuite = async function (suite) {
    await afterSuite?.call(this, suite);
    await closeSuite(suite);
  };
  if (found.vitest5 && afterRetry) {
    // Vitest 5 calls onAfterRetryTask after an attempt's onTestFinished and onTestFailed
    // callbacks: the unit ends there, without the per-test cost of a callback of our own (~5 µs
    // a test, measured). Vitest 3 and 4 have no such hook on their runner.
    proto.onBeforeTryTask = function (test, options) {
      const result = beforeTry?.call(this, test, options);
      rememberRunner(this);
      openTest(test);
      return result;
    };
    proto.onAfterRetryTask = function (test, options) {
      const closing = closeAttempt(test);
      const result = afterRetry.call(this, test, options);
      return closing ? Promise.all([closing, result]) : result;
    };
    return;
  }
  proto.onBeforeTryTask = async function (test, options) {
    await beforeTry?.call(this, test, options);
    rememberRunner(this);
    const unit = openTest(test);
    // First in the list, so called last ("stack" order): after the test's own callbacks.
    if (unit) (test.onFinished ??= []).unshift(() => closeTest(test, unit));
  };
}
