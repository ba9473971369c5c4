import { describe, expect, it } from 'vitest';
import { useCleanup } from '../helpers/cleanup.js';
import { FLAVOR } from './helpers/frameworks.js';
import { reportedLeaks, type FixtureRun } from './helpers/fixture-run.js';
import { runJest } from './helpers/run-jest.js';
import { runVitest, type VitestRunOptions } from './helpers/run-vitest.js';
import { expectNoSurvivors, expectRunLeftNothing, trackRun } from './helpers/expectations.js';

useCleanup();

const RUN_MS = 180_000;
const ALLOW = [{ command: 'allowed-fixture-daemon', reason: 'a daemon the suite shares' }];

// The `owned` project: two files' tests each use esbuild (which starts its service on first use
// and keeps a pipe to it) and a module's own service of the same kind, and a file stops its
// children in afterEach without waiting. Every test passes, and curfew has nothing to say.
function expectOwnedPasses(run: FixtureRun): void {
  const failed = [...run.tests.entries()].filter(([, t]) => t.state !== 'passed');
  expect(failed, run.output).toEqual([]);
  expect([...run.files.values()].map((f) => f.state)).toEqual(Array(run.files.size).fill('passed'));
  expect(run.output).not.toMatch(/curfew/);
}

describe(`Vitest (${FLAVOR} major): a helper the test process holds is not a test's leak`, () => {
  const configs: [string, VitestRunOptions][] = [
    ["forks, onLeak 'warn'", { pool: 'forks', curfew: { onLeak: 'warn' } }],
    ["forks, onLeak 'fail'", { pool: 'forks', curfew: { onLeak: 'fail' } }],
    ["forks, onLeak 'ignore'", { pool: 'forks', curfew: { onLeak: 'ignore' } }],
    ["threads, onLeak 'fail'", { pool: 'threads', curfew: { onLeak: 'fail' } }],
    ["forks with isolate: false, onLeak 'fail'", { pool: 'forks', isolate: false, curfew: { onLeak: 'fail' } }],
    ["threads with isolate: false, onLeak 'warn'", { pool: 'threads', isolate: false, curfew: { onLeak: 'warn' } }],
  ];
  it.each(configs)('%s: esbuild and the module service keep working, exiting children are not reported, nothing is left', async (_, options) => {
    const run = await runVitest('owned', options);
    trackRun(run);
    expectOwnedPasses(run);
    expect(run.tests.size).toBe(14);
    await expectRunLeftNothing(run);
  }, RUN_MS);
});

describe.each([
  ['in band', true],
  ['in worker processes', false],
] as const)(`Jest (${FLAVOR} major), %s: a helper the test process holds is not a test's leak`, (_, inBand) => {
  it.each(['warn', 'fail'] as const)("onLeak '%s': esbuild and the module service keep working, exiting children are not reported, nothing is left", async (onLeak) => {
    const run = await runJest('owned', { inBand, curfew: { onLeak } });
    trackRun(run);
    expectOwnedPasses(run);
    expect(run.tests.size).toBe(10);
    await expectRunLeftNothing(run);
  }, RUN_MS);
});

// The `precision` project: a leak named with its port and spawn site; a server the test still
// holds a pipe to (ended and reported with the file, not the test); an allowed daemon and a kept
// helper (both outlive their test, and are ended unreported with the file).
function expectPrecision(run: FixtureRun, file: string, onLeak: 'warn' | 'fail'): void {
  const reported = reportedLeaks(run.output);
  const server = run.started.get('server')![0];
  const port = [...run.started.keys()].find((k) => k.startsWith('port '))!.slice(5);
  const held = run.started.get('held server')![0];
  expect([...reported.keys()].sort(), run.output).toEqual(['held.test.js (its top level, hooks or concurrent tests)', 'names.test.js > leaks a server listening on a port']);
  expect(reported.get('names.test.js > leaks a server listening on a port')).toEqual([server]);
  const block = run.output.slice(run.output.indexOf('names.test.js > leaks a server'));
  expect(block).toMatch(new RegExp(`^ {2}${server} \\S*node -e const s=require\\('node:net'\\)`, 'm'));
  expect(block).toMatch(new RegExp(`^ {6}listening on 127\\.0\\.0\\.1:${port}/tcp$`, 'm'));
  expect(block).toMatch(/^ {6}spawned in startServer \(\S*helpers\.cjs:\d+:\d+\), called from \S*precision\/names\.test\.js:\d+:\d+$/m);
  // The held server is the file's, naming the test that started it and why it was kept.
  expect(reported.get('held.test.js (its top level, hooks or concurrent tests)')).toEqual([held]);
  expect(run.output).toContain('started in the test "forgets a server it still holds a pipe to"');
  expect(run.output).toMatch(/held by the test process until its owner ended \(its stdin pipe\)/);
  // Every test passes (the held server is alive for the test after it; the kept and allowed ones too).
  for (const [name, test] of run.tests) expect(test.state, `${name}: ${test.errors.join(' | ')}`).toBe(onLeak === 'fail' && name === `names.test.js > leaks a server listening on a port` ? 'failed' : 'passed');
  expect(run.files.get('held.test.js')?.state).toBe(onLeak === 'fail' ? 'failed' : 'passed');
  expect(run.files.get(file)?.state).toBe('passed');
}

it.each(['warn', 'fail'] as const)(`Vitest (${FLAVOR} major), onLeak '%s': a leak is named by command, port and spawn site; held, kept and allowed processes outlive their test`, async (onLeak) => {
  const run = await runVitest('precision', { curfew: { onLeak, allow: ALLOW } });
  trackRun(run);
  expectPrecision(run, 'keep.test.js', onLeak);
  expectNoSurvivors(run);
  await expectRunLeftNothing(run);
}, RUN_MS);

it.each(['warn', 'fail'] as const)(`Jest (${FLAVOR} major), onLeak '%s': a leak is named by command, port and spawn site; held, kept and allowed processes outlive their test`, async (onLeak) => {
  const run = await runJest('precision', { curfew: { onLeak, allow: ALLOW } });
  trackRun(run);
  expectPrecision(run, 'keep.test.js', onLeak);
  expectNoSurvivors(run);
  await expectRunLeftNothing(run);
}, RUN_MS);

it(`Jest (${FLAVOR} major): curfew's option at the top of testEnvironmentOptions fails each file, naming the right place`, async () => {
  const run = await runJest('clean', { environmentOptions: { onLeak: 'fail' } });
  trackRun(run);
  expect([...run.files.values()].map((f) => f.errors.join(''))).toEqual([expect.stringContaining("curfew's `onLeak` option goes under `testEnvironmentOptions.curfew`, not at the top of `testEnvironmentOptions`: write testEnvironmentOptions: { curfew: { onLeak: \"fail\" } }.")]);
}, RUN_MS);
