import { relative } from 'node:path';
import { test as base, type Fixtures, type TestInfo } from '@playwright/test';
import { ANNOTATION_TYPE, annotationMessage } from '../shared/annotation.js';
import { leakError, subjects } from '../shared/failure.js';
import { formatLeakBlock, painter, titles } from '../shared/format.js';
import type { LeakList } from '../shared/leaks.js';
import { fileScopeOptions, normalizeIntegrationOptions, type IntegrationOptions, type NormalizedIntegrationOptions } from '../shared/options.js';
import { Unit } from '../shared/unit.js';
import { ATTACHMENT, type LeakAttachment } from './attachment.js';

export type { IntegrationOptions as CurfewPlaywrightOptions, OnLeak } from '../shared/options.js';

/** The fixtures curfew adds: `curfew` is the option (`use: { curfew: { onLeak: 'fail' } }`). */
export interface CurfewTestFixtures {
  /** The test's scope: opened before the test's own fixtures and hooks, ended after them. */
  _curfewTest: void;
}
export interface CurfewWorkerFixtures {
  /** curfew's options, for the worker (set in the config's `use`, or with `test.use`). @default {} */
  curfew: IntegrationOptions;
  /** The worker's scope: what worker fixtures and `beforeAll` hooks start, ended when the worker ends. */
  _curfewWorker: NormalizedIntegrationOptions;
}

const color = (): boolean => process.stderr.isTTY === true && !process.env.NO_COLOR;

function titleOf(info: TestInfo): string {
  return titles.test(relative(process.cwd(), info.file), info.titlePath.slice(1).join(' > '));
}

// Playwright reads "spawned in f (file:line:col)" in a stack as a frame of its own: the list stays in the message alone.
function withoutFrames<E extends Error>(error: E): E {
  error.stack = `${error.name}: ${error.message.slice(0, error.message.indexOf('\n'))}`;
  return error;
}

// Reports a test's leaks where Playwright keeps them: an annotation (HTML and JUnit reports,
// blob merges), an attachment the curfew reporter reads, and the test's stderr.
async function reportTest(info: TestInfo, leaks: LeakList, options: NormalizedIntegrationOptions): Promise<void> {
  info.annotations.push({ type: ANNOTATION_TYPE, description: annotationMessage(leaks) });
  await info.attach(ATTACHMENT, { body: JSON.stringify({ title: titleOf(info), line: info.line, leaks } satisfies LeakAttachment), contentType: 'application/json' });
  if (options.onLeak === 'fail') throw withoutFrames(leakError(subjects.test, leaks));
  process.stderr.write(formatLeakBlock(titleOf(info), leaks, painter(color())));
}

/**
 * The fixtures, to merge into a `test` of your own: `base.extend(curfewFixtures)` or
 * `mergeTests(yourTest, test)`. Both are `auto`: every test gets a scope without naming them.
 */
export const curfewFixtures: Fixtures<CurfewTestFixtures, CurfewWorkerFixtures> = {
  curfew: [{}, { scope: 'worker', option: true }],
  _curfewWorker: [
    async ({ curfew }, use, workerInfo) => {
      const options = normalizeIntegrationOptions(curfew);
      const unit = new Unit(fileScopeOptions(options)).enter();
      await use(options);
      // The worker's modules end with it: what they held is let go, and reported if it stays.
      const leaks = await unit.end('close');
      if (!leaks || options.onLeak === 'ignore') return;
      const title = `worker ${workerInfo.workerIndex} (${workerInfo.project.name || 'default project'}: worker fixtures and beforeAll/afterAll hooks)`;
      process.stderr.write(formatLeakBlock(title, leaks, painter(color())));
      if (options.onLeak === 'fail') throw withoutFrames(leakError(`the worker (its fixtures and beforeAll/afterAll hooks)`, leaks));
    },
    { scope: 'worker', auto: true, title: 'curfew worker scope', box: true },
  ],
  _curfewTest: [
    async ({ _curfewWorker: options }, use, testInfo) => {
      const unit = new Unit().enter();
      await use();
      const leaks = unit.endIfIdle() ? undefined : await unit.end();
      if (leaks && options.onLeak !== 'ignore') await reportTest(testInfo, leaks, options);
    },
    { auto: true, title: 'curfew test scope', box: true },
  ],
};

/**
 * Playwright Test's `test` with curfew's auto fixtures: every test, and every worker, gets a
 * scope; the helper servers and processes a test starts end with it, and what it left running
 * is reported (and fails it under `onLeak: 'fail'`).
 *
 *     import { test, expect } from 'curfew/playwright';
 *
 * Limits: a test's scope covers its test-scoped fixtures and hooks, not `webServer` (Playwright
 * ends that itself) nor worker fixtures (the worker's scope holds those). Worker leaks are
 * printed and fail the run under 'fail', but are not in the report file.
 */
export const test = base.extend<CurfewTestFixtures, CurfewWorkerFixtures>(curfewFixtures);
export { expect } from '@playwright/test';
export default test;
