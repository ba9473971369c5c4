// Section 1: what one spawn costs through curfew, against execa and child_process on `true`,
// measured in interleaved rounds in one process; and the one-time cost of the first spawn.
import { spawn as nodeSpawn, execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { execa } from 'execa';
import { createScope, spawn } from 'curfew';
import { summarize, median, ratios } from './lib/stats.mjs';
import { ms, msSpread, ratioSpread, table, verdictUnder } from './lib/format.mjs';
import { log, runSection } from './lib/section.mjs';

const ROUNDS = 20;
const PER_ROUND = 15;
const FRESH_PROCESSES = 5;
const TARGET_RATIO = 1.05;

const FIRST_SPAWN = fileURLToPath(new URL('./lib/first-spawn.mjs', import.meta.url));

function childProcessTrue() {
  return new Promise((resolve, reject) => {
    const child = nodeSpawn('true');
    child.once('error', reject);
    child.once('close', resolve);
  });
}

// Each method runs one batch; curfew's batch gets a scope of its own, torn down outside the clock.
const METHODS = [
  { name: 'child_process.spawn', batch: () => childProcessTrue },
  { name: 'execa', batch: () => () => execa('true') },
  { name: 'execa {detached: true}', batch: () => () => execa('true', { detached: true }) },
  {
    name: 'curfew spawn',
    batch: (after) => {
      const scope = createScope();
      after.push(async () => {
        const t = performance.now();
        await scope.close();
        return performance.now() - t;
      });
      return () => spawn('true', { scope });
    },
  },
];

async function timeBatch(method) {
  const after = [];
  const one = method.batch(after);
  const times = [];
  for (let i = 0; i < PER_ROUND; i++) {
    const t = performance.now();
    await one();
    times.push(performance.now() - t);
  }
  const closeMs = after.length ? await after[0]() : undefined;
  return { times, closeMs };
}

async function firstSpawn() {
  const runs = [];
  for (let i = 0; i < FRESH_PROCESSES; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, [FIRST_SPAWN], { encoding: 'utf8' });
    runs.push(JSON.parse(stdout.trim().split('\n').at(-1)));
  }
  return runs;
}

export async function run() {
  log(`spawn cost: ${PER_ROUND} warm-up spawns per method, then ${ROUNDS} rounds × ${PER_ROUND}`);
  for (const method of METHODS) await timeBatch(method);
  const all = new Map(METHODS.map((m) => [m.name, []]));
  const perRound = new Map(METHODS.map((m) => [m.name, []]));
  const closes = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so no method always runs right after the same other one.
    const order = METHODS.map((_, i) => METHODS[(i + round) % METHODS.length]);
    for (const method of order) {
      const { times, closeMs } = await timeBatch(method);
      all.get(method.name).push(...times);
      perRound.get(method.name).push(median(times));
      if (closeMs !== undefined) closes.push(closeMs);
    }
  }
  log(`spawn cost: first spawn in ${FRESH_PROCESSES} fresh processes`);
  const fresh = await firstSpawn();

  const execaRounds = perRound.get('execa');
  const rows = METHODS.map((m) => [
    m.name,
    all.get(m.name).length,
    msSpread(summarize(all.get(m.name))),
    `${ms(Math.min(...all.get(m.name)))}–${ms(Math.max(...all.get(m.name)))}`,
    m.name === 'execa' ? '1 (reference)' : ratioSpread(summarize(ratios(perRound.get(m.name), execaRounds))),
  ]);
  const curfewVsExeca = summarize(ratios(perRound.get('curfew spawn'), execaRounds));
  const curfewVsDetached = summarize(ratios(perRound.get('curfew spawn'), perRound.get('execa {detached: true}')));
  const extra = fresh.map((r) => r.firstMs - r.nextMs);
  const row = (label, values) => [label, msSpread(summarize(values)), `${ms(Math.min(...values))}–${ms(Math.max(...values))}`];
  const freshRows = [
    row('`import("execa")`', fresh.map((r) => r.importExecaMs)),
    row('then `import("curfew")` (its own load, execa already loaded)', fresh.map((r) => r.importMs)),
    row('first curfew `spawn("true")`', fresh.map((r) => r.firstMs)),
    row('later curfew spawns (median of 7)', fresh.map((r) => r.nextMs)),
    row('**one-time first-spawn cost** (first − later)', extra),
  ];

  const markdown = [
    `Each spawn runs \`true\` and is awaited to its exit. ${PER_ROUND} warm-up spawns per method first, then ${ROUNDS} rounds of ${PER_ROUND} spawns per method, the order of the methods rotated each round (${ROUNDS * PER_ROUND} timed spawns each). Ratios are per round (median of the method's round ÷ median of execa's same round), then the median and p25–p75 of those ${ROUNDS} ratios. curfew's batch spawns into a scope of its own, closed after the batch outside the clock.`,
    '',
    table(['method', 'spawns', 'per spawn, ms: median (p25–p75)', 'min–max ms', 'ratio to execa: median (p25–p75)'], rows),
    '',
    `- curfew ÷ \`execa {detached: true}\` (what curfew adds on top of the new session it asks execa for): ${ratioSpread(curfewVsDetached)}.`,
    `- Closing the curfew batch's scope (a teardown after ${PER_ROUND} spawns that all exited): ${msSpread(summarize(closes))} ms, not counted above.`,
    `- **Target: curfew within 5% of execa** (median ratio ≤ ${TARGET_RATIO}): against plain \`execa\`, ${verdictUnder((curfewVsExeca.median - 1) * 100, (TARGET_RATIO - 1) * 100, '%')} (overhead = median ratio − 1); against the like-for-like \`execa {detached: true}\` call that curfew makes, ${verdictUnder((curfewVsDetached.median - 1) * 100, (TARGET_RATIO - 1) * 100, '%')}.`,
    '',
    `One-time cost, in ${FRESH_PROCESSES} fresh Node processes (each: import execa, then curfew, 3 execa spawns to pay Node's own first-child cost, then one curfew spawn and 7 more):`,
    '',
    table(['', 'ms: median (p25–p75)', 'min–max ms'], freshRows),
  ].join('\n');
  return { id: 'spawn-cost', title: '1. Spawn cost', markdown, summary: { curfewVsExeca } };
}

if (import.meta.main) await runSection(run);
