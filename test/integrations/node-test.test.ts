import { describe, expect, it } from 'vitest';
import { useCleanup } from '../helpers/cleanup.js';
import { reportedLeaks } from './helpers/fixture-run.js';
import { runNodeTest } from './helpers/run-runners.js';
import { expectAnnotations, expectReport, mergeReportFile, useReportPath } from './helpers/report-checks.js';
import { TEST_LEAKS, TIMED_OUT, expectNoSurvivors, expectRunLeftNothing, trackRun } from './helpers/expectations.js';

useCleanup();
const reportPath = useReportPath();

const RUN_MS = 180_000;
// node:test has no fake timers of Jest's kind: the shared fixture's other leaking tests.
const LEAKS = Object.fromEntries(Object.entries(TEST_LEAKS).filter(([name]) => !name.startsWith('fake-timers')));
// A describe block's hooks have no end of their own in node:test: the file holds what they start.
const FILE_LEAKS = { 'server.test.js (its top level, hooks or concurrent tests)': 'server', 'top-level.test.js (its top level, hooks or concurrent tests)': 'top level' };
const CLEAN_TESTS = ['leaks.test.js > ends its own child', 'server.test.js > is up for the first test', 'server.test.js > is still up for the second test', 'server.test.js > is still up after its suite (the file ends it)', 'top-level.test.js > sees the top-level process alive'];

function testKey(title: string): string {
  // `file > describe > test` as curfew names it; the events name a test by its own title.
  const [file, ...path] = title.split(' > ');
  return `${file} > ${path.at(-1)}`;
}

function expectDiagnostics(run: Awaited<ReturnType<typeof runNodeTest>>): void {
  const reported = reportedLeaks(run.output);
  const expected: Record<string, string> = { ...LEAKS, ...FILE_LEAKS };
  expect([...reported.keys()].sort(), run.output).toEqual(Object.keys(expected).sort());
  for (const [title, label] of Object.entries(expected)) expect(reported.get(title), title).toEqual(expect.arrayContaining(run.started.get(label)!));
}

