// Shared by the test-runner overhead sections (5a Vitest, 5c Jest): run every suite with and
// without the integration, interleaved, and tabulate the difference per round.
import { cpSync } from 'node:fs';
import { medianInterval, summarize, ratios } from './stats.mjs';
import { ms, msSpread, ratioSpread, table, verdictUnder } from './format.mjs';
import { log } from './section.mjs';

/**
 * Copies the build into `work`'s node_modules as an install would put it: test runners treat code
 * outside node_modules differently (Jest transforms it with babel-jest, Vitest runs setup files
 * through Vite's module runner), which an installed package never is.
 */
export function installBuild(root, work) {
  cpSync(`${root}package.json`, `${work}node_modules/curfew/package.json`);
  cpSync(`${root}dist`, `${work}node_modules/curfew/dist`, { recursive: true });
}

/** The suites both sections time: 500 trivial tests, spread over 5 files and in 1. */
export const TESTS = 500;
export const SHAPES = [
  { files: 5, perFile: 100 },
  { files: 1, perFile: 500 },
];

/**
 * `suites`: [{ files, perFile, dir, label? }] (label: what tells suites of one shape apart); `configs`: [without, with]; `runSuite(dir, config)`
 * resolves to a wall time. One warm-up run of each, then `rounds` rounds, alternating which
 * config goes first. Returns the table rows and one "ms per test" note per suite.
 */
export async function measureOverhead({ name, label, suites, configs, runSuite, rounds, tests }) {
  const times = suites.map(() => ({ [configs[0]]: [], [configs[1]]: [] }));
  log(`${name}: one warm-up run of each suite and config`);
  for (const suite of suites) for (const config of configs) await runSuite(suite.dir, config);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < suites.length; i++) {
      for (const config of round % 2 === 0 ? configs : [...configs].reverse()) times[i][config].push(await runSuite(suites[i].dir, config));
    }
    log(`${name}: round ${round + 1} of ${rounds}`);
  }
  const rows = [];
  const notes = [];
  const verdicts = [];
  suites.forEach((suite, i) => {
    const without = times[i][configs[0]];
    const withIt = times[i][configs[1]];
    const added = summarize(withIt.map((t, k) => t - without[k]));
    const shape = `${suite.label ? `${suite.label}, ` : ''}${suite.files} file${suite.files > 1 ? 's' : ''} × ${suite.perFile}`;
    rows.push([shape, msSpread(summarize(without)), msSpread(summarize(withIt)), ratioSpread(summarize(ratios(withIt, without))), `${ms(added.median)} (${ms(added.p25)}–${ms(added.p75)})`]);
    notes.push(`${shape}: ${ms(added.median / tests)} ms per test`);
    const perRound = ratios(withIt, without);
    const interval = medianInterval(perRound);
    const percent = (ratio) => `${((ratio - 1) * 100).toFixed(1)}%`;
    verdicts.push(`${shape} ${verdictUnder((summarize(perRound).median - 1) * 100, 5, '%')}, 95% interval of the median ${percent(interval.low)} to ${percent(interval.high)}`);
  });
  // The issue's target for both integrations: a suite of 500 trivial tests no more than 5% slower.
  // The interval says how far the median itself could move between runs (distribution-free).
  const target = `- **Target: no more than 5% slower** (${label}, median ratio − 1): ${verdicts.join('; ')}.`;
  return { rows, notes, target };
}

export function overheadTable(withHeader, rows) {
  return table(['suite', 'without, ms: median (p25–p75)', `${withHeader}, ms`, 'ratio with ÷ without', 'added ms per run'], rows);
}
