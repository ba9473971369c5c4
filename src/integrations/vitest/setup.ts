// Runs in each Vitest worker before every test file (the plugin puts it first in `setupFiles`).
import { afterAll, beforeEach, inject } from 'vitest';
import { DEFAULT_GRACE_MS, KILL_WAIT_MS } from '../../options.js';
import type { NormalizedIntegrationOptions } from '../shared/options.js';
import { adoptLoadavgFd } from '../../proc/counters.js';
import { CUSTOM_RUNNER_KEY, LOADAVG_KEY, OPTIONS_KEY, OWNER_ENDS_WITH_FILE_KEY } from './meta.js';
import { patchRunner } from './runner.js';
import { closeFileWithoutRunner, closeTest, hasTestUnit, openFile, openTest, type SuiteLike } from './worker.js';

// Validated once, by the plugin where the user wrote them; inject() hands the result over as is.
const options: NormalizedIntegrationOptions = inject(OPTIONS_KEY) ?? { onLeak: 'warn' };

adoptLoadavgFd(inject(LOADAVG_KEY));
openFile(options, inject(OWNER_ENDS_WITH_FILE_KEY) ?? true);
await patchRunner();

// The patched runner opens and ends the units of tests, describe blocks and files. A custom
// runner need not extend Vitest's, so with one configured the setup file's hooks do it too,
// standing back where the runner already has; they cost every test a hook call, so only then.
if (inject(CUSTOM_RUNNER_KEY)) {
  // The escalation ladder is bounded; the hook timeout must not cut it short.
  const teardownTimeout = (options.grace ?? DEFAULT_GRACE_MS) * Math.max(1, options.signals?.length ?? 1) + KILL_WAIT_MS + 10_000;

  // First setup file: the unit opens before the user's beforeEach hooks, and ends in
  // onTestFinished, which Vitest calls after every afterEach hook, also on a timeout or failure.
  beforeEach(({ task, onTestFinished }) => {
    if (hasTestUnit(task)) return;
    const unit = openTest(task);
    if (unit) onTestFinished(() => closeTest(task, unit), teardownTimeout);
  });

  // No declared parameter: Vitest 4.1+ parses the first one as fixtures, 3 passes the suite first.
  afterAll(function () {
    const suite = [...arguments].find((a: { type?: string } | undefined) => a?.type === 'suite') as SuiteLike | undefined;
    return closeFileWithoutRunner(suite);
  }, teardownTimeout);
}
