// Section 4: what finding a scope's processes costs as the machine's process count grows,
// curfew (subtree walk and full-table scan) against ps-list and pidtree.
import { spawn as nodeSpawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { summarize, ratios, median } from './lib/stats.mjs';
import { ms, msSpread, ratioSpread, table, verdictUnder } from './lib/format.mjs';
import { baseMarker, countProcesses, identify, MARKER_ENV, sleep, sweep, waitUntil, withMarker } from './lib/procs.mjs';
import { log, runSection, track } from './lib/section.mjs';

const SCANNER = fileURLToPath(new URL('./lib/scanner.mjs', import.meta.url));
const POPULATION = fileURLToPath(new URL('./trees/population.sh', import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 3 : 15;
// Machine-wide process counts to measure at (null: as the machine is).
const LEVELS = [null, 200, 2000];
const TARGET_MS = 10;
const SUBTREE = 'curfew, main thread (subreaper: subtree walk)';
const FULL = 'curfew, worker thread (full-table scan)';

function ask(child, message) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`scanner exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      if (m.ok === false) reject(new Error(m.error));
      else resolve(m);
    });
    child.send(message);
  });
}

// A parent in a session of its own, with `count` sleeping children: neither the scanner's
// ancestor nor its descendant. Resolves once all exist.
async function grow(count, marker) {
  const helper = nodeSpawn(POPULATION, [String(count)], { detached: true, env: { ...process.env, [MARKER_ENV]: marker }, stdio: ['ignore', 'pipe', 'ignore'] });
  const id = identify(helper.pid);
  if (id) track([id]);
  const [chunk] = await once(helper.stdout, 'data');
  if (!String(chunk).startsWith('ready')) throw new Error(`population helper said ${chunk}`);
  helper.stdout.resume();
  return { helper, id };
}

// The children first, while their parent still waits for (and so reaps) them; then the parents.
async function shrink(populations, marker) {
  const shells = new Set(populations.map((p) => p.helper.pid));
  await sweep(withMarker(marker).filter((id) => !shells.has(id.pid)));
  await waitUntil(() => withMarker(marker).every((id) => shells.has(id.pid)), 10_000);
  await sweep(populations.map((p) => p.id).filter(Boolean), marker);
  await Promise.all(populations.map((p) => (p.helper.exitCode === null && p.helper.signalCode === null ? once(p.helper, 'exit') : null)));
}

export async function run() {
  const popMarker = `${baseMarker()}.population`;
  // Started first: the population below is started after it, from this process, in its own session.
  const scanner = nodeSpawn(process.execPath, [SCANNER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: process.env });
  const populations = [];
  const levels = [];
  try {
    await once(scanner, 'message');
    for (const level of LEVELS) {
      if (level !== null) {
        const need = level - countProcesses();
        if (need > 0) {
          const t = performance.now();
          populations.push(await grow(need, popMarker));
          log(`scan cost: started ${need} background processes in ${((performance.now() - t) / 1000).toFixed(1)} s`);
        }
      }
      const { results, counts } = await ask(scanner, { cmd: 'measure', rounds: ROUNDS });
      levels.push({ level, results, count: median(counts), counts });
      log(`scan cost: measured at ${median(counts)} processes`);
    }
  } finally {
    if (scanner.connected) await ask(scanner, { cmd: 'quit' }).catch(() => {});
    await shrink(populations, popMarker);
    await sleep(50);
  }

  const names = Object.keys(levels[0].results);
  const rows = [];
  const ratioRows = [];
  const checks = [];
  for (const { results, count, counts } of levels) {
    const times = (name) => results[name].map((r) => r.ms);
    const found = (name) => [...new Set(results[name].map((r) => r.found))].join('/');
    rows.push([`${count} (${Math.min(...counts)}–${Math.max(...counts)})`, ...names.map((n) => msSpread(summarize(times(n))))]);
    ratioRows.push([String(count), ...names.filter((n) => n !== SUBTREE).map((n) => ratioSpread(summarize(ratios(times(n), times(SUBTREE)))))]);
    checks.push(`at ${count}: ${names.map((n) => `${n.split(' (')[0]} found ${found(n)}`).join(', ')}`);
  }
  const top = levels.at(-1);
  const topTimes = (name) => summarize(top.results[name].map((r) => r.ms)).median;
  const markdown = [
    `A separate scanner process (\`bench/lib/scanner.mjs\`), started before any background population, measures; the population is \`sleep 300\` processes under a shell parent that the benchmark starts in a session of its own (\`bench/trees/population.sh\`), so it is neither the scanner's ancestor nor its descendant. Each round, in rotated order: curfew on the scanner's main thread (it is the child subreaper there, so it walks its own subtree), curfew on a worker thread of the scanner (no subreaper there: it reads every \`/proc/<pid>/stat\`), ps-list and pidtree. Each must find a fresh 3-process tree (\`tree.sh 3\`): curfew times \`scope.members()\` of a new scope holding the tree; ps-list lists the whole table and filters children of the tree's leader; pidtree returns the leader's tree. Starting the tree is outside the clock for all four. ${ROUNDS} rounds per level; the process count is the number of /proc entries (it also moves with other work on the machine).`,
    '',
    'Time per scan, ms: median (p25–p75):',
    '',
    table(['processes on the machine: median (min–max)', ...names], rows),
    '',
    `Per-round ratio to curfew's subtree walk (same round; > 1 is slower than it):`,
    '',
    table(['processes', ...names.filter((n) => n !== SUBTREE)], ratioRows),
    '',
    `Processes found (should be 3 each): ${checks.join('; ')}.`,
    '',
    `- **Target: under ${TARGET_MS} ms at about 2,000 processes** (${top.count} measured): curfew subtree walk ${verdictUnder(topTimes(SUBTREE), TARGET_MS)}; curfew full-table scan ${verdictUnder(topTimes(FULL), TARGET_MS)}.`,
  ].join('\n');
  return { id: 'scan-cost', title: '4. Scan cost against the machine\'s process count', markdown };
}

if (import.meta.main) await runSection(run);
