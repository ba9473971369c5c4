import { describe, expect, it } from 'vitest';
import { isCurfewError } from 'curfew';
import { useCleanup } from '../helpers/cleanup.js';
import { CURFEW_DIR, FLAVOR } from './helpers/frameworks.js';
import { installProject, reportedLeaks } from './helpers/fixture-run.js';
import { runJest } from './helpers/run-jest.js';
import { CLEAN_TESTS, TEST_LEAKS, TIMED_OUT, expectConcurrentLeaks, expectLeaksReported, expectNoSurvivors, trackRun } from './helpers/expectations.js';

useCleanup();

const RUN_MS = 180_000;

describe.each([
  ['in band', true],
  ['in worker processes', false],
] as const)(`Jest (${FLAVOR} major), %s`, (_, inBand) => {
  it("onLeak 'warn': each leak is reported under the test, suite or file that left it, the tests pass, nothing survives", async () => {
    const run = await runJest('leaky', { inBand, curfew: { onLeak: 'warn' } });
    trackRun(run);
    expectLeaksReported(run);
    for (const name of Object.keys(TEST_LEAKS)) {
      const test = run.tests.get(name)!;
      if (name === TIMED_OUT) expect(test.errors, name).toEqual([expect.stringMatching(/Exceeded timeout/)]);
      else expect(test, name).toMatchObject({ state: 'passed', errors: [] });
    }
    for (const name of CLEAN_TESTS) expect(run.tests.get(name), name).toMatchObject({ state: 'passed' });
    expect(run.files.get('server.test.js')?.state).toBe('passed');
    expect(run.files.get('top-level.test.js')?.state).toBe('passed');
    expectNoSurvivors(run);
  }, RUN_MS);

  it("onLeak 'fail': leaking tests fail with the list, the suite's and the file's leaks fail their file, the others pass", async () => {
    const run = await runJest('leaky', { inBand, curfew: { onLeak: 'fail' } });
    trackRun(run);
    expectLeaksReported(run);
    for (const [name, label] of Object.entries(TEST_LEAKS)) {
      const test = run.tests.get(name)!;
      expect(test.state, name).toBe('failed');
      const leakError = test.errors.find((e) => e.startsWith('CurfewError: the test left'));
      expect(leakError, `${name}: ${test.errors.join(' | ')}`).toBeDefined();
      for (const pid of run.started.get(label)!) expect(leakError).toContain(`  ${pid} `);
      // The error comes from the environment's realm (and copy of curfew), not this one's.
      const detail = run.details.get(name)!.find((d) => (d as { code?: string }).code === 'ERR_CURFEW_LEAKED');
      expect(detail, name).toBeDefined();
      if (inBand) expect(isCurfewError(detail)).toBe(true);
    }
    for (const name of CLEAN_TESTS) expect(run.tests.get(name), name).toMatchObject({ state: 'passed' });
    expect(run.files.get('server.test.js')).toMatchObject({ state: 'failed', errors: [expect.stringContaining('describe "server" (its hooks or concurrent tests) left 1 process running')] });
    expect(run.files.get('top-level.test.js')).toMatchObject({ state: 'failed', errors: [expect.stringContaining('the file (its top level, hooks or concurrent tests) left')] });
    expectNoSurvivors(run);
  }, RUN_MS);

  it('a clean project prints nothing and passes', async () => {
    const run = await runJest('clean', { inBand });
    trackRun(run);
    expect(run.output).not.toContain('curfew');
    expect([...run.tests.values()].map((t) => t.state)).toEqual(Array(4).fill('passed'));
    expectNoSurvivors(run);
  }, RUN_MS);
});

it('concurrent tests keep their processes until their describe block ends, and are reported with it', async () => {
  const run = await runJest('concurrent', { inBand: true });
  trackRun(run);
  expectConcurrentLeaks(run);
  expectNoSurvivors(run);
}, RUN_MS);

it('bad testEnvironmentOptions.curfew fail each file with a TypeError naming the option', async () => {
  const run = await runJest('clean', { inBand: true, curfew: { onLeak: 'loud' } });
  trackRun(run);
  expect([...run.files.values()]).toEqual([expect.objectContaining({ state: 'failed', errors: [expect.stringMatching(/`onLeak`.*"loud"/)] })]);
}, RUN_MS);

it('without the reporter, the environment prints each leak itself (no summary)', async () => {
  const run = await runJest('leaky', { inBand: true, reporter: false });
  trackRun(run);
  const reported = reportedLeaks(run.output);
  for (const [name, label] of Object.entries(TEST_LEAKS)) expect(reported.get(name), name).toEqual(expect.arrayContaining(run.started.get(label)!));
  expect(run.output).not.toMatch(/^curfew: \d+ tests?,/m);
  expectNoSurvivors(run);
}, RUN_MS);

it('one line in jest.config.js: `curfew/jest-environment` (and the reporter) resolved as an installed package', async () => {
  const project = installProject('jest', 'configured', CURFEW_DIR);
  try {
    const run = await runJest(project.dir, { configFile: `${project.dir}/jest.config.js` });
    trackRun(run);
    const started = run.started.get('leaks a background grandchild')!;
    expect(reportedLeaks(run.output).get('leak.test.js > leaks a background grandchild')).toEqual(expect.arrayContaining(started));
    expect(run.output).toMatch(/^curfew: 1 test left \d+ process(es)? running; all were ended\.$/m);
    expect(run.tests.get('leak.test.js > leaks a background grandchild')).toMatchObject({ state: 'failed', errors: [expect.stringMatching(/^CurfewError: the test left/)] });
    expect(run.tests.get('leak.test.js > spawns nothing')).toMatchObject({ state: 'passed' });
    expectNoSurvivors(run);
  } finally {
    project.remove();
  }
}, RUN_MS);
