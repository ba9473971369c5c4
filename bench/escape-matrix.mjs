// Section 3: for every orphaning fixture, what each tool leaves alive after its cleanup.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { summarize } from './lib/stats.mjs';
import { ms, table } from './lib/format.mjs';
import { caseMarker, identify, isAlive, sleep, survivors, sweep, withMarker } from './lib/procs.mjs';
import { log, runSection, track } from './lib/section.mjs';
import { curfewTool, execaTool, groupKillTool, treeKillTool } from './lib/tools.mjs';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const GRACE_MS = 300;
// Once a tool's call has returned, its processes get this long (polled) before what is alive
// counts as left behind (execa's forceKillAfterDelay still fires within it).
const BOUND_MS = GRACE_MS + 400;

// The same list the tests use: every fixture that leaves an escaping process behind.
const CASES = JSON.parse(readFileSync(new URL('../fixtures/orphaning.json', import.meta.url), 'utf8')).map((f) => f.name);
const TOOLS = [
  curfewTool({ grace: GRACE_MS }),
  execaTool({ killDescendants: false }),
  execaTool({ killDescendants: true, grace: GRACE_MS }),
  treeKillTool({ signal: 'SIGKILL' }),
  groupKillTool({ signal: 'SIGKILL' }),
];

async function runCase(tool, fixture) {
  const marker = caseMarker();
  const handle = await tool.start(FIXTURES + fixture, [], marker);
  const ids = handle.line.pids.map(identify).filter(Boolean);
  track(ids);
  try {
    const t0 = performance.now();
    const report = await handle.kill();
    const killMs = performance.now() - t0;
    const deadline = performance.now() + BOUND_MS;
    while (survivors(ids, marker).length > 0 && performance.now() < deadline) await sleep(20);
    const byPid = ids.filter((id) => isAlive(id.pid, id.start)).length;
    const byMarker = withMarker(marker).length;
    const all = survivors(ids, marker).length;
    return { all, byPid, byMarker, reported: ids.length, killMs, reportSurvivors: report?.survivors?.length };
  } finally {
    await sweep(ids, marker);
    await handle.dispose();
  }
}

export async function run() {
  const rows = [];
  const curfewTimes = [];
  const escaped = new Map(TOOLS.map((t) => [t.name, 0]));
  for (const fixture of CASES) {
    const cells = [];
    for (const tool of TOOLS) {
      const r = await runCase(tool, fixture);
      if (r.all > 0) escaped.set(tool.name, escaped.get(tool.name) + 1);
      if (tool === TOOLS[0]) curfewTimes.push([fixture, r.killMs]);
      cells.push(r.all === 0 ? '0' : `**${r.all}**${r.byMarker < r.all ? ` (${r.all - r.byMarker} by pid only)` : ''}`);
    }
    rows.push([`\`${fixture}\``, ...cells, ms(curfewTimes.at(-1)[1])]);
    log(`escape matrix: ${fixture} done`);
  }
  rows.push(['**fixtures with survivors**', ...TOOLS.map((t) => `**${escaped.get(t.name)} of ${CASES.length}**`), '']);
  const times = summarize(curfewTimes.map(([, t]) => t));
  const markdown = [
    `Each cell: processes still alive ${BOUND_MS} ms after the tool's cleanup call returned (0 = nothing escaped). Counted both ways: the fixture's reported pids (with start times, so a recycled pid never counts) and a scan for the case's marker variable; the cell is their union, and "(k by pid only)" marks survivors the marker scan cannot see (the scrubbed-env daemon has an empty environment). Everything is then ended by pid.`,
    '',
    `Each peer is started the way that gives it its best chance: curfew \`spawn\` into a scope with \`grace: ${GRACE_MS}\`, then \`scope.teardown()\`; execa with default options, then \`subprocess.kill()\`; execa \`{killDescendants: true, forceKillAfterDelay: ${GRACE_MS}}\`, then \`subprocess.kill()\`; tree-kill and the group kill on a fixture started with \`detached: true\` (its own session and group) and with **SIGKILL**, so that what they leave is only what they cannot find, never what ignores a signal. Where the fixture has already exited, tree-kill has no tree to walk (it would only signal a dead pid), and the group kill is sent only while a member of the group is still ours. One run per cell.`,
    '',
    table(['fixture', ...TOOLS.map((t) => t.name), 'curfew teardown ms'], rows),
    '',
    `curfew's teardown time over the ${CASES.length} fixtures: median ${ms(times.median)} ms (min–max ${ms(times.min)}–${ms(times.max)}); the ${GRACE_MS} ms grace is in it wherever SIGTERM was not enough.`,
  ].join('\n');
  return { id: 'escape-matrix', title: '3. Escape matrix', markdown };
}

if (import.meta.main) await runSection(run);
