// Section 7: what the settle window costs (issue 13: "the settle window costs a clean test
// nothing"). It is waited only when something is found alive at a test's end, so a clean test
// must take as long with `settle: 2000` as with `settle: 0`; a control shows the window at work.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { installBuild } from './lib/overhead.mjs';
import { log, runSection } from './lib/section.mjs';
import { summarize, ratios } from './lib/stats.mjs';
import { ms, msSpread, ratioSpread, table } from './lib/format.mjs';
import { runVitest, writeVitestSuite } from './pools/suites.mjs';
import { cleanSpawnsMs, exitingAtTeardown, idleCloseUs, interleave } from './settle/library.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PLUGIN = `${ROOT}dist/integrations/vitest/plugin.js`;
const WORK = `${ROOT}bench/.tmp/settle-cost/`;
const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 1 : Number(process.env.BENCH_ROUNDS ?? 15);
const TRIVIAL = 500;
const SPAWNING = 100;
const CONTROL = QUICK ? 3 : 15;
const SETTLES = [0, 300, 2000];

const spawnBody = (perFile) => `import { spawn } from 'node:child_process';\nimport { once } from 'node:events';\n\nfor (let i = 0; i < ${perFile}; i++) it(\`spawns \${i}\`, async () => {\n  const [code] = await once(spawn('true', [], { stdio: 'ignore' }), 'exit');\n  expect(code).toBe(0);\n});\n`;

function writeSuites() {
  mkdirSync(WORK, { recursive: true });
  writeFileSync(`${WORK}package.json`, '{ "name": "curfew-bench-settle", "private": true, "type": "module" }\n');
  installBuild(ROOT, WORK);
  const variants = Object.fromEntries(SETTLES.map((s) => [`settle${s}`, `curfew({ settle: ${s} })`]));
  return {
    trivial: writeVitestSuite(`${WORK}trivial/`, { files: 1, perFile: TRIVIAL, test: '', variants }),
    spawning: writeVitestSuite(`${WORK}spawning/`, { files: 1, perFile: SPAWNING, test: '', variants, body: spawnBody }),
  };
}

// One row per variant against the first: its times, and the per-round ratio to the first.
function rows(values) {
  const [base, ...others] = Object.keys(values);
  const row = (v) => [`${v.slice(6)} ms`, msSpread(summarize(values[v])), v === base ? '1 (baseline)' : ratioSpread(summarize(ratios(values[v], values[base])))];
  return [row(base), ...others.map(row)];
}

async function vitestPart(dir, names, tests, what) {
  log(`settle: ${what}, one warm-up run of each`);
  for (const name of names) await runVitest(dir, name, tests);
  return interleave(names, ROUNDS, async (name) => (await runVitest(dir, name, tests)).elapsed, (r) => log(`settle: ${what}, round ${r + 1} of ${ROUNDS}`));
}

export async function run() {
  const title = '7. What the settle window costs';
  if (!existsSync(PLUGIN)) return { title, markdown: 'Skipped: `dist/integrations/vitest/plugin.js` does not exist (the plugin is not built yet).', skipped: true };
  rmSync(WORK, { recursive: true, force: true });
  const dirs = writeSuites();
  const named = (list) => list.map((s) => `settle${s}`);
  const trivial = await vitestPart(dirs.trivial, named(SETTLES), TRIVIAL, `${TRIVIAL} trivial tests`);
  const spawning = await vitestPart(dirs.spawning, named([0, 300]), SPAWNING, `${SPAWNING} spawning tests`);

  log('settle: library, clean spawns and idle close()');
  await cleanSpawnsMs(0, 20);
  await idleCloseUs(0, 200);
  const library = await interleave(named([0, 300]), ROUNDS, (v) => cleanSpawnsMs(Number(v.slice(6)), SPAWNING));
  const idle = await interleave(named(SETTLES), ROUNDS, (v) => idleCloseUs(Number(v.slice(6)), 1000));

  log(`settle: control, ${CONTROL} tests per setting`);
  const control = await interleave(named([0, 300]), CONTROL, (v) => exitingAtTeardown(Number(v.slice(6))));
  const controlRow = (v) => {
    const tests = control[v];
    return [`${v.slice(6)} ms`, `${tests.filter((t) => t.leaks > 0).length} of ${tests.length}`, tests.reduce((sum, t) => sum + t.leaks, 0), msSpread(summarize(tests.map((t) => t.ms)))];
  };

  const markdown = [
    `The plugin's \`settle\` option (and the scope's, in the library) is how long a process found alive at a test's end gets to exit by itself before it counts as a leak. It is waited only when something is found, so a clean test should pay nothing for it. Every comparison below is interleaved, the order of the settings rotating from round to round; ratios are per round against \`settle: 0\`. ${ROUNDS} round${ROUNDS > 1 ? 's' : ''} (after one warm-up run of each Vitest config).`,
    '',
    `**(a) ${TRIVIAL} trivial tests**, one file, \`vitest run\` with \`plugins: [curfew({ settle })]\` (default pool, \`maxWorkers: 2\`, the build installed in the suite's \`node_modules\`), wall time of the whole command:`,
    '',
    table(['settle', 'ms: median (p25–p75)', 'ratio to settle 0'], rows(trivial)),
    '',
    `**(b) ${SPAWNING} tests that each spawn \`true\` and wait for it to exit** (clean: the child is gone before the test ends). With the plugin (one file, \`child_process.spawn\`, as (a)), and with the library: ${SPAWNING} times \`createScope({ settle })\`, \`await spawn('true', [], { scope })\`, \`await scope.close()\` (any leak reported would fail the section):`,
    '',
    table(['setting', 'ms: median (p25–p75)', 'ratio to settle 0'], [...rows(spawning).map((r) => [`plugin, ${r[0]}`, r[1], r[2]]), ...rows(library).map((r) => [`library, ${r[0]}`, r[1], r[2]])]),
    '',
    `**(c) \`close()\` of an idle scope** (created, never spawned into), µs per call, the mean of 1,000 calls per round:`,
    '',
    table(['settle', 'µs: median (p25–p75)', 'ratio to settle 0'], rows(idle)),
    '',
    `**(d) Control: a child still exiting at teardown.** ${CONTROL} tests per setting, interleaved; each starts \`sleep 0.1\` inside its scope (\`scope.run(() => child_process.spawn(...))\`) and closes the scope at once without waiting for it. With \`settle: 0\` the sleeping child is ended and reported; with \`settle: 300\` it exits by itself within the window and is not a leak:`,
    '',
    table(['settle', 'tests reporting a leak', 'leaks', 'close() ms: median (p25–p75)'], named([0, 300]).map(controlRow)),
    '',
    `- **Target: the settle window costs a clean test nothing** (issue 13): ${TRIVIAL} trivial tests ${ratioSpread(summarize(ratios(trivial.settle300, trivial.settle0)))} with \`settle: 300\` and ${ratioSpread(summarize(ratios(trivial.settle2000, trivial.settle0)))} with \`settle: 2000\`, against \`settle: 0\`; spawning tests ${ratioSpread(summarize(ratios(spawning.settle300, spawning.settle0)))} (plugin) and ${ratioSpread(summarize(ratios(library.settle300, library.settle0)))} (library); an idle \`close()\` ${ms(summarize(idle.settle0).median)} µs at \`settle: 0\` and ${ms(summarize(idle.settle2000).median)} µs at \`settle: 2000\`.`,
  ].join('\n');
  return { id: 'settle-cost', title, markdown };
}

if (import.meta.main) await runSection(run);
