// Section 8: what `curfew run -- true` costs against a bare Node start (`node -e 0`), which any
// Node CLI pays, and against `true` run directly. The command is the installed bin,
// dist/cli/curfew.js, started through its `#!/usr/bin/env node` with this Node first on PATH.
// Skips (saying why) while the CLI is not built.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ratios, summarize } from './lib/stats.mjs';
import { ms, msSpread, ratioSpread, table, verdictUnder } from './lib/format.mjs';
import { log, runSection } from './lib/section.mjs';

const BIN = fileURLToPath(new URL('../dist/cli/curfew.js', import.meta.url));
const ROUNDS = process.env.BENCH_QUICK === '1' ? 5 : 30;
const TARGET_RATIO = 1.5;
const ENV = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };

// CPU time of this process's reaped children (utime + stime of /proc/self/stat, in clock ticks):
// how much CPU a child used, which other work on a shared machine moves less than wall time.
function childTicks() {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
  return Number(fields[13]) + Number(fields[14]); // cutime, cstime: stat fields 16 and 17
}

function timeRun(file, args) {
  return new Promise((resolve, reject) => {
    const ticks = childTicks();
    const t0 = performance.now();
    const child = spawn(file, args, { stdio: 'ignore', env: ENV });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const wall = performance.now() - t0;
      if (code !== 0) reject(new Error(`${file} ${args.join(' ')} exited with ${code ?? signal}`));
      else resolve({ wall, cpuTicks: childTicks() - ticks });
    });
  });
}

export async function run() {
  const title = '6. `curfew run -- true` against a bare Node start';
  if (!existsSync(BIN)) return { title, markdown: 'Skipped: `dist/cli/curfew.js` does not exist (the CLI is not built yet).', skipped: true };
  const methods = [
    { name: '`true` directly', run: () => timeRun('true', []) },
    { name: '`node -e 0` (a bare Node start)', run: () => timeRun(process.execPath, ['-e', '0']) },
    { name: '`curfew run -- true`', run: () => timeRun(BIN, ['run', '--', 'true']) },
  ];
  // Warm-up: file caches, and the CLI's compile cache (written by its first run).
  for (const m of methods) await m.run();
  const wall = new Map(methods.map((m) => [m.name, []]));
  const ticks = new Map(methods.map((m) => [m.name, 0]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < methods.length; i++) {
      const m = methods[(i + round) % methods.length];
      const r = await m.run();
      wall.get(m.name).push(r.wall);
      ticks.set(m.name, ticks.get(m.name) + r.cpuTicks);
    }
  }
  log(`cli-start: ${ROUNDS} rounds done`);
  const [direct, node, curfew] = methods.map((m) => wall.get(m.name));
  // Clock ticks are 10 ms; summed over the rounds, their mean is good to 10 ms / ROUNDS.
  const cpuMs = (m) => (ticks.get(m.name) * 10) / ROUNDS;
  const rows = methods.map((m) => [m.name, msSpread(summarize(wall.get(m.name))), m === methods[0] ? '' : ratioSpread(summarize(ratios(wall.get(m.name), node))), ms(cpuMs(m))]);
  const ratio = summarize(ratios(curfew, node));
  const added = summarize(curfew.map((t, i) => t - node[i]));
  const markdown = [
    `Each command is started with \`child_process.spawn\` and timed to its exit (exit status 0 checked). One warm-up of each, then ${ROUNDS} rounds, order rotated each round; ratios are taken per round. \`curfew run\` is the installed bin (\`dist/cli/curfew.js\`, through its \`#!/usr/bin/env node\`), with cgroups where this machine allows them. CPU is the mean user + system time of the process and what it waited for (children's clock ticks in /proc/self/stat, summed over the rounds).`,
    '',
    table(['command', 'wall ms: median (p25–p75)', 'ratio to `node -e 0`', 'CPU ms (mean)'], rows),
    '',
    `- What \`curfew run\` adds to a bare Node start (per round): median ${ms(added.median)} ms (p25–p75 ${ms(added.p25)}–${ms(added.p75)}); to \`true\` run directly: median ${ms(summarize(curfew.map((t, i) => t - direct[i])).median)} ms.`,
    `- CPU ratio (means): ${(cpuMs(methods[2]) / cpuMs(methods[1])).toFixed(2)}×.`,
    `- **Target: \`curfew run -- true\` at most ${TARGET_RATIO}× \`node -e 0\`** (median of the per-round ratios): ${verdictUnder(ratio.median, TARGET_RATIO, '×')}.`,
  ].join('\n');
  return { id: 'cli-start', title, markdown };
}

if (import.meta.main) await runSection(run);
