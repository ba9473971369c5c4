// Section 2: how long each tool takes to end a tree of 1 to 500 processes, cooperative or with
// SIGTERM-ignoring members, and how many processes it leaves alive. Tools alternate run by run.
import { fileURLToPath } from 'node:url';
import { summarize, ratios } from './lib/stats.mjs';
import { ms, msSpread, ratioSpread, table, verdictUnder } from './lib/format.mjs';
import { caseMarker, isAlive, sleep, survivors, sweep } from './lib/procs.mjs';
import { log, runSection, trackPids } from './lib/section.mjs';
import { curfewTool, execaTool, groupKillTool, treeKillTool } from './lib/tools.mjs';

const TREE = fileURLToPath(new URL('./trees/tree.sh', import.meta.url));
const GRACE_MS = 200;
// How long a tool's processes get, once its call has returned, before what is left counts as
// left behind (execa's forceKillAfterDelay still fires within it).
const BOUND_MS = GRACE_MS + 400;
// BENCH_QUICK=1 (development only) runs a single round of each.
const QUICK = process.env.BENCH_QUICK === '1';
const SIZES = [
  { size: 1, rounds: 5 },
  { size: 10, rounds: 5 },
  { size: 100, rounds: 5 },
  { size: 500, rounds: 3 },
].map((s) => (QUICK ? { ...s, rounds: 1 } : s));
// tree-kill starts one `ps` per process in the tree: about 3 s for 100 processes and 25 s for 500
// on this 2-core machine, so it gets fewer rounds at 100 and none at 500, to keep the run within
// minutes.
const ROUND_LIMITS = { 'tree-kill SIGTERM': { 100: 2, 500: 0 } };
const VARIANTS = [
  { name: 'cooperative', ignorers: () => 0 },
  { name: 'with SIGTERM-ignorers', ignorers: (size) => (size === 1 ? 1 : Math.max(1, Math.round(size / 10))) },
];
const TOOLS = [
  curfewTool({ grace: GRACE_MS }),
  execaTool({ killDescendants: true, grace: GRACE_MS }),
  treeKillTool({ signal: 'SIGTERM' }),
  groupKillTool({ signal: 'SIGTERM' }),
];
const CURFEW = TOOLS[0].name;
const TARGET_100_MS = 15;
const TARGET_OVER_GRACE_MS = 100;

// Gone means no /proc entry, another process under that pid, or a zombie. A cursor skips what was
// already seen gone, so each poll costs only what is still alive.
// Resolves to { gone, polls }: polls is 0 when the first look already saw everything gone.
async function pollGone(ids, deadline) {
  let i = 0;
  for (let polls = 0; ; polls++) {
    while (i < ids.length && !isAlive(ids[i].pid, ids[i].start)) i++;
    if (i === ids.length) return { gone: true, polls };
    if (performance.now() > deadline) return { gone: false, polls };
    // The first polls only yield, later ones sleep a millisecond: no tool is slowed by a spinning poller for long.
    await (polls < 50 ? new Promise((resolve) => setImmediate(resolve)) : sleep(1));
  }
}


async function measure(tool, size, ignorers) {
  const marker = caseMarker();
  const handle = await tool.start(TREE, [String(size), String(ignorers)], marker);
  const ids = trackPids(handle.line.pids);
  try {
    if (ids.length !== size) throw new Error(`tree of ${size} reported ${ids.length} live pids`);
    const t0 = performance.now();
    const report = await handle.kill();
    // curfew resolves once its own scan saw everything gone: that is when its caller goes on.
    // The others give no such answer, so their caller has to watch the pids.
    const resolved = performance.now();
    const deadline = resolved + BOUND_MS;
    const { gone, polls } = await pollGone(ids, deadline);
    const t1 = performance.now();
    // Had curfew resolved while something was still alive, its time runs on to what the poll saw.
    const early = tool.name === CURFEW && polls > 0;
    const elapsed = (tool.name === CURFEW && !early ? resolved : t1) - t0;
    if (!gone) await sleep(Math.max(0, deadline - performance.now()));
    const left = survivors(ids, marker).length;
    return { ms: gone && left === 0 ? elapsed : Number.NaN, left, early, reportSurvivors: report?.survivors?.length ?? 0 };
  } finally {
    await sweep(ids, marker);
    await handle.dispose();
  }
}

