import { formatLeakLine } from '../../format/leak.js';
import { painter, type Paint } from '../../format/paint.js';
import { plural } from '../../format/words.js';
import type { LeakList, LeakRecord } from './leaks.js';

// The reporters' one import for their formatting: the painter is the shared one in src/format/.
export { painter, type Paint };

const MAX_CMD = 160;

// A describe block's and a file's own scopes hold what no test's scope does: their hooks, the
// file's top level, and concurrent tests (which share the environment, so get no scope of their own).
const SUITE_PART = 'its hooks or concurrent tests';
const FILE_PART = 'its top level, hooks or concurrent tests';

/** How reports name a test, a describe block and a file: `file > describe > test`. */
export const titles = {
  test: (file: string, path: string): string => `${file} > ${path}`,
  suite: (file: string, path: string): string => `${file} > ${path} (${SUITE_PART})`,
  file: (file: string): string => `${file} (${FILE_PART})`,
  run: 'the run (processes re-parented to the runner that no test could be pinned to)',
};

/** How a failure names what leaked, as the subject of "… left N processes running". */
export const subjects = {
  test: 'the test',
  suite: (name: string): string => `describe "${name}" (${SUITE_PART})`,
  file: `the file (${FILE_PART})`,
};

// Detail lines sit under the process's line, indented past its pid.
const DETAIL = '      ';

function formatProcess(p: LeakRecord, paint: Paint): string {
  const cmd = p.cmd.length > MAX_CMD ? `${p.cmd.slice(0, MAX_CMD - 1)}…` : p.cmd;
  const lines = [`  ${formatLeakLine({ ...p, cmd }, paint, 'test')}`];
  if (p.listening?.length) lines.push(`${DETAIL}listening on ${p.listening.join(', ')}`);
  if (p.startedIn) lines.push(`${DETAIL}started in ${p.startedIn}`);
  if (p.kept) lines.push(`${DETAIL}${p.kept}`);
  // Not "at": Jest takes a line with " at " for the start of a stack trace.
  if (p.spawnedAt?.length) lines.push(`${DETAIL}${paint.dim(`spawned in ${p.spawnedAt.join(', called from ')}`)}`);
  return lines.join('\n');
}

/** One line per leaked process, then any problem teardown had. */
export function formatProcesses(list: LeakList, paint: Paint = painter(false)): string {
  return [...list.processes.map((p) => formatProcess(p, paint)), ...list.problems.map((p) => `  ${paint.red(`problem: ${p}`)}`)].join('\n');
}

/** The block a reporter prints for one leaking test, suite or file. */
export function formatLeakBlock(title: string, list: LeakList, paint: Paint): string {
  return `${paint.red('curfew:')} ${paint.bold(title)} left ${plural(list.processes.length, 'process')} running:\n${formatProcesses(list, paint)}\n`;
}

export interface LeakTally {
  tests: number;
  suites: number;
  files: number;
  runs?: number;
  processes: number;
  alive: number;
}

export function emptyTally(): LeakTally {
  return { tests: 0, suites: 0, files: 0, processes: 0, alive: 0 };
}

export function countLeaks(tally: LeakTally, kind: 'tests' | 'suites' | 'files' | 'runs', list: LeakList): void {
  tally[kind] = (tally[kind] ?? 0) + 1;
  tally.processes += list.processes.length;
  tally.alive += list.processes.filter((p) => p.alive).length;
}

/** The one line at the end of a run; empty when nothing leaked. */
export function formatSummary(tally: LeakTally, paint: Paint): string {
  if (tally.processes === 0) return '';
  const units = [plural(tally.tests, 'test'), plural(tally.suites, 'suite'), plural(tally.files, 'file'), ...(tally.runs ? ['the run itself'] : [])].filter((u) => !u.startsWith('0 '));
  const who = units.length > 1 ? `${units.slice(0, -1).join(', ')} and ${units.at(-1)}` : units[0];
  const ended = tally.alive === 0 ? 'all were ended' : paint.red(`${tally.alive} could not be ended`);
  return `${paint.red('curfew:')} ${who} left ${plural(tally.processes, 'process')} running; ${ended}.\n`;
}
