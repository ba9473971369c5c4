// Section 5b: the cost of `curfew run -- true` against running `true` directly: the installed
// command (on Linux, its Perl supervisor), and the Node CLI run directly, next to a bare Node
// start, which any Node CLI pays. Skips (saying why) while the CLI is not built.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { summarize, ratios } from '../lib/stats.mjs';
import { ms, msSpread, ratioSpread, table, verdictUnder } from '../lib/format.mjs';
import { log, runSection } from '../lib/section.mjs';

const BIN = fileURLToPath(new URL('../../dist/cli/curfew.js', import.meta.url));
const COMMAND = fileURLToPath(new URL('../../dist/cli/curfew', import.meta.url));
const ROUNDS = process.env.BENCH_QUICK === '1' ? 3 : 20;

function timeRun(file, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const elapsed = performance.now() - t0;
      if (code !== 0) reject(new Error(`${file} ${args.join(' ')} exited with ${code ?? signal}`));
      else resolve(elapsed);
    });
  });
}

export async function run() {
  const title = '5b. `curfew run -- true`';
  if (!existsSync(BIN)) return { title, markdown: 'Skipped: `dist/cli/curfew.js` does not exist (the CLI is not built yet).', skipped: true };
  const methods = [
    { name: '`true` directly', run: () => timeRun('true', []) },
    { name: '`node -e 0` (a bare Node start)', run: () => timeRun(process.execPath, ['-e', '0']) },
    { name: '`curfew run -- true` (the installed command)', run: () => timeRun(COMMAND, ['run', '--', 'true']) },
    { name: '`node dist/cli/curfew.js run -- true`', run: () => timeRun(process.execPath, [BIN, 'run', '--', 'true']) },
  ];
  for (const m of methods) await m.run(); // warm-up: file caches, the CLI's first compile
  const times = new Map(methods.map((m) => [m.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < methods.length; i++) {
      const m = methods[(i + round) % methods.length];
      times.get(m.name).push(await m.run());
    }
  }
  log(`cli: ${ROUNDS} rounds done`);
  const [direct, node, command, cli] = methods.map((m) => times.get(m.name));
  const rows = methods.map((m) => {
    const t = times.get(m.name);
    return [m.name, msSpread(summarize(t)), ratioSpread(summarize(ratios(t, direct))), m === methods[0] ? '' : ratioSpread(summarize(ratios(t, node)))];
  });
  const added = summarize(command.map((t, i) => t - direct[i]));
  const nodeAdded = summarize(cli.map((t, i) => t - node[i]));
  const markdown = [
    `Each command is started with \`child_process.spawn\` and timed to its exit (exit code 0 checked). One warm-up of each, then ${ROUNDS} rounds, order rotated each round; ratios are per round.`,
    '',
    table(['command', 'ms: median (p25–p75)', 'ratio to `true`', 'ratio to `node -e 0`'], rows),
    '',
    `- What \`curfew run\` adds to \`true\` (per round, the installed command − \`true\`): median ${ms(added.median)} ms (p25–p75 ${ms(added.p25)}–${ms(added.p75)}).`,
    `- **Target: \`curfew run\` adds under 50 ms to a command that leaks nothing** (the installed command − \`true\`, median): ${verdictUnder(added.median, 50)}.`,
    `- What the Node CLI adds on top of a bare Node start (per round, \`node dist/cli/curfew.js\` − \`node -e 0\`): median ${ms(nodeAdded.median)} ms (p25–p75 ${ms(nodeAdded.p25)}–${ms(nodeAdded.p75)}). The installed command runs it only when something was left, or for \`--json\`.`,
  ].join('\n');
  return { title, markdown };
}

if (import.meta.main) await runSection(async () => ({ id: '5b', ...(await run()) }));
