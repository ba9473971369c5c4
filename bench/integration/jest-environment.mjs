// Section 5c: the cost of the Jest environment on a suite of 500 trivial tests, runs with
// `testEnvironment: 'node'` and with curfew's environment interleaved, in the same two shapes as
// the Vitest section. Skips (saying why) while the environment is not built.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { installBuild, measureOverhead, overheadTable, SHAPES, TESTS } from '../lib/overhead.mjs';
import { runSection } from '../lib/section.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENVIRONMENT = `${ROOT}dist/integrations/jest/environment.cjs`;
const JEST = `${ROOT}node_modules/jest/bin/jest.js`;
const WORK = `${ROOT}bench/.tmp/jest-suites/`;
const ROUNDS = process.env.BENCH_QUICK === '1' ? 1 : 21;
const CONFIGS = ['without.config.cjs', 'with.config.cjs'];

function writeSuite({ files, perFile }) {
  const dir = `${WORK}${files}x${perFile}/`;
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < files; f++) {
    writeFileSync(`${dir}trivial-${f}.test.js`, `for (let i = 0; i < ${perFile}; i++) test(\`trivial ${f}.\${i}\`, () => expect(i + 1).toBe(i + 1));\n`);
  }
  const base = `rootDir: __dirname, testMatch: ['**/*.test.js'], maxWorkers: 2, cache: true, cacheDirectory: __dirname + '/.cache'`;
  writeFileSync(`${dir}without.config.cjs`, `module.exports = { ${base}, testEnvironment: 'node' };\n`);
  writeFileSync(`${dir}with.config.cjs`, `module.exports = { ${base}, testEnvironment: 'curfew/jest-environment' };\n`);
  return dir;
}

async function runSuite(dir, config) {
  const t0 = performance.now();
  const result = await execa(process.execPath, [JEST, '--ci', '--config', `${dir}${config}`], { cwd: dir, all: true, reject: false, stdin: 'ignore', env: { CI: '1', NO_COLOR: '1' } });
  const elapsed = performance.now() - t0;
  if (result.exitCode !== 0 || !new RegExp(`Tests:\\s+${TESTS} passed`).test(result.all)) {
    throw new Error(`jest with ${dir}${config} failed (exit ${result.exitCode}):\n${result.all.slice(-2000)}`);
  }
  return elapsed;
}

export async function run() {
  const title = '5c. Jest environment';
  if (!existsSync(ENVIRONMENT)) return { title, markdown: 'Skipped: `dist/integrations/jest/environment.cjs` does not exist (the environment is not built yet).', skipped: true };
  rmSync(WORK, { recursive: true, force: true });
  installBuild(ROOT, WORK);
  const suites = SHAPES.map((shape) => ({ ...shape, dir: writeSuite(shape) }));
  const { rows, notes, target } = await measureOverhead({ label: 'the Jest environment', name: 'jest', suites, configs: CONFIGS, runSuite, rounds: ROUNDS, tests: TESTS });
  const markdown = [
    `${TESTS} trivial tests in two shapes, \`jest --ci\` with \`maxWorkers: 2\`, wall time of the whole command including Jest's start-up. The only difference between the two configs is \`testEnvironment\`: \`'node'\` or \`'curfew/jest-environment'\` (the build, copied into the suites' \`node_modules\` as an install would put it). One warm-up run of each (it also fills Jest's transform cache), then ${ROUNDS} rounds, alternating which config goes first; ratios and differences are per round.`,
    '',
    overheadTable('with the environment', rows),
    '',
    `- Added time divided by the ${TESTS} tests (median): ${notes.join('; ')}.`,
    target,
  ].join('\n');
  return { title, markdown };
}

if (import.meta.main) await runSection(async () => ({ id: '5c', ...(await run()) }));
