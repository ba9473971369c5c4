// Section 5a: the cost of the Vitest plugin on a suite of 500 trivial tests, runs with and
// without it interleaved, in two shapes (5 files of 100, and 1 file of 500) so that what is paid
// per test file and what is paid per test can be told apart. Skips (saying why) while the plugin
// is not built.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { installBuild, measureOverhead, overheadTable, SHAPES, TESTS } from '../lib/overhead.mjs';
import { runSection } from '../lib/section.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLUGIN = `${ROOT}dist/integrations/vitest/plugin.js`;
const VITEST = `${ROOT}node_modules/vitest/vitest.mjs`;
const WORK = `${ROOT}bench/.tmp/vitest-suites/`;
const ROUNDS = process.env.BENCH_QUICK === '1' ? 1 : 31;
const CONFIGS = ['without.config.mjs', 'with.config.mjs'];

function writeSuite({ files, perFile }) {
  const dir = `${WORK}${files}x${perFile}/`;
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < files; f++) {
    writeFileSync(`${dir}trivial-${f}.test.mjs`, `import { expect, it } from 'vitest';\n\nfor (let i = 0; i < ${perFile}; i++) it(\`trivial ${f}.\${i}\`, () => expect(i + 1).toBe(i + 1));\n`);
  }
  const test = `test: { include: ['*.test.mjs'], maxWorkers: 2 }`;
  writeFileSync(`${dir}without.config.mjs`, `import { defineConfig } from 'vitest/config';\n\nexport default defineConfig({ ${test} });\n`);
  writeFileSync(`${dir}with.config.mjs`, `import { defineConfig } from 'vitest/config';\nimport curfew from 'curfew/vitest';\n\nexport default defineConfig({ plugins: [curfew()], ${test} });\n`);
  return dir;
}

async function runSuite(dir, config) {
  const t0 = performance.now();
  const result = await execa(process.execPath, [VITEST, 'run', '--config', `${dir}${config}`], { cwd: dir, all: true, reject: false, stdin: 'ignore', env: { CI: '1', NO_COLOR: '1' } });
  const elapsed = performance.now() - t0;
  if (result.exitCode !== 0 || !new RegExp(`Tests\\s+${TESTS} passed`).test(result.all)) {
    throw new Error(`vitest with ${dir}${config} failed (exit ${result.exitCode}):\n${result.all.slice(-2000)}`);
  }
  return elapsed;
}

export async function run() {
  const title = '5a. Vitest plugin';
  if (!existsSync(PLUGIN)) return { title, markdown: `Skipped: \`dist/integrations/vitest/plugin.js\` does not exist (the plugin is not built yet).`, skipped: true };
  rmSync(WORK, { recursive: true, force: true });
  // Installed as a user has it: a path into dist/ (or the self-reference from inside this
  // repository, which the package.json below stops) timed Vite's module runner instead, ~25 ms
  // more per test file.
  mkdirSync(WORK, { recursive: true });
  writeFileSync(`${WORK}package.json`, '{ "name": "curfew-bench-suites", "private": true, "type": "module" }\n');
  installBuild(ROOT, WORK);
  const suites = SHAPES.map((shape) => ({ ...shape, dir: writeSuite(shape) }));
  const { rows, notes, target } = await measureOverhead({ label: 'the Vitest plugin', name: 'vitest', suites, configs: CONFIGS, runSuite, rounds: ROUNDS, tests: TESTS });
  const markdown = [
    `${TESTS} trivial tests (\`expect(i + 1).toBe(i + 1)\`) in two shapes, \`vitest run\` with \`maxWorkers: 2\` and Vitest's default pool and isolation, wall time of the whole command including Vitest's start-up. The only difference between the two configs is \`plugins: [curfew()]\` (\`import curfew from 'curfew/vitest'\`, the build copied into the suites' \`node_modules\` as an install would put it). One warm-up run of each, then ${ROUNDS} rounds; in each round every suite runs with and without the plugin back to back, alternating which goes first; ratios and differences are per round.`,
    '',
    overheadTable('with the plugin', rows),
    '',
    `- Added time divided by the ${TESTS} tests (median): ${notes.join('; ')}. Where the 5-file suite pays more than the 1-file suite, the difference is paid per test file (each file's worker loads the plugin's setup file and curfew), not per test.`,
    target,
  ].join('\n');
  return { title, markdown };
}

if (import.meta.main) await runSection(async () => ({ id: '5a', ...(await run()) }));
