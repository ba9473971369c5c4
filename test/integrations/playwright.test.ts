import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { track, useCleanup } from '../helpers/cleanup.js';
import { newMarker, survivors } from '../helpers/processes.js';
import { fileURLToPath } from 'node:url';
import { CURFEW_DIR, FLAVOR, FRAMEWORKS_MODULES } from './helpers/frameworks.js';
import { installProject } from './helpers/fixture-run.js';

useCleanup();

// Real Playwright Test (its runner only: no browser is launched), on a loaded machine.
const RUN_MS = 240_000;
const REPO_FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const CLI = join(FRAMEWORKS_MODULES, '@playwright/test/cli.js');
// Playwright Test before 1.53 never finishes loading an ES module test file on Node 24 (its
// loader hangs, measured with 1.46 to 1.52 and no curfew involved), so the oldest flavor (1.46) runs
// on the oldest supported Node, which `npm run test:oldest` installs under test/node-floor/.
const FLOOR_NODE_BIN = fileURLToPath(new URL('../node-floor/node_modules/node/bin/node', import.meta.url));
const NODE = FLAVOR === 'oldest' ? FLOOR_NODE_BIN : process.execPath;
const HAS_PLAYWRIGHT = existsSync(CLI) && existsSync(NODE);
if (!existsSync(CLI)) console.log(`playwright.test: no @playwright/test under ${FRAMEWORKS_MODULES} (${FLAVOR}), so Playwright Test is not tested here`);
else if (!existsSync(NODE)) console.log(`playwright.test: no Node at ${NODE} (npm run test:oldest installs it), so Playwright Test (${FLAVOR}) is not tested here`);
// In the installed copy, @playwright/test resolves to the flavor's, and curfew's import of it to the same one.
const project = installProject('playwright', '', CURFEW_DIR, { from: FRAMEWORKS_MODULES, names: ['@playwright', 'playwright', 'playwright-core'] });
afterAll(() => project.remove());

interface PlaywrightRun {
  status: number | null;
  output: string;
  started: Map<string, number[]>;
  report: Record<string, unknown> | undefined;
  marker: string;
}

async function runPlaywright(onLeak: 'warn' | 'fail', args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<PlaywrightRun> {
  const dir = mkdtempSync(join(tmpdir(), 'curfew-pw-'));
  const marker = newMarker();
  const report = join(dir, 'report.json');
  const child = spawn(NODE, [CLI, 'test', ...args], {
    cwd: project.dir,
    env: { ...process.env, NO_COLOR: '1', CI: '', GITHUB_ACTIONS: '', CURFEW_IT_ON_LEAK: onLeak, CURFEW_IT_REPORT: report, CURFEW_IT_OUT: join(dir, 'started.jsonl'), CURFEW_IT_MARKER: marker, CURFEW_IT_FIXTURES: REPO_FIXTURES, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track([child.pid!], marker);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const status = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('close', resolve));
  const started = new Map<string, number[]>();
  const out = join(dir, 'started.jsonl');
  if (existsSync(out)) {
    for (const line of readFileSync(out, 'utf8').split('\n').filter(Boolean)) {
      const { test, pids } = JSON.parse(line) as { test: string; pids: number[] };
      started.set(test, pids);
      track(pids, marker);
    }
  }
  const written = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown>) : undefined;
  rmSync(dir, { recursive: true, force: true });
  return { status, output, started, report: written, marker };
}

const LEAKING = ['starts a helper server and leaves it', 'leaks a setsid daemon'];
const title = (name: string) => `leaky/leaks.spec.mjs > ${name}`;

// The worker's scope: what the file's beforeAll left is ended and named when the worker ends.
function expectWorkerLeak(run: PlaywrightRun): void {
  const [pid] = run.started.get('beforeAll leaks a setsid daemon')!;
  expect(run.output).toMatch(new RegExp(`curfew: worker \\d+ \\(default project: worker fixtures and beforeAll/afterAll hooks\\) left 1 process running:\n  ${pid} `));
}

describe.skipIf(!HAS_PLAYWRIGHT)(`Playwright Test (${FLAVOR}, Node ${FLAVOR === 'oldest' ? 'from test/node-floor' : process.versions.node}), curfew/playwright`, () => {
  it("onLeak 'fail': leaking tests are named, their processes ended, and they fail; the others pass; nothing survives", async () => {
    const run = await runPlaywright('fail', [], { GITHUB_ACTIONS: 'true' });
    expect(run.status, run.output).toBe(1);
    for (const name of LEAKING) {
      const pids = run.started.get(name)!;
      expect(pids, name).toHaveLength(1);
      expect(run.output).toMatch(new RegExp(`✘ .*› ${name}`));
      expect(run.output).toContain(`curfew: ${title(name)} left 1 process running:\n  ${pids[0]} `);
    }
    expect(run.output).toMatch(/✓ .*› ends its own child/);
    expect(run.output).toMatch(/✓ .*› does nothing/);
    expect(run.output).toContain('curfew: 2 tests left 2 processes running; all were ended.');
    expectWorkerLeak(run);
    // On GitHub Actions, one error annotation per leaking test, at its line.
    expect(run.output).toMatch(/^::error file=leaky\/leaks\.spec\.mjs,line=7,title=curfew%3A leaky\/leaks\.spec\.mjs > starts a helper server/m);
    expect(run.report).toMatchObject({ schema: 'curfew-report', version: 1, runner: 'playwright', onLeak: 'fail', totals: { entries: 2, processes: 2, alive: 0 } });
    expect(survivors([...run.started.values()].flat(), run.marker)).toEqual([]);
  }, RUN_MS);

  it("onLeak 'warn': leaking tests pass with the leak reported; nothing survives", async () => {
    const run = await runPlaywright('warn');
    expect(run.status, run.output).toBe(0);
    for (const name of LEAKING) expect(run.output).toContain(`curfew: ${title(name)} left 1 process running:\n  ${run.started.get(name)![0]} `);
    expect(run.output).toMatch(/5 passed/);
    expectWorkerLeak(run);
    expect(run.output).not.toMatch(/^::/m);
    expect(survivors([...run.started.values()].flat(), run.marker)).toEqual([]);
  }, RUN_MS);

  it('clean tests print nothing of curfew, and the report says nothing leaked', async () => {
    const run = await runPlaywright('fail', ['--grep', 'ends its own child|does nothing']);
    expect(run.status, run.output).toBe(0);
    expect(run.output).not.toContain('curfew');
    expect(run.report).toMatchObject({ runner: 'playwright', entries: [], totals: { entries: 0, processes: 0, alive: 0 } });
    expect(survivors([...run.started.values()].flat(), run.marker)).toEqual([]);
  }, RUN_MS);
});
