// Runs in each Vitest worker before every test file (the plugin puts it first in `setupFiles`).
import { afterAll, beforeEach, inject } from 'vitest';
import { DEFAULT_GRACE_MS, KILL_WAIT_MS } from '../../options.js';
import { formatProcesses, subjects } from '../shared/format.js';
import { leakError } from '../shared/leaks.js';
import { normalizeIntegrationOptions } from '../shared/options.js';
import { Unit } from '../shared/unit.js';
import { OPTIONS_KEY } from './meta.js';
import { patchRunner } from './runner.js';
import { closeFileWithoutRunner, openFile, type SuiteLike } from './worker.js';

const options = normalizeIntegrationOptions(inject(OPTIONS_KEY) ?? {});
// The escalation ladder is bounded; the hook timeout must not cut it short.
const teardownTimeout = (options.grace ?? DEFAULT_GRACE_MS) * Math.max(1, options.signals?.length ?? 1) + KILL_WAIT_MS + 10_000;

openFile(options);
await patchRunner();

// A test's unit opens before its beforeEach hooks (this is the first setup file) and ends in
// onTestFinished, which Vitest calls after every afterEach hook, also on a timeout or failure.
// Concurrent tests share process.env, so they get no unit: their suite's (or file's) holds them.
beforeEach(({ task, onTestFinished }) => {
  if (task.concurrent) return;
  const unit = new Unit(options).enter();
  onTestFinished(async () => {
    const leaks = await unit.end();
    if (!leaks || options.onLeak === 'ignore') return;
    task.meta.curfew = leaks;
    if (options.onLeak === 'fail') throw leakError(subjects.test, leaks, formatProcesses(leaks));
  }, teardownTimeout);
});

// No declared parameter: Vitest 4.1+ parses the first one as fixtures, 3 passes the suite first.
afterAll(function () {
  const suite = [...arguments].find((a: { type?: string } | undefined) => a?.type === 'suite') as SuiteLike | undefined;
  return closeFileWithoutRunner(suite);
}, teardownTimeout);
