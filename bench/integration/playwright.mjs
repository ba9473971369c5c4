// Section 5g: the cost of `curfew/playwright`'s fixtures on a suite of 500 trivial tests,
// Playwright Test (its runner only, no browser) with the tests importing `test` from
// '@playwright/test' or from 'curfew/playwright', interleaved, in the same two shapes as the other
// runners. Skips (saying why) while the fixture is not built or Playwright Test is not installed.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { installBuild, measureOverhead, overheadTable, SHAPES, TESTS } from '../lib/overhead.mjs';
import { runSection } from '../lib/section.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = `${ROOT}dist/integrations/playwright/fixture.js`;
const CLI = `${ROOT}node_modules/@playwright/test/cli.js`;
const WORK = `${ROOT}bench/.tmp/playwright-suites/`;
const ROUNDS = process.env.BENCH_QUICK === '1' ? 1 : 11;
const CONFIGS = ['without', 'with'];

function writeSuite({ files, perFile }) {
  const dir = `${WORK}${files}x${perFile}/`;
  for (const config of CONFIGS) {
    const from = config === 'with' ? 'curfew/playwright' : '@playwright/test';
    mkdirSync(`${dir}${config}`, { recursive: true });
    for (let f = 0; f < files; f++) {
      writeFileSync(`${dir}${config}/trivial-${f}.spec.mjs`, `import { test, expect } from '${from}';\n\nfor (let i = 0; i < ${perFile}; i++) test(\`trivial ${f}.\${i}\`, () => expect(i + 1).toBe(i + 1));\n`);
    }
  }
  // One config for both: only the import in the test files differs.
  writeFileSync(`${dir}playwright.config.mjs`, `import { defineConfig } from '@playwright/test';\n\nexport default defineConfig({ workers: 2, reporter: 'dot' });\n`);
  return dir;
}

async function runSuite(dir, config) {
  const t0 = performance.now();
  const result = await execa(process.execPath, [CLI, 'test', '--config', `${dir}playwright.config.mjs`, `${config}/`], { cwd: dir, all: true, reject: false, stdin: 'ignore', env: { NO_COLOR: '1', CI: '1' } });
  const elapsed = performance.now() - t0;
  if (result.exitCode !== 0 || !new RegExp(`${TESTS} passed`).test(result.all)) throw new Error(`playwright test (${config}) in ${dir} failed (exit ${result.exitCode}):\n${result.all.slice(-2000)}`);
  return elapsed;
}

export async function run() {
  const title = '5g. Playwright Test (`curfew/playwright`)';
  if (!existsSync(FIXTURE)) return { title, markdown: 'Skipped: `dist/integrations/playwright/fixture.js` does not exist (not built yet).', skipped: true };
  if (!existsSync(CLI)) return { title, markdown: 'Skipped: `@playwright/test` is not installed.', skipped: true };
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  writeFileSync(`${WORK}package.json`, '{ "name": "curfew-bench-playwright", "private": true, "type": "module" }\n');
  installBuild(ROOT, WORK);
  const suites = SHAPES.map((shape) => ({ ...shape, dir: writeSuite(shape) }));
  const { rows, notes, target } = await measureOverhead({ label: 'the Playwright fixtures', name: 'playwright', suites, configs: CONFIGS, runSuite, rounds: ROUNDS, tests: TESTS });
  const markdown = [
    `${TESTS} trivial tests in two shapes, \`playwright test\` (runner only, no browser) with \`workers: 2\` and the \`dot\` reporter, wall time of the whole command. The only difference is where the tests import \`test\` from: \`'@playwright/test'\` or \`'curfew/playwright'\` (its auto test and worker fixtures; the build copied into the suites' \`node_modules\` as an install would put it). One warm-up run of each, then ${ROUNDS} rounds, alternating which goes first; ratios and differences are per round.`,
    '',
    overheadTable('with the fixtures', rows),
    '',
    `- Added time divided by the ${TESTS} tests (median): ${notes.join('; ')}.`,
    target,
  ].join('\n');
  return { title, markdown };
}

if (import.meta.main) await runSection(async () => ({ id: '5g', ...(await run()) }));
