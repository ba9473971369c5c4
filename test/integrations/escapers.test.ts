import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useCleanup } from '../helpers/cleanup.js';
import { FLAVOR } from './helpers/frameworks.js';
import { reportedLeaks, type FixtureRun } from './helpers/fixture-run.js';
import { runJest, type JestRunOptions } from './helpers/run-jest.js';
import { runVitest, type VitestRunOptions } from './helpers/run-vitest.js';
import { expectRunLeftNothing, trackRun } from './helpers/expectations.js';

useCleanup();

// Every pool and worker mode, with every kind of escaper left by a test of its own while another
// file keeps a helper daemon: nothing is alive after the run; each escaper is reported under its
// test, or, where no token says whose it is and several files ran at once in one process (worker
// threads), under the file or the run, which say why; the other file's helper is not ended while
// that file runs.
const RUN_MS = 300_000;
const RUN_TITLE = 'the run (processes re-parented to the runner that no test could be pinned to)';
const FILE_TITLE = 'leaves.test.js (its top level, hooks or concurrent tests)';
// Escapers whose environment no longer names their test: their title is written over it, or it is empty.
const TOKENLESS = new Set(['scrubbed-env-daemon.sh', 'redis-daemon.sh', 'nginx-daemon.sh', 'proctitle-rewriter.sh']);
if (process.getuid?.() !== 0) for (const name of ['ssh-agent.sh', 'gpg-agent.sh', 'non-dumpable-daemon.sh']) TOKENLESS.add(name);
const KINDS: string[] = JSON.parse(readFileSync(new URL('./fixtures/vitest/escapers/leaves.test.js', import.meta.url), 'utf8').match(/const KINDS = (\[[^\]]*\])/)![1].replaceAll("'", '"'));

function expectEscapersHandled(run: FixtureRun, threads: boolean): void {
  const reported = reportedLeaks(run.output);
  const under = (pid: number) => [...reported].filter(([, pids]) => pids.includes(pid)).map(([title]) => title);
  for (const [label] of run.started) if (label.startsWith('skipped ')) console.log(`${label}`);
  for (const kind of KINDS) {
    const pids = run.started.get(kind);
    if (!pids) continue; // skipped: its program is missing here (said above)
    for (const pid of pids) {
      const titles = under(pid);
      const own = `leaves.test.js > leaves ${kind}`;
      // Pinned to its test; a tokenless one in worker threads may be the file's or the run's instead.
      const allowed = TOKENLESS.has(kind) && threads ? [own, FILE_TITLE, RUN_TITLE] : [own];
      expect(titles.length === 1 && allowed.includes(titles[0]), `${kind}: pid ${pid} reported under ${JSON.stringify(titles)}\n${run.output}`).toBe(true);
    }
  }
  // The other file's helper lived through the other file's tests, and was not charged to any of them.
  const helperTest = run.tests.get('helper.test.js > keeps its helper while the other file leaves escapees');
  expect(helperTest?.state, `${helperTest?.errors.join('\n')}\n${run.output}`).toBe('passed');
  for (const pid of run.started.get('helper')!) expect(under(pid).every((t) => !t.startsWith('leaves.test.js > ')), `helper ${pid}: ${under(pid)}`).toBe(true);
}

describe(`Vitest (${FLAVOR} major): every kind of escaper, one per test`, () => {
  const pools: [string, VitestRunOptions, boolean][] = [
    ['forks', { pool: 'forks' }, false],
    ['threads', { pool: 'threads' }, true],
    ['vmThreads', { pool: 'vmThreads' }, true],
  ];
  it.each(pools)('pool %s: each is reported and ended; the other file keeps its helper; nothing is left', async (_, options, threads) => {
    // Two files at once, whatever the cores: the helper's file runs while the other leaves escapees.
    const run = await runVitest('escapers', { ...options, maxWorkers: 2, curfew: { onLeak: 'warn' } });
    trackRun(run);
    expectEscapersHandled(run, threads);
    await expectRunLeftNothing(run);
  }, RUN_MS);
});

describe(`Jest (${FLAVOR} major): every kind of escaper, one per test`, () => {
  const modes: [string, JestRunOptions, boolean][] = [
    ['worker processes', { inBand: false }, false],
    ['--runInBand', { inBand: true }, false],
    ['workerThreads', { workerThreads: true }, true],
  ];
  it.each(modes)('%s: each is reported and ended; the other file keeps its helper; nothing is left', async (_, options, threads) => {
    const run = await runJest('escapers', { ...options, curfew: { onLeak: 'warn' } });
    trackRun(run);
    expectEscapersHandled(run, threads);
    await expectRunLeftNothing(run);
  }, RUN_MS);
});
