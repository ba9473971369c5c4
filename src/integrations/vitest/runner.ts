import * as vitest from 'vitest';
import { closeSuite, closeTest, openSuite, openTest, type SuiteLike, type TestLike } from './worker.js';

type SuiteHook = (this: unknown, suite: SuiteLike) => unknown;
type TryHook = (this: unknown, test: TestLike, options: unknown) => unknown;
interface RunnerClass {
  prototype: { onBeforeRunSuite?: SuiteHook; onAfterRunSuite?: SuiteHook; onBeforeTryTask?: TryHook; [PATCHED]?: true };
}

const PATCHED = Symbol.for('curfew.vitest.runner-patched');
// Vitest 5 exports the runner from 'vitest'; 3 and 4 from 'vitest/runners', a subpath 5 no
// longer has, so the specifier must not be a literal Vite would resolve ahead of time.
const RUNNERS_3_4 = 'vitest/runners';

async function findRunnerClass(): Promise<RunnerClass | undefined> {
  const own = (vitest as unknown as { TestRunner?: RunnerClass }).TestRunner;
  if (own) return own;
  try {
    return ((await import(/* @vite-ignore */ RUNNERS_3_4)) as { VitestTestRunner?: RunnerClass }).VitestTestRunner;
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
  const Runner = await findRunnerClass();
  if (!Runner || Runner.prototype[PATCHED]) return;
  const proto = Runner.prototype;
  const beforeSuite = proto.onBeforeRunSuite;
  const afterSuite = proto.onAfterRunSuite;
  const beforeTry = proto.onBeforeTryTask;
  proto[PATCHED] = true;
  proto.onBeforeRunSuite = async function (suite) {
    await beforeSuite?.call(this, suite);
    openSuite(suite);
  };
  proto.onAfterRunSuite = async function (suite) {
    await afterSuite?.call(this, suite);
    await closeSuite(suite);
  };
  proto.onBeforeTryTask = async function (test, options) {
    await beforeTry?.call(this, test, options);
    const unit = openTest(test);
    // First in the list, so called last ("stack" order): after the test's own callbacks.
    if (unit) (test.onFinished ??= []).unshift(() => closeTest(test, unit));
  };
}
