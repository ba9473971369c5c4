// Section 5f: the cost of `--require curfew/mocha` on a suite of 500 trivial tests, Mocha (serial)
// with and without the plugin interleaved, in the same two shapes as the Vitest and Jest sections.
// Skips (saying why) while the plugin is not built.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { installBuild, measureOverhead, overheadTable, SHAPES, TESTS } from '../lib/overhead.mjs';
import { runSection } from '../lib/section.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MOCHA = `${ROOT}node_modules/mocha/bin/mocha.js`;
const WORK = `${ROOT}bench/.tmp/mocha-suites/`;
// Mocha imports a --require module from its own folder: the installed copy is named by its path.
const PLUGIN = `${WORK}node_modules/curfew/dist/integrations/mocha/plugin.bundle.js`;
const ROUNDS = process.env.BENCH_QUICK === '1' ? 1 : 21;
const CONFIGS = ['without', 'with'];

function writeSuite({ files, perFile }) {
  const dir = `${WORK}${files}x${perFile}/`;
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < files; f++) {
    writeFileSync(`${dir}trivial-${f}.test.cjs`, `const assert = require('node:assert');\nfor (let i = 0; i < ${perFile}; i++) it(\`trivial ${f}.\${i}\`, () => assert.strictEqual(i + 1, i + 1));\n`);
  }
  return dir;
}

async function runSuite(dir, config) {
  const args = [MOCHA, ...(config === 'with' ? ['--require', PLUGIN] : []), '--reporter', 'dot', '*.test.cjs'];
  const t0 = performance.now();
  const result = await execa(process.execPath, args, { cwd: dir, all: true, reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });
  const elapsed = performance.now() - t0;
  if (result.exitCode !== 0 || !new RegExp(`${TESTS} passing`).test(result.all)) throw new Error(`mocha (${config}) in ${dir} failed (exit ${result.exitCode}):\n${result.all.slice(-2000)}`);
  return elapsed;
}

export async function run() {
  const title = '5f. Mocha (`--require curfew/mocha`)';
  if (!existsSync(`${ROOT}dist/integrations/mocha/plugin.bundle.js`)) return { title, markdown: 'Skipped: `dist/integrations/mocha/plugin.bundle.js` does not exist (the plugin is not built yet).', skipped: true };
  if (!existsSync(MOCHA)) return { title, markdown: 'Skipped: Mocha is not installed (`npm install`).', skipped: true };
  rmSync(WORK, { recursive: true, force: true });
  installBuild(ROOT, WORK);
  const suites = SHAPES.map((shape) => ({ ...shape, dir: writeSuite(shape) }));
  const { rows, notes, target } = await measureOverhead({ label: 'the Mocha plugin', name: 'mocha', suites, configs: CONFIGS, runSuite, rounds: ROUNDS, tests: TESTS });
  const markdown = [
    `${TESTS} trivial tests in two shapes, \`mocha --reporter dot\` without --parallel (one process runs every file), wall time of the whole command including Mocha's start-up. The only difference is \`--require curfew/mocha\` (the build, copied into the suites' \`node_modules\` as an install would put it). One warm-up run of each, then ${ROUNDS} rounds, alternating which goes first; ratios and differences are per round.`,
    '',
    overheadTable('with the plugin', rows),
    '',
    `- Added time divided by the ${TESTS} tests (median): ${notes.join('; ')}.`,
    target,
  ].join('\n');
  return { title, markdown };
}

if (import.meta.main) await runSection(async () => ({ id: '5f', ...(await run()) }));