describe(`node --test --import curfew/node-test (Node ${process.versions.node})`, () => {
  it("onLeak 'warn' (the default): each leak is a diagnostic of the test or file that left it, the tests pass, nothing survives", async () => {
    const run = await runNodeTest('leaky');
    trackRun(run);
    expectDiagnostics(run);
    for (const title of Object.keys(LEAKS)) {
      const test = run.tests.get(testKey(title))!;
      if (title === TIMED_OUT) expect(test, title).toMatchObject({ state: 'failed', errors: [expect.stringMatching(/timed out/)] });
      else expect(test, title).toMatchObject({ state: 'passed' });
    }
    for (const name of CLEAN_TESTS) expect(run.tests.get(name), name).toMatchObject({ state: 'passed' });
    expectNoSurvivors(run);
    await expectRunLeftNothing(run);
  }, RUN_MS);

  it("CURFEW_ON_LEAK=fail: leaking tests fail with the list, a file's leak fails the file, the others pass", async () => {
    const run = await runNodeTest('leaky', { env: { CURFEW_ON_LEAK: 'fail' } });
    trackRun(run);
    expectDiagnostics(run);
    expect(run.exitCode).toBe(1);
    for (const [title, label] of Object.entries(LEAKS)) {
      const test = run.tests.get(testKey(title))!;
      expect(test.state, title).toBe('failed');
      if (title === TIMED_OUT) continue;
      expect(test.errors[0], title).toMatch(/CurfewError: the test left/);
      for (const pid of run.started.get(label)!) expect(test.errors[0]).toContain(`  ${pid} `);
    }
    for (const name of CLEAN_TESTS) expect(run.tests.get(name), name).toMatchObject({ state: 'passed' });
    const fileFailures = run.failures.filter((e) => /CurfewError: the file \S+ \(its top level, hooks or concurrent tests\) left/.test(e));
    expect(fileFailures.map((e) => /the file (\S+)/.exec(e)![1]).sort(), run.failures.join('\n')).toEqual(['server.test.js', 'top-level.test.js']);
    expectNoSurvivors(run);
    await expectRunLeftNothing(run);
  }, RUN_MS);

  it("CURFEW_REPORT: the files' processes leave one report of the whole run, which `curfew merge` reads (86); GITHUB_ACTIONS=true annotates each leak", async () => {
    const file = reportPath();
    const run = await runNodeTest('leaky', { env: { CURFEW_REPORT: file, CURFEW_ON_LEAK: 'fail', GITHUB_ACTIONS: 'true' } });
    trackRun(run);
    expectDiagnostics(run);
    const report = expectReport(file, 'node-test', run, { ...LEAKS, ...FILE_LEAKS });
    expect(report.onLeak).toBe('fail');
    expect(report.entries.filter((e) => e.kind === 'file').map((e) => e.file).sort()).toEqual(['server.test.js', 'top-level.test.js']);
    expectAnnotations(`${run.stdout}\n${run.stderr}`, report, 'error');
    const merged = mergeReportFile(file);
    expect(merged.status, merged.output).toBe(86);
    expectNoSurvivors(run);
    await expectRunLeftNothing(run);
  }, RUN_MS);

  it("a clean project prints nothing and passes (a server stopped in the test's t.after() is no leak); its report (of shard 1/1) lists nothing", async () => {
    const file = reportPath();
    const run = await runNodeTest('clean', { env: { CURFEW_REPORT: file, GITHUB_ACTIONS: 'true' }, args: ['--test-shard=1/1'] });
    trackRun(run);
    expect(expectReport(file, 'node-test', run, {})).toMatchObject({ entries: [], shard: '1/1' });
    expect(mergeReportFile(file).status).toBe(0);
    expect(run.output).toBe('');
    expect(run.stdout).not.toContain('curfew');
    expect(run.exitCode).toBe(0);
    expect([...run.tests.values()].map((t) => t.state), run.failures.join('\n')).toEqual(Array(7).fill('passed'));
    await expectRunLeftNothing(run);
  }, RUN_MS);

  it('tests that run concurrently keep their processes until their file ends, and are reported with it', async () => {
    const run = await runNodeTest('concurrent');
    trackRun(run);
    const reported = reportedLeaks(run.output);
    expect([...reported.keys()], run.output).toEqual(['concurrent.test.js (its top level, hooks or concurrent tests)']);
    expect([...reported.values()][0]).toEqual(expect.arrayContaining([...run.started.get('a')!, ...run.started.get('b')!]));
    expect([...run.tests.values()].map((t) => t.state)).toEqual(['passed', 'passed']);
    await expectRunLeftNothing(run);
  }, RUN_MS);

  it("a test whose afterEach hook failed before curfew's still has its processes ended and reported (on stderr)", async () => {
    const run = await runNodeTest('hook-failure');
    trackRun(run);
    const reported = reportedLeaks(`${run.stdout}\n${run.stderr}`);
    expect(reported.get('hook-failure.test.js > a block whose afterEach hook throws > leaks a background grandchild'), run.stderr).toEqual(expect.arrayContaining(run.started.get('leaks a background grandchild')!));
    expect(run.tests.get('hook-failure.test.js > runs next')).toMatchObject({ state: 'passed' });
    expectNoSurvivors(run);
    await expectRunLeftNothing(run);
  }, RUN_MS);

  it('a bad CURFEW_ON_LEAK fails each file with a TypeError naming the variable and the value', async () => {
    const run = await runNodeTest('clean', { env: { CURFEW_ON_LEAK: 'loud' } });
    trackRun(run);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('TypeError: The `CURFEW_ON_LEAK` environment variable must be \'warn\', \'fail\' or \'ignore\', got "loud".');
  }, RUN_MS);
});
