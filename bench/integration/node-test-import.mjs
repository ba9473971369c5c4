// Section 5e: the cost of `--import curfew/node-test` on a suite of 500 trivial tests, `node
// --test` with and without it interleaved, in the same two shapes as the Vitest and Jest sections.
// Skips (saying why) while the entry is not built.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { installBuild, measureOverhead, overheadTable, SHAPES, TESTS } from '../lib/overhead.mjs';
import { runSection } from '../lib/section.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = `${ROOT}dist/integrations/node-test/register.bundle.js`;
const WORK = `${ROOT}bench/.tmp/node-test-suites/`;
const ROUNDS = process.env.BENCH_QUICK === '1' ? 1 : 21;
const CONFIGS = ['without', 'with'];

function writeSuite({ files, perFile }) {
  const dir = `${WORK}${files}x${perFile}/`;
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < files; f++) {
    writeFileSync(`${dir}trivial-${f}.test.mjs`, `import { test } from 'node:test';\nimport assert from 'node:assert';\nfor (let i = 0; i < ${perFile}; i++) test(\`trivial ${f}.\${i}\`, () => assert.strictEqual(i + 1, i + 1));\n`);
  }
  return dir;
}

async function runSuite(dir, config) {
  const args = ['--test', ...(config === 'with' ? ['--import', 'curfew/node-test'] : []), '--test-reporter=tap'];
  const t0 = performance.now();
  const result = await execa(process.execPath, args, { cwd: dir, all: true, reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });
  const elapsed = performance.now() - t0;
  if (result.exitCode !== 0 || !new RegExp(`^# pass ${TESTS}$`, 'm').test(result.all)) throw new Error(`node --test (${config}) in ${dir} failed (exit ${result.exitCode}):\n${result.all.slice(-2000)}`);
  return elapsed;
}

export async function run() {
  const title = '5e. node:test (`--import curfew/node-test`)';
  if (!existsSync(ENTRY)) return { title, markdown: 'Skipped: `dist/integrations/node-test/register.bundle.js` does not exist (the entry is not built yet).', skipped: true };
  rmSync(WORK, { recursive: true, force: true });
  installBuild(ROOT, WORK);
  const suites = SHAPES.map((shape) => ({ ...shape, dir: writeSuite(shape) }));
  const { rows, notes, target } = await measureOverhead({ label: 'the node:test import', name: 'node-test', suites, configs: CONFIGS, runSuite, rounds: ROUNDS, tests: TESTS });
  const markdown = [
    `${TESTS} trivial tests in two shapes, \`node --test --test-reporter=tap\` (Node ${process.versions.node}; each file in a process of its own, as \`--test\` runs them), wall time of the whole command. The only difference is \`--import curfew/node-test\` (the build, copied into the suites' \`node_modules\` as an install would put it). One warm-up run of each, then ${ROUNDS} rounds, alternating which goes first; ratios and differences are per round.`,
    '',
    overheadTable('with the import', rows),
    '',
    `- Added time divided by the ${TESTS} tests (median): ${notes.join('; ')}.`,
    target,
  ].join('\n');
  return { title, markdown };
}

if (import.meta.main) await runSection(async () => ({ id: '5e', ...(await run()) }));