export async function run() {
  const results = new Map(); // `${size}/${variant}/${tool}` -> [{ms, left}]
  const key = (size, variant, tool) => `${size}/${variant}/${tool}`;
  const maxRounds = Math.max(...SIZES.map((s) => s.rounds));
  for (let round = 0; round < maxRounds; round++) {
    for (const { size, rounds } of SIZES) {
      if (round >= rounds) continue;
      for (const variant of VARIANTS) {
        const order = TOOLS.map((_, i) => TOOLS[(i + round) % TOOLS.length]);
        for (const tool of order) {
          if (round >= (ROUND_LIMITS[tool.name]?.[size] ?? Infinity)) continue;
          const k = key(size, variant.name, tool.name);
          if (!results.has(k)) results.set(k, []);
          results.get(k).push(await measure(tool, size, variant.ignorers(size)));
        }
      }
      log(`teardown latency: round ${round + 1}, size ${size} done`);
    }
  }

  const sections = [];
  const verdicts = [];
  const ownRows = [];
  for (const variant of VARIANTS) {
    const latencyRows = [];
    const ratioRows = [];
    const leftRows = [];
    for (const { size } of SIZES) {
      const runsOf = (tool) => results.get(key(size, variant.name, tool.name));
      const curfewRuns = runsOf(TOOLS[0]);
      latencyRows.push([
        size,
        variant.ignorers(size),
        ...TOOLS.map((tool) => {
          const runs = runsOf(tool) ?? [];
          if (runs.length === 0) return 'not run (see above)';
          const done = runs.filter((r) => Number.isFinite(r.ms)).map((r) => r.ms);
          const failed = runs.length - done.length;
          if (done.length === 0) return `never all gone (${runs.length}/${runs.length} runs)`;
          return `${msSpread(summarize(done))}${failed ? ` [${failed}/${runs.length} runs never all gone]` : ''}`;
        }),
      ]);
      ratioRows.push([
        size,
        ...TOOLS.slice(1).map((tool) => {
          const pairs = (runsOf(tool) ?? []).map((r, i) => [r.ms, curfewRuns[i].ms]).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
          return pairs.length ? ratioSpread(summarize(ratios(pairs.map((p) => p[0]), pairs.map((p) => p[1])))) : 'n/a';
        }),
      ]);
      leftRows.push([
        size,
        ...TOOLS.map((tool) => {
          const lefts = (runsOf(tool) ?? []).map((r) => r.left);
          if (lefts.length === 0) return 'not run';
          const max = Math.max(...lefts);
          return max === 0 ? '0' : `${Math.min(...lefts)}–${max} of ${size}`;
        }),
      ]);
      const early = curfewRuns.filter((r) => r.early).length;
      if (early > 0) verdicts.push(`- curfew's teardown resolved while part of the ${size}-process ${variant.name} tree was still alive in ${early} of ${curfewRuns.length} runs (its time above runs on to when the poll saw it gone).`);
      const curfewMs = curfewRuns.filter((r) => Number.isFinite(r.ms)).map((r) => r.ms);
      const med = summarize(curfewMs).median;
      // The plain group kill ends the same tree in the same round with nothing but the kernel's
      // work: the difference is what curfew itself adds (its scans, its polling, its reaping).
      const groupRuns = runsOf(TOOLS[3]);
      const own = summarize(curfewRuns.map((r, i) => r.ms - groupRuns[i].ms).filter(Number.isFinite));
      if (variant.name === 'cooperative') {
        ownRows.push([size, msSpread(summarize(groupRuns.map((r) => r.ms).filter(Number.isFinite))), own.n ? `${ms(own.median)} (${ms(own.p25)}–${ms(own.p75)})` : 'n/a']);
      }
      if (variant.name === 'cooperative' && size === 100) {
        verdicts.push(`- **Target: a 100-process cooperative tree gone in under ${TARGET_100_MS} ms (median)**: ${verdictUnder(med, TARGET_100_MS)}. In the same rounds the plain group kill, which does nothing but signal, took ${ms(summarize(groupRuns.map((r) => r.ms).filter(Number.isFinite)).median)} ms: curfew's own share is a median ${ms(own.median)} ms.`);
      }
      if (variant.name !== 'cooperative') {
        verdicts.push(`- **Target: grace + well under ${TARGET_OVER_GRACE_MS} ms**, ${size}-process tree with ${variant.ignorers(size)} ignorer(s): time beyond the ${GRACE_MS} ms grace ${verdictUnder(med - GRACE_MS, TARGET_OVER_GRACE_MS)}.`);
      }
    }
    sections.push(
      `#### ${variant.name === 'cooperative' ? 'Cooperative trees' : 'Trees with SIGTERM-ignoring members'}`,
      '',
      'Time from the call to the last process gone, ms: median (p25–p75) over the runs where everything went.',
      '',
      table(['processes', 'ignoring SIGTERM', ...TOOLS.map((t) => t.name)], latencyRows),
      '',
      ...(ratioRows.some((row) => row.slice(1).some((c) => c !== 'n/a'))
        ? [`Per-round ratio to curfew (the tool's time ÷ curfew's time in the same round, where both ended everything; < 1 is faster than curfew):`, '', table(['processes', ...TOOLS.slice(1).map((t) => t.name)], ratioRows), '']
        : []),
      `Processes left alive ${BOUND_MS} ms after the tool's call returned (reported pids and marker scan; min–max over rounds):`,
      '',
      table(['processes', ...TOOLS.map((t) => t.name)], leftRows),
      '',
    );
  }

  const markdown = [
    `Trees from \`bench/trees/tree.sh\`: a sh leader waiting for SIZE−1 \`sleep 300\` children, all in one process group; the "ignorers" variant makes 10% of the children (at least 1; for SIZE 1 the process itself) ignore SIGTERM from birth. Every tree is started fresh for every run. Rounds: ${SIZES.map((s) => `${s.rounds} at ${s.size}`).join(', ')} (tree-kill: ${Object.entries(ROUND_LIMITS['tree-kill SIGTERM']).map(([size, n]) => `${n} at ${size}`).join(', ')}: it starts one \`ps\` per process in the tree, about 3 s per run at 100 and 25 s at 500 here); within a round the tools take turns on the same size and variant, in an order rotated each round.`,
    '',
    `How each tool is used: curfew \`spawn\` into a scope with \`grace: ${GRACE_MS}\`, then \`await scope.teardown()\` (the time is when it resolves; it resolves only once its own scan saw everything gone, and the benchmark checks that afterwards). execa \`{killDescendants: true, forceKillAfterDelay: ${GRACE_MS}}\`, then \`subprocess.kill()\`. tree-kill \`(leaderPid, 'SIGTERM')\` on a leader started with \`detached: true\`. \`process.kill(-pgid, 'SIGTERM')\` on the same. For these three the time is when the benchmark's poll of /proc (every pid's \`stat\`, a zombie counts as gone) first sees the whole tree gone, because they do not report it. Neither tree-kill nor the group kill escalate to SIGKILL on their own, and execa's \`forceKillAfterDelay\` is cancelled as soon as the subprocess settles (here: when the leader exits on SIGTERM; only where the leader takes longer than the delay to go, as can happen at 500, does execa's SIGKILL reach the group), so ignorers outlive all three.`,
    '',
    ...sections,
    `#### What curfew adds to the kernel's work`,
    '',
    'Cooperative trees: the plain group kill only signals, so its time is what the kernel needs to end the tree on this machine at this moment; curfew minus the group kill in the same round is what curfew itself costs on top.',
    '',
    table(['processes', 'process.kill(-pgid) ms: median (p25–p75)', 'curfew − group kill, same round, ms: median (p25–p75)'], ownRows),
    '',
    ...verdicts,
  ].join('\n');
  return { id: 'teardown-latency', title: '2. Teardown latency against tree size', markdown };
}

if (import.meta.main) await runSection(run);
