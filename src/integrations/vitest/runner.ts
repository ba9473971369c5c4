import * as vitest from 'vitest';
import { closeSuite, openSuite, type SuiteLike } from './worker.js';

type SuiteHook = (this: unknown, suite: SuiteLike) => unknown;
interface RunnerClass {
  prototype: { onBeforeRunSuite?: SuiteHook; onAfterRunSuite?: SuiteHook; [PATCHED]?: true };
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
 * Opens a unit for every describe block (and file) before its beforeAll hooks, and ends it
 * after its afterAll hooks: Vitest has no suite-level hook for that, but its runner does. Patched
 * on the default runner's class (and so on custom runners that extend it), once per realm.
 */
export async function patchRunner(): Promise<void> {
  const Runner = await findRunnerClass();
  if (!Runner || Runner.prototype[PATCHED]) return;
  const proto = Runner.prototype;
  const before = proto.onBeforeRunSuite;
  const after = proto.onAfterRunSuite;
  proto[PATCHED] = true;
  proto.onBeforeRunSuite = async function (suite) {
    await before?.call(this, suite);
    openSuite(suite);
  };
  proto.onAfterRunSuite = async function (suite) {
    await after?.call(this, suite);
    await closeSuite(suite);
  };
}
