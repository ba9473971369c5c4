import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { track, useCleanup } from '../helpers/cleanup.js';
import { fileURLToPath } from 'node:url';
import { CLI_JS } from '../helpers/cli.js';
import { newMarker, survivors } from '../helpers/processes.js';
import { CURFEW_DIR, FLAVOR } from './helpers/frameworks.js';
import { installProject } from './helpers/fixture-run.js';
import { runJest } from './helpers/run-jest.js';
import { FILE_LEAK, SUITE_LEAK, TEST_LEAKS, expectNoSurvivors, trackRun } from './helpers/expectations.js';

useCleanup();

// Three nested Vitest runs on a loaded machine.
const RUN_MS = 300_000;
const project = installProject('vitest', 'sharded', CURFEW_DIR);
afterAll(() => project.remove());
const VITEST = join(CURFEW_DIR, 'node_modules/vitest/vitest.mjs');

interface Ran {
  status: number | null;
  output: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, marker: string): Promise<Ran> {
  const child = spawn(process.execPath, [file, ...args], { cwd: project.dir, env: { ...process.env, NO_COLOR: '1', CI: '', GITHUB_ACTIONS: '', VITEST: '', VITEST_WORKER_ID: '', VITEST_POOL_ID: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  track([child.pid!], marker);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => child.once('error', reject).once('close', (status) => resolve({ status, output })));
}

function started(out: string): Map<string, number[]> {
  const map = new Map<string, number[]>();
  if (!existsSync(out)) return map;
  for (const line of readFileSync(out, 'utf8').split('\n').filter(Boolean)) {
    const { test, pids } = JSON.parse(line) as { test: string; pids: number[] };
    map.set(test, pids);
  }
  return map;
}

describe.skipIf(FLAVOR === 'oldest')('reports across Vitest shards', () => {
  it('each shard writes a curfew report and a blob; `vitest --merge-reports` still names the leaking tests (and JUnit has them as properties); `curfew merge` sums the shards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'curfew-shards-'));
    const marker = newMarker();
    const env = { CURFEW_IT_OUT: join(dir, 'started.jsonl'), CURFEW_IT_MARKER: marker, CURFEW_IT_FIXTURES: fileURLToPath(new URL('../../fixtures/', import.meta.url)) };
    const blobs = join(dir, 'blobs');
    for (const shard of [1, 2]) {
      const ran = await run(VITEST, ['run', `--shard=${shard}/2`, '--reporter=blob', `--outputFile=${join(blobs, `blob-${shard}.json`)}`], { ...env, CURFEW_IT_REPORT: join(dir, `curfew-${shard}.json`), GITHUB_ACTIONS: 'true' }, marker);
      // onLeak 'fail': each shard's leaking test fails it, and is an error annotation at its line.
      expect(ran.status, ran.output).toBe(1);
      expect(ran.output).toMatch(/^::error file=(first|second)\.test\.js,line=7,title=curfew%3A (first|second)\.test\.js > \1 leaks a setsid daemon left 1 process running::\d+ /m);
    }
    const pids = started(env.CURFEW_IT_OUT);
    track([...pids.values()].flat(), marker);
    expect(survivors([...pids.values()].flat(), marker)).toEqual([]);

    const shards = [1, 2].map((n) => JSON.parse(readFileSync(join(dir, `curfew-${n}.json`), 'utf8')));
    expect(shards.map((s) => s.shard).sort()).toEqual(['1/2', '2/2']);
    for (const shard of shards) expect(shard).toMatchObject({ schema: 'curfew-report', version: 1, runner: 'vitest', onLeak: 'fail', totals: { entries: 1, processes: 1 } });

    const junit = join(dir, 'junit.xml');
    const merged = await run(VITEST, ['--merge-reports', blobs, '--reporter=default', '--reporter=junit', `--outputFile.junit=${junit}`], { ...env, CURFEW_IT_REPORT: join(dir, 'curfew-merged.json') }, marker);
    for (const name of ['first', 'second']) {
      const [pid] = pids.get(`${name} leaks a setsid daemon`)!;
      expect(merged.output).toContain(`curfew: ${name}.test.js > ${name} leaks a setsid daemon left 1 process running:\n  ${pid} `);
      expect(readFileSync(junit, 'utf8')).toMatch(new RegExp(`<property name="curfew" value="left 1 process running:\\s+${pid} `));
    }
    expect(merged.output).toContain('curfew: 2 tests left 2 processes running; all were ended.');
    expect(JSON.parse(readFileSync(join(dir, 'curfew-merged.json'), 'utf8')).totals).toMatchObject({ entries: 2, processes: 2 });

    const summed = await run(CLI_JS, ['merge', '--json', join(dir, 'curfew-1.json'), join(dir, 'curfew-2.json')], {}, marker);
    expect(summed.status).toBe(86);
    expect(summed.output).toContain('curfew: 2 tests left 2 processes running; all were ended.');
  }, RUN_MS);
});

describe('reports from Jest', () => {
  it("testEnvironmentOptions.curfew.report: the reporter writes every test's, suite's and file's leaks", async () => {
    const report = join(mkdtempSync(join(tmpdir(), 'curfew-jest-report-')), 'nested', 'curfew.json');
    const ran = await runJest('leaky', { curfew: { onLeak: 'warn', report } });
    trackRun(ran);
    const written = JSON.parse(readFileSync(report, 'utf8'));
    expect(written).toMatchObject({ schema: 'curfew-report', version: 1, runner: 'jest', onLeak: 'warn' });
    const titles = written.entries.map((e: { title: string }) => e.title).sort();
    expect(titles).toEqual([...Object.keys(TEST_LEAKS), SUITE_LEAK.title, FILE_LEAK.title].sort());
    for (const entry of written.entries) expect(entry.file).toMatch(/^test\/integrations\/fixtures\/jest\/leaky\/[\w-]+\.test\.js$/);
    expect(written.totals.processes).toBe(written.entries.flatMap((e: { processes: unknown[] }) => e.processes).length);
    expectNoSurvivors(ran);
  }, RUN_MS);
});
