// The benchmark: trivial tests run with and without the curfew plugin, alternately, on
// an installed copy of the build (staged at ./node_modules/curfew, as a user would have it).
//
//   npm run build && node test/integrations/bench/trivial.mjs [--tests 500] [--files 5] [--pool forks] [--rounds 7]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { startVitest } from 'vitest/node';
import { stageCurfew } from '../stage.mjs';

const { values } = parseArgs({
  options: { tests: { type: 'string', default: '500' }, files: { type: 'string', default: '5' }, pool: { type: 'string', default: 'forks' }, rounds: { type: 'string', default: '7' } },
});
const tests = Number(values.tests);
const files = Number(values.files);
const rounds = Number(values.rounds);

const { default: curfew } = await import(pathToFileURL(`${stageCurfew('bench')}dist/integrations/vitest/plugin.bundle.js`).href);

const root = mkdtempSync(join(tmpdir(), 'curfew-bench-'));
mkdirSync(root, { recursive: true });
for (let f = 0; f < files; f++) {
  const body = Array.from({ length: Math.ceil(tests / files) }, (_, i) => `test('trivial ${i}', () => { expect(${i} + 1).toBe(${i + 1}); });`).join('\n');
  writeFileSync(join(root, `trivial-${f}.test.js`), `${body}\n`);
}

async function runOnce(withPlugin) {
  const started = performance.now();
  const vitest = await startVitest('test', [], { root, config: false, watch: false, globals: true, pool: values.pool, reporters: [{}] }, { plugins: withPlugin ? [curfew()] : [] });
  const wallMs = performance.now() - started;
  const failed = vitest.state.getTestModules().some((m) => m.state() !== 'passed');
  await vitest.close();
  if (failed) throw new Error('a trivial test failed');
  return wallMs;
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const off = [];
const on = [];
try {
  await runOnce(false); // warm-up: Vite's caches, the OS's page cache
  for (let i = 0; i < rounds; i++) {
    // Alternate the order so that a slow patch of the machine hits both sides alike.
    if (i % 2 === 0) off.push(await runOnce(false)), on.push(await runOnce(true));
    else on.push(await runOnce(true)), off.push(await runOnce(false));
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
const overhead = (median(on) / median(off) - 1) * 100;
console.log(`${tests} trivial tests in ${files} files, pool ${values.pool}, ${rounds} rounds`);
console.log(`  without curfew: median ${median(off).toFixed(0)} ms  (${off.map((m) => m.toFixed(0)).join(' ')})`);
console.log(`  with curfew:    median ${median(on).toFixed(0)} ms  (${on.map((m) => m.toFixed(0)).join(' ')})`);
console.log(`  overhead: ${overhead.toFixed(1)}%`);
process.exitCode = process.exitCode === 1 ? 0 : process.exitCode;
