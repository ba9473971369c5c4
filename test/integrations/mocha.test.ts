import { describe, expect, it } from 'vitest';
import { useCleanup } from '../helpers/cleanup.js';
import { FLAVOR } from './helpers/frameworks.js';
import { reportedLeaks } from './helpers/fixture-run.js';
import { runMocha, type RunnerRun } from './helpers/run-runners.js';
import { expectAnnotations, expectReport, mergeReportFile, useReportPath } from './helpers/report-checks.js';
import { SUITE_LEAK, TEST_LEAKS, TIMED_OUT, expectNoSurvivors, expectRunLeftNothing, trackRun } from './helpers/expectations.js';

useCleanup();
const reportPath = useReportPath();

const RUN_MS = 180_000;
// Mocha has no fake timers of Jest's kind: the shared fixture's other leaking tests.
const LEAKS = Object.fromEntries(Object.entries(TEST_LEAKS).filter(([name]) => !name.startsWith('fake-timers')));
const CLEAN_TESTS = ['leaks.test.js > ends its own child', 'server.test.js > server > is up for the first test', 'server.test.js > server > is still up for the second test', 'server.test.js > after the server > is gone once its suite is over', 'top-level.test.js > sees the top-level process alive'];
// Serially one process loads every file: their top levels share one unit. A --parallel worker runs one file at a time.
const TOP = {
  serial: { title: 'the test files (their top level and root hooks)', error: 'the test files (their top level and root hooks) left' },
  parallel: { title: 'top-level.test.js (its top level, hooks or concurrent tests)', error: 'the file (its top level, hooks or concurrent tests) left' },
};

function expectBlocks(run: RunnerRun, top: string): void {
  const reported = reportedLeaks(run.output);
  const expected: Record<string, string> = { ...LEAKS, [SUITE_LEAK.title]: SUITE_LEAK.label, [top]: 'top level' };
  expect([...reported.keys()].sort(), run.output).toEqual(Object.keys(expected).sort());
  for (const [title, label] of Object.entries(expected)) expect(reported.get(title), title).toEqual(expect.arrayContaining(run.started.get(label)!));
}

describe.each([
  ['serially', false],
  ['with --parallel', true],
] as const)(`Mocha (${FLAVOR} major) --require curfew/mocha, %s`, (mode, parallel) => {
  const top = parallel ? TOP.parallel : TOP.serial;

  it("onLeak 'warn' (the default): each leak is printed under the test, describe block or file that left it, the tests pass, nothing survives", async () => {
    const run = await runMocha('leaky', { parallel });
    trackRun(run);
    expectBlocks(run, top.title);
    for (const name of Object.keys(LEAKS)) {
      const test = run.tests.get(name)!;
      if (name === TIMED_OUT) expect(test, name).toMatchObject({ state: 'failed', errors: [expect.stringMatching(/Timeout of 1000ms exceeded/)] });
      else expect(test, name).toMatchObject({ state: 'passed' });
    }
    for (const name of CLEAN_TESTS) expect(run.tests.get(name), name).toMatchObject({ state: 'passed' });
    expect(run.failures).toHaveLength(1);
    if (!parallel) expect(run.output).toMatch(/^curfew: 5 tests, 1 suite and the run itself left \d+ processes running; all were ended\.$/m);
    expectNoSurvivors(run);
    await expectRunLeftNothing(run);
  }, RUN_MS);

  it("CURFEW_ON_LEAK=fail: leaking tests fail with the list, a describe block's and the top level's leaks fail curfew's after-all hook", async () => {
    const run = await runMocha('leaky', { parallel, env: { CURFEW_ON_LEAK: 'fail' } });
    trackRun(run);
    expectBlocks(run, top.title);
    for (const [name, label] of Object.entries(LEAKS)) {
      const test = run.tests.get(name)!;
      expect(test.state, name).toBe('failed');
      if (name === TIMED_OUT) continue;
      expect(test.errors[0], name).toMatch(/^ERR_CURFEW_LEAKED the test left/);
      for (const pid of run.started.get(label)!) expect(test.errors[0]).toContain(`  ${pid} `);
    }
    for (const name of CLEAN_TESTS) expect(run.tests.get(name), name).toMatchObject({ state: 'passed' });
    expect(run.failures).toEqual(expect.arrayContaining([expect.stringContaining('describe "server" (its hooks or concurrent tests) left 1 process running'), expect.stringContaining(top.error)]));
    expect(run.exitCode).not.toBe(0);
    expectNoSurvivors(run);
    await expectRunLeftNothing(run);
  }, RUN_MS);

  it("CURFEW_REPORT: one report of the whole run (the workers' parts merged), which `curfew merge` reads (86); GITHUB_ACTIONS=true annotates each leak", async () => {
    const file = reportPath();
    const run = await runMocha('leaky', { parallel, env: { CURFEW_REPORT: file, GITHUB_ACTIONS: 'true' } });
    trackRun(run);
    expectBlocks(run, top.title);
    const report = expectReport(file, 'mocha', run, { ...LEAKS, [SUITE_LEAK.title]: SUITE_LEAK.label, [top.title]: 'top level' });
    expect(report.onLeak).toBe('warn');
    expect(report.entries.find((e) => e.title === top.title)?.kind).toBe(parallel ? 'file' : 'run');
    expectAnnotations(run.stderr, report, 'warning');
    const merged = mergeReportFile(file);
    expect(merged.status, merged.output).toBe(86);
    expectNoSurvivors(run);
    await expectRunLeftNothing(run);
  }, RUN_MS);

  it('a clean project prints nothing and passes; its report lists nothing', async () => {
    const file = reportPath();
    const run = await runMocha('clean', { parallel, env: { CURFEW_REPORT: file } });
    trackRun(run);
    expect(expectReport(file, 'mocha', run, {}).entries).toEqual([]);
    expect(run.output).not.toContain('curfew');
    expect(run.exitCode).toBe(0);
    expect([...run.tests.values()].map((t) => t.state)).toEqual(Array(4).fill('passed'));
    await expectRunLeftNothing(run);
  }, RUN_MS);

  it("a teardown longer than Mocha's 2 s hook timeout does not fail curfew's hook (which would skip the tests left)", async () => {
    const run = await runMocha('slow', { parallel, env: { CURFEW_GRACE: '2500' } });
    trackRun(run);
    expect(reportedLeaks(run.output).get('slow.test.js > leaves a process that ignores SIGTERM')).toEqual(expect.arrayContaining(run.started.get('stubborn')!));
    expect(run.output).toContain('ended by SIGKILL');
    expect([...run.tests.values()].map((t) => t.state), run.failures.join('\n')).toEqual(['passed', 'passed']);
    expect(run.failures).toEqual([]);
    await expectRunLeftNothing(run);
  }, RUN_MS);

  it.runIf(mode === 'serially')('a bad CURFEW_GRACE stops the run with a TypeError naming the variable and the value', async () => {
    const run = await runMocha('clean', { env: { CURFEW_GRACE: 'soon' } });
    trackRun(run);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('TypeError: The `CURFEW_GRACE` environment variable must be a non-negative integer of milliseconds, got "soon".');
    expect(run.tests.size).toBe(0);
  }, RUN_MS);
});
