// Section 5a: the cost of the Vitest plugin on a suite of 500 trivial tests, runs with and
// without it interleaved. Skips (saying why) while the plugin is not built.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { summarize, ratios } from '../lib/stats.mjs';
import { ms, msSpread, ratioSpread, table } from '../lib/format.mjs';
import { log, runSection } from '../lib/section.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLUGIN = `${ROOT}dist/integrations/vitest/plugin.js`;
const VITEST = `${ROOT}node_modules/vitest/vitest.mjs`;
// Inside the package, so that `curfew/vitest` resolves by self-reference; bench/.tmp is ignored by git.
const SUITE = `${ROOT}bench/.tmp/vitest-suite/`;
const FILES = 5;
const TESTS_PER_FILE = 100;
const TESTS = FILES * TESTS_PER_FILE;
const ROUNDS = process.env.BENCH_QUICK === '1' ? 1 : 4;

function writeSuite() {
  rmSync(SUITE, { recursive: true, force: true });
  mkdirSync(SUITE, { recursive: true });
  for (let f = 0; f < FILES; f++) {
    writeFileSync(
      `${SUITE}trivial-${f}.test.mjs`,
      `import { expect, it } from 'vitest';\n\nfor (let i = 0; i < ${TESTS_PER_FILE}; i++) it(\`trivial ${f}.\${i}\`, () => expect(i + 1).toBe(i + 1));\n`,
    );
  }
  const test = `test: { include: ['*.test.mjs'], maxWorkers: 2 }`;
  writeFileSync(`${SUITE}without.config.mjs`, `import { defineConfig } from 'vitest/config';\n\nexport default defineConfig({ ${test} });\n`);
  writeFileSync(
    `${SUITE}with.config.mjs`,
    `import { defineConfig } from 'vitest/config';\nimport curfew from 'curfew/vitest';\n\nexport default defineConfig({ plugins: [curfew()], ${test} });\n`,
  );
}

async function runSuite(config) {
  const t0 = performance.now();
  const result = await execa(process.execPath, [VITEST, 'run', '--config', `${SUITE}${config}`], { cwd: SUITE, all: true, reject: false, stdin: 'ignore', env: { CI: '1', NO_COLOR: '1' } });
  const elapsed = performance.now() - t0;
  if (result.exitCode !== 0 || !new RegExp(`Tests\\s+${TESTS} passed`).test(result.all)) {
    throw new Error(`vitest with ${config} failed (exit ${result.exitCode}):\n${result.all.slice(-2000)}`);
  }
  return elapsed;
}

export async function run() {
  const title = '5a. Vitest plugin';
  if (!existsSync(PLUGIN)) return { title, markdown: `Skipped: \`dist/integrations/vitest/plugin.js\` does not exist (the plugin is not built yet).`, skipped: true };
  writeSuite();
  const configs = ['without.config.mjs', 'with.config.mjs'];
  log('vitest: one warm-up run of each config');
  for (const config of configs) await runSuite(config);
  const times = { 'without.config.mjs': [], 'with.config.mjs': [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const config of round % 2 === 0 ? configs : [...configs].reverse()) times[config].push(await runSuite(config));
    log(`vitest: round ${round + 1} of ${ROUNDS}`);
  }
  const without = summarize(times['without.config.mjs']);
  const withPlugin = summarize(times['with.config.mjs']);
  const perTest = summarize(times['with.config.mjs'].map((t, i) => (t - times['without.config.mjs'][i]) / TESTS));
  const markdown = [
    `${TESTS} trivial tests (${FILES} files × ${TESTS_PER_FILE}, \`expect(i + 1).toBe(i + 1)\`), \`vitest run\` with \`maxWorkers: 2\`, wall time of the whole command including Vitest's start-up. One warm-up run of each config, then ${ROUNDS} rounds alternating which runs first. The only difference between the two configs is \`plugins: [curfew()]\` (\`import curfew from 'curfew/vitest'\`).`,
    '',
    table(
      ['config', 'runs', 'wall time, ms: median (p25–p75)', 'ratio to without (per round)'],
      [
        ['without the plugin', without.n, msSpread(without), '1 (reference)'],
        ['with `plugins: [curfew()]`', withPlugin.n, msSpread(withPlugin), ratioSpread(summarize(ratios(times['with.config.mjs'], times['without.config.mjs'])))],
      ],
    ),
    '',
    `- Added time per test ((with − without) ÷ ${TESTS}, per round): median ${ms(perTest.median)} ms (p25–p75 ${ms(perTest.p25)}–${ms(perTest.p75)}). No target was set for this.`,
  ].join('\n');
  return { title, markdown };
}

if (import.meta.main) await runSection(async () => ({ id: '5a', ...(await run()) }));
