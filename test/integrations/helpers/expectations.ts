import { expect } from 'vitest';
import { track } from '../../helpers/cleanup.js';
import { describePids, killSurvivors, survivors, waitUntil, withVariable } from '../../helpers/processes.js';
import { allStarted, reportedLeaks, type FixtureRun } from './fixture-run.js';

// The `leaky` fixture project, the same for Vitest and Jest: what each test, suite and file
// leaves behind, by the title curfew reports it under and the label its fixture recorded.
export const TEST_LEAKS: Record<string, string> = {
  'leaks.test.js > leaks a background grandchild': 'leaks a background grandchild',
  'leaks.test.js > leaks a setsid daemon': 'leaks a setsid daemon',
  'leaks.test.js > leaks a detached child': 'leaks a detached child',
  'leaks.test.js > times out holding a child': 'times out holding a child',
  'leaks.test.js > hooks > leaks from afterEach': 'hooks > leaks from afterEach',
  'fake-timers.test.js > leaks under fake timers': 'leaks under fake timers',
};
export const SUITE_LEAK = { title: 'server.test.js > server (its hooks or concurrent tests)', label: 'server' };
export const FILE_LEAK = { title: 'top-level.test.js (its top level, hooks or concurrent tests)', label: 'top level' };
export const TIMED_OUT = 'leaks.test.js > times out holding a child';
/** Tests that leave nothing (the server's tests must not be charged with the server). */
export const CLEAN_TESTS = [
  'leaks.test.js > ends its own child',
  'server.test.js > server > is up for the first test',
  'server.test.js > server > is still up for the second test',
  'server.test.js > is gone once its suite is over',
  'top-level.test.js > sees the top-level process alive',
];
/** Vitest's fixture has these two more (attempts.test.js): an onTestFinished callback's leak, and a retried test's. */
export const VITEST_TEST_LEAKS: Record<string, string> = {
  'attempts.test.js > leaks from onTestFinished': 'leaks from onTestFinished',
  'attempts.test.js > leaks on each attempt': 'leaks on each attempt',
};
export const RETRIED = 'attempts.test.js > leaks on each attempt';

function summary(tests: number): RegExp {
  return new RegExp(`^curfew: ${tests} tests, 1 suite and 1 file left \\d+ processes running; all were ended\\.$`, 'm');
}

/** Hands everything the fixtures started to the cleanup first, so a failed assertion leaves nothing. */
export function trackRun(run: FixtureRun): void {
  track(allStarted(run), run.marker);
}

/** Each leak is printed under the test, suite or file that left it, with the pids that test started. */
export function expectLeaksReported(run: FixtureRun, testLeaks: Record<string, string> = TEST_LEAKS): void {
  const reported = reportedLeaks(run.output);
  const expected = { ...testLeaks, [SUITE_LEAK.title]: SUITE_LEAK.label, [FILE_LEAK.title]: FILE_LEAK.label };
  expect([...reported.keys()].sort(), run.output).toEqual(Object.keys(expected).sort());
  for (const [title, label] of Object.entries(expected)) {
    const started = run.started.get(label);
    expect(started, `the fixture recorded what "${label}" started`).toBeDefined();
    // Reported may hold more: a fixture's own shell, caught just before it exited.
    expect(reported.get(title), title).toEqual(expect.arrayContaining(started!));
  }
  expect(run.output).toMatch(summary(Object.keys(testLeaks).length));
}

/**
 * The `concurrent` project: both tests pass, and their leaks are reported with their describe
 * block, or with the file where the runner starts concurrent tests before the block (Jest 29).
 */
export function expectConcurrentLeaks(run: FixtureRun): void {
  const reported = reportedLeaks(run.output);
  expect([...reported.keys()], run.output).toEqual([expect.stringMatching(/^concurrent\.test\.js( > concurrent)? \((its hooks|its top level, hooks) or concurrent tests\)$/)]);
  expect([...reported.values()][0]).toEqual(expect.arrayContaining([...run.started.get('a')!, ...run.started.get('b')!]));
  expect([...run.tests.values()].map((t) => t.state)).toEqual(['passed', 'passed']);
}

export function expectNoSurvivors(run: FixtureRun): void {
  expect(survivors(allStarted(run), run.marker)).toEqual([]);
}

/**
 * Nothing the run started is left, including what no fixture recorded (esbuild's service):
 * every process of the run (its workers and all below them) carries the run's marker variable.
 * Workers, and helpers that exit when their worker's pipes close, may take a moment after the
 * run returns.
 */
export async function expectRunLeftNothing(run: FixtureRun): Promise<void> {
  // Not this process's own crash watchdog (an in-band Jest run starts it here, and it inherits the marker).
  const ownWatchdog = new Set(withVariable('CURFEW_WATCHDOG', String(process.pid)));
  const left = () => [...new Set([...survivors(allStarted(run), run.marker), ...withVariable('CURFEW_IT_MARKER', run.marker)])].filter((pid) => !ownWatchdog.has(pid));
  await waitUntil(() => left().length === 0, 10_000);
  const described = describePids(left());
  // Ours by the run's unique marker: ended here, so a failing check leaves nothing either.
  killSurvivors(left());
  expect(described).toEqual([]);
}
