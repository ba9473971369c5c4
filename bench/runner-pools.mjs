// Section 6: the cost of the test integrations in the runners' other worker pools (issue 17: "the
// plugin cost in threads mode stays within 5% on 500 trivial tests"): Vitest's `threads` and
// `vmThreads` pools, Jest's `workerThreads` and its child-process workers, each with and without
// curfew, interleaved, in the two shapes of section 5. Skips (saying why) while the integrations
// are not built.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { installBuild, measureOverhead, overheadTable, SHAPES, TESTS } from './lib/overhead.mjs';
import { runSection } from './lib/section.mjs';
import { runJest, runVitest, writeJestSuite, writeVitestSuite } from './pools/suites.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BUILT = [`${ROOT}dist/integrations/vitest/plugin.js`, `${ROOT}dist/integrations/jest/environment.cjs`];
const WORK = `${ROOT}bench/.tmp/runner-pools/`;
const ROUNDS = process.env.BENCH_QUICK === '1' ? 1 : Number(process.env.BENCH_ROUNDS ?? 21);
const CONFIGS = ['without', 'with'];

// Jest runs a single test file, or up to 20 files it remembers as fast, in band (no worker at
// all) unless `workerIdleMemoryLimit` is set; a limit no worker reaches keeps the pool without
// ever restarting a worker.
const JEST_WORKERS = `workerIdleMemoryLimit: '4GB'`;
const SETUPS = [
  { key: 'vitest-threads', label: 'Vitest `threads`', runner: 'vitest', test: `pool: 'threads'` },
  { key: 'vitest-vmthreads', label: 'Vitest `vmThreads`', runner: 'vitest', test: `pool: 'vmThreads'` },
  { key: 'jest-threads', label: 'Jest `workerThreads`', runner: 'jest', config: `workerThreads: true, ${JEST_WORKERS}` },
  { key: 'jest-child', label: 'Jest child processes', runner: 'jest', config: JEST_WORKERS },
];

// BENCH_ONLY=jest (say) times only the setups whose key contains it.
const ONLY = process.env.BENCH_ONLY ?? '';

function writeSuites() {
  const suites = [];
  for (const setup of SETUPS.filter((s) => s.key.includes(ONLY))) {
    for (const shape of SHAPES) {
      const dir = `${WORK}${setup.key}-${shape.files}x${shape.perFile}/`;
      if (setup.runner === 'vitest') writeVitestSuite(dir, { ...shape, test: setup.test, variants: { without: null, with: 'curfew()' } });
      else writeJestSuite(dir, { ...shape, config: setup.config, variants: { without: 'node', with: 'curfew/jest-environment' } });
      suites.push({ ...shape, dir, label: setup.label, runner: setup.runner });
    }
  }
  return suites;
}

export async function run() {
  const title = '6. The integrations in worker threads and other pools';
  const missing = BUILT.find((file) => !existsSync(file));
  if (missing) return { title, markdown: `Skipped: \`${missing.slice(ROOT.length)}\` does not exist (the integrations are not built yet).`, skipped: true };
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  // A package of its own, so that `curfew` resolves to the copy below and not to this repository.
  writeFileSync(`${WORK}package.json`, '{ "name": "curfew-bench-pools", "private": true, "type": "module" }\n');
  installBuild(ROOT, WORK);
  const suites = writeSuites();
  const runnerOf = new Map(suites.map((s) => [s.dir, s.runner]));
  const runSuite = async (dir, config) => (runnerOf.get(dir) === 'vitest' ? runVitest(dir, config, TESTS) : runJest(dir, config, TESTS)).then((r) => r.elapsed);
  const { rows, notes, target } = await measureOverhead({ label: 'the integration in each pool', name: 'pools', suites, configs: CONFIGS, runSuite, rounds: ROUNDS, tests: TESTS });
  const markdown = [
    `${TESTS} trivial tests in the shapes of section 5, wall time of the whole command including the runner's start-up, \`maxWorkers: 2\`. Vitest: \`pool: 'threads'\` or \`pool: 'vmThreads'\`, without and with \`plugins: [curfew()]\`. Jest: \`workerThreads: true\` or its default child-process workers, \`testEnvironment\` \`'node'\` or \`'curfew/jest-environment'\`; both with \`workerIdleMemoryLimit: '4GB'\`, which makes Jest use its workers even for one file or a few files it remembers as fast (which it would otherwise run in band, in its main process, as in section 5c) and which no worker here comes near. The build is copied into the suites' \`node_modules\` as an install would put it. One warm-up run of each, then ${ROUNDS} round${ROUNDS > 1 ? 's' : ''}; in each round every suite runs with and without curfew back to back, alternating which goes first; ratios and differences are per round.`,
    '',
    overheadTable('with curfew', rows),
    '',
    `- Added time divided by the ${TESTS} tests (median): ${notes.join('; ')}.`,
    target,
  ].join('\n');
  return { id: 'runner-pools', title, markdown };
}

if (import.meta.main) await runSection(run);
