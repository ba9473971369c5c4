// Section 5d: what the Vitest worker entry allocates in a worker's young generation, the memory
// whose filling triggers the collections that a trivial test file pays for (README, design
// notes). The entry is imported under a stub of `vitest` (the four runner hooks curfew patches,
// inject and two hook registrars), in a Node whose young generation is too large to be collected
// during the probe, and V8's new-space use is read between the phases. Skips (saying why) while
// the entry is not built.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { median } from '../lib/stats.mjs';
import { table } from '../lib/format.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = `${ROOT}dist/integrations/vitest/setup.bundle.js`;
const WORK = `${ROOT}bench/.tmp/worker-memory/`;
const RUNS = process.env.BENCH_QUICK === '1' ? 1 : 5;
const TESTS = 100;

const STUB = `export class TestRunner { onBeforeTryTask() {} onAfterRetryTask() {} async onBeforeRunSuite() {} async onAfterRunSuite() {} }
export const inject = () => undefined;
export const afterAll = () => {};
export const beforeEach = () => {};
`;

// Runs in its own Node. What a Vitest worker has loaded before the entry is loaded first, so that
// only the entry's own allocations are counted.
const PROBE = `import v8 from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';
import * as vitest from 'vitest';
for (const m of ['node:module', 'node:async_hooks', 'node:fs', 'node:child_process', 'node:worker_threads', 'node:diagnostics_channel', 'node:path', 'node:timers/promises', 'node:url']) await import(m);
performance.now();
let collections = 0;
new PerformanceObserver((list) => { collections += list.getEntries().length; }).observe({ entryTypes: ['gc'] });
const young = () => v8.getHeapSpaceStatistics().filter((s) => s.space_name.startsWith('new_')).reduce((sum, s) => sum + s.space_used_size, 0);
const R = vitest.TestRunner.prototype;
const runner = new vitest.TestRunner();
const file = { id: 'f', name: 'f', filepath: '/f.test.js', meta: {} };
async function tests() { for (let i = 0; i < ${TESTS}; i++) { const t = { meta: {} }; R.onBeforeTryTask.call(runner, t, {}); await R.onAfterRetryTask.call(runner, t, {}); } }
await import('./empty.mjs?warm');
// The harness's own cost of each phase, on the hooks before the entry patches them.
const b0 = young(); await import('./empty.mjs'); const b1 = young();
await R.onBeforeRunSuite.call(runner, file); const b2 = young();
await tests(); const b3 = young();
await R.onAfterRunSuite.call(runner, file); const b4 = young();
const y0 = young(); await import('./entry.js'); const y1 = young();
await R.onBeforeRunSuite.call(runner, file); const y2 = young();
await tests(); const y3 = young();
await R.onAfterRunSuite.call(runner, file); const y4 = young();
await new Promise((resolve) => setTimeout(resolve, 20));
process.stdout.write(JSON.stringify({ load: y1 - y0 - (b1 - b0), open: y2 - y1 - (b2 - b1), tests: y3 - y2 - (b3 - b2), close: y4 - y3 - (b4 - b3), collections }));
`;

export async function run() {
  const title = '5d. What the Vitest worker entry allocates';
  if (!existsSync(ENTRY)) return { title, skipped: true, markdown: `Skipped: ${ENTRY} is not built (npm run build).` };
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(`${WORK}node_modules/vitest`, { recursive: true });
  writeFileSync(`${WORK}package.json`, '{ "type": "module" }\n');
  writeFileSync(`${WORK}node_modules/vitest/package.json`, '{ "name": "vitest", "type": "module", "exports": { ".": "./index.js" } }\n');
  writeFileSync(`${WORK}node_modules/vitest/index.js`, STUB);
  writeFileSync(`${WORK}empty.mjs`, 'export {};\n');
  writeFileSync(`${WORK}probe.mjs`, PROBE);
  copyFileSync(ENTRY, `${WORK}entry.js`);
  // The files the entry imports lazily (the teardown engine, the leak failure), next to it as in dist/.
  for (const name of readdirSync(`${ROOT}dist/integrations/vitest/`)) if (/^setup\.(?!bundle).*\.js$/.test(name) && name !== 'setup.js') copyFileSync(`${ROOT}dist/integrations/vitest/${name}`, `${WORK}${name}`);

  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const { stdout } = await execa(process.execPath, ['--min-semi-space-size=64', '--max-semi-space-size=64', `${WORK}probe.mjs`], { cwd: WORK, stdin: 'ignore' });
    const sample = JSON.parse(stdout);
    if (sample.collections > 0) throw new Error(`a collection ran during the probe (${sample.collections}); its numbers would be wrong`);
    samples.push(sample);
  }
  const kb = (key) => (median(samples.map((s) => s[key])) / 1024).toFixed(0);
  const total = (median(samples.map((s) => s.load + s.open + s.tests + s.close)) / 1024).toFixed(0);
  const rows = [
    ['load and start the entry (its module, the registry, the file scope, the runner patch)', kb('load')],
    ['open the file (the runner starts it)', kb('open')],
    [`${TESTS} trivial tests (a scope each, opened and closed)`, kb('tests')],
    ['close the file', kb('close')],
    ['**a 100-test file in all**', `**${total}**`],
  ];
  const markdown = [
    `The worker entry (\`dist/integrations/vitest/setup.bundle.js\`) imported under a stub of \`vitest\`, in a Node with a 64 MB young generation (no collection may run; the probe checks), after the modules a Vitest worker has already loaded. Each phase is V8's new-space use after it minus before, minus what the same phase costs the harness without curfew. Median of ${RUNS} runs, each in a fresh Node.`,
    '',
    table(['phase', 'young generation, KB'], rows),
    '',
    '- Why it matters: a file of trivial tests in a fresh worker ends close to one more young-generation collection (5–15 ms on this machine), so these kilobytes, more than curfew\'s CPU time, decide what the plugin costs a suite of many short files (5a).',
  ].join('\n');
  return { title, markdown };
}
