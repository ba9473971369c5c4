import { describe, expect, it } from 'vitest';
import { useCleanup } from '../helpers/cleanup.js';
import { CURFEW_DIR, FLAVOR } from './helpers/frameworks.js';
import { installProject, reportedLeaks } from './helpers/fixture-run.js';
import { runVitest } from './helpers/run-vitest.js';
import { CLEAN_TESTS, FILE_LEAK, RETRIED, SUITE_LEAK, TEST_LEAKS, TIMED_OUT, VITEST_TEST_LEAKS, expectConcurrentLeaks, expectLeaksReported, expectNoSurvivors, trackRun } from './helpers/expectations.js';

useCleanup();

// A nested Vitest run of a fixture project takes seconds; a loaded machine makes it many more.
const RUN_MS = 180_000;
const SERVER = 'server.test.js > server';
const TOP_LEVEL = 'top-level.test.js';
const LEAKS = { ...TEST_LEAKS, ...VITEST_TEST_LEAKS };

describe.each(['forks', 'threads'] as const)(`Vitest (${FLAVOR} major), %s pool`, (pool) => {
  it("onLeak 'warn': each leak is reported under the test, suite or file that left it, the tests pass, nothing survives", async () => {
    const run = await runVitest('leaky', { pool, curfew: { onLeak: 'warn' } });
    trackRun(run);
    expectLeaksReported(run, LEAKS);
    for (const [name, label] of Object.entries(LEAKS)) {
      const test = run.tests.get(name)!;
      // The retried test's list holds both attempts' processes.
      expect(test.leaked, name).toEqual(expect.arrayContaining(run.started.get(label)!));
      if (name === TIMED_OUT) expect(test.errors, name).toEqual([expect.stringMatching(/timed out/)]);
      // Its second attempt passes only if the first one's processes were already gone; Vitest 3
      // keeps the first attempt's error on a test that passed on retry.
      else if (name === RETRIED) expect(test.state, `${name}: ${test.errors.join(' | ')}`).toBe('passed');
      else expect(test, name).toMatchObject({ state: 'passed', errors: [] });
    }
    for (const name of CLEAN_TESTS) expect(run.tests.get(name), name).toMatchObject({ state: 'passed', leaked: [] });
    expect(run.suites.get(SERVER)).toMatchObject({ state: 'passed', leaked: expect.arrayContaining(run.started.get(SUITE_LEAK.label)!) });
    expect(run.files.get(TOP_LEVEL)).toMatchObject({ state: 'passed', leaked: expect.arrayContaining(run.started.get(FILE_LEAK.label)!) });
    expectNoSurvivors(run);
  }, RUN_MS);

  it("onLeak 'fail': leaking tests, the suite and the file fail with the list; the others pass; nothing survives", async () => {
    const run = await runVitest('leaky', { pool, curfew: { onLeak: 'fail' } });
    trackRun(run);
    expectLeaksReported(run, LEAKS);
    for (const [name, label] of Object.entries(LEAKS)) {
      const test = run.tests.get(name)!;
      expect(test.state, name).toBe('failed');
      // One leak error per attempt that leaked (the retried test has two).
      const leakErrors = test.errors.filter((e) => e.startsWith('the test left')).join('\n');
      expect(leakErrors, `${name}: ${test.errors.join(' | ')}`).not.toBe('');
      for (const pid of run.started.get(label)!) expect(leakErrors).toContain(`  ${pid} `);
    }
    for (const name of CLEAN_TESTS) expect(run.tests.get(name), name).toMatchObject({ state: 'passed', leaked: [] });
    expect(run.suites.get(SERVER)).toMatchObject({ state: 'failed', errors: [expect.stringMatching(/^describe "server" \(its hooks or concurrent tests\) left 1 process running/)] });
    expect(run.files.get(TOP_LEVEL)).toMatchObject({ state: 'failed', errors: [expect.stringMatching(/^the file \(its top level, hooks or concurrent tests\) left/)] });
    expectNoSurvivors(run);
  }, RUN_MS);

  it('a clean project prints nothing and passes', async () => {
    const run = await runVitest('clean', { pool });
    trackRun(run);
    expect(run.output).not.toContain('curfew');
    expect([...run.tests.values()].map((t) => t.state)).toEqual(Array(run.tests.size).fill('passed'));
    expect(run.tests.size).toBe(4);
    expectNoSurvivors(run);
  }, RUN_MS);
});

it.each(['forks', 'threads'] as const)("curfew's own API works inside tests the plugin scopes (%s pool)", async (pool) => {
  const run = await runVitest('library', { pool });
  trackRun(run);
  expect([...run.tests.values()].map((t) => [t.state, t.errors])).toEqual(Array(2).fill(['passed', []]));
  expectNoSurvivors(run);
}, RUN_MS);

it('concurrent tests keep their processes until their describe block ends, and are reported with it', async () => {
  const run = await runVitest('concurrent');
  trackRun(run);
  expectConcurrentLeaks(run);
  expectNoSurvivors(run);
}, RUN_MS);

it("onLeak 'ignore': the leaks are ended without a word", async () => {
  const run = await runVitest('leaky', { curfew: { onLeak: 'ignore' } });
  trackRun(run);
  expect(run.output).toBe('');
  expect([...run.tests.entries()].filter(([, t]) => t.state !== 'passed').map(([name]) => name)).toEqual([TIMED_OUT]);
  expect([...run.tests.values()].flatMap((t) => t.leaked)).toEqual([]);
  expectNoSurvivors(run);
}, RUN_MS);

it("a custom runner that does not extend Vitest's still gets test and file scopes (from the setup file's hooks)", async () => {
  const run = await runVitest('custom-runner', { runner: './plain-runner.mjs', curfew: { onLeak: 'fail' } });
  trackRun(run);
  const test = run.tests.get('leaks.test.js > leaks a background grandchild')!;
  expect(test).toMatchObject({ state: 'failed', leaked: expect.arrayContaining(run.started.get('leaks a background grandchild')!) });
  expect(test.errors).toEqual([expect.stringMatching(/^the test left/)]);
  expect(run.tests.get('leaks.test.js > spawns nothing')).toMatchObject({ state: 'passed', leaked: [] });
  expect(run.files.get('leaks.test.js')?.leaked).toEqual(expect.arrayContaining(run.started.get('top level')!));
  expectNoSurvivors(run);
}, RUN_MS);

it('one line in vitest.config: `curfew/vitest` resolved as an installed package', async () => {
  const project = installProject('vitest', 'configured', CURFEW_DIR);
  try {
    const run = await runVitest(project.dir, { configFile: `${project.dir}/vitest.config.mjs` });
    trackRun(run);
    const started = run.started.get('leaks a background grandchild')!;
    expect(reportedLeaks(run.output).get('leak.test.js > leaks a background grandchild')).toEqual(expect.arrayContaining(started));
    expect(run.output).toMatch(/^curfew: 1 test left \d+ process(es)? running; all were ended\.$/m);
    expect(run.tests.get('leak.test.js > leaks a background grandchild')).toMatchObject({ state: 'failed', errors: [expect.stringMatching(/^the test left/)] });
    expect(run.tests.get('leak.test.js > spawns nothing')).toMatchObject({ state: 'passed', leaked: [] });
    expectNoSurvivors(run);
  } finally {
    project.remove();
  }
}, RUN_MS);
