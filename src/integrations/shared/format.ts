import { painter } from '../../cli/report.js';
import type { FoundBy } from '../../kill/types.js';
import type { LeakList, LeakRecord } from './leaks.js';

export type Paint = ReturnType<typeof painter>;
export { painter };

const FOUND: Record<FoundBy, string> = {
  group: "in its spawn's process group",
  token: 'by its token',
  descendant: 'as a descendant of a leak',
  orphan: 're-parented to the test process',
  cgroup: 'in its cgroup',
};

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
};

/** How a failure names what leaked, as the subject of "… left N processes running". */
export const subjects = {
  test: 'the test',
  suite: (name: string): string => `describe "${name}" (${SUITE_PART})`,
  file: `the file (${FILE_PART})`,
};

function formatProcess(p: LeakRecord, paint: Paint): string {
  const cmd = p.cmd.length > MAX_CMD ? `${p.cmd.slice(0, MAX_CMD - 1)}…` : p.cmd;
  const fate = p.alive ? paint.red(`still alive after ${p.signal}`) : `ended by ${p.signal}`;
  return `  ${paint.bold(String(p.pid))} ${cmd}  ${paint.dim(`[${p.escape}, found ${FOUND[p.foundBy] ?? p.foundBy}; ${fate}]`)}`;
}

/** One line per leaked process, then any problem teardown had. */
export function formatProcesses(list: LeakList, paint: Paint = painter(false)): string {
  return [...list.processes.map((p) => formatProcess(p, paint)), ...list.problems.map((p) => `  ${paint.red(`problem: ${p}`)}`)].join('\n');
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : word.endsWith('s') ? 'es' : 's'}`;
}

/** The block a reporter prints for one leaking test, suite or file. */
export function formatLeakBlock(title: string, list: LeakList, paint: Paint): string {
  return `${paint.red('curfew:')} ${paint.bold(title)} left ${plural(list.processes.length, 'process')} running:\n${formatProcesses(list, paint)}\n`;
}

export interface LeakTally {
  tests: number;
  suites: number;
  files: number;
  processes: number;
  alive: number;
}

export function emptyTally(): LeakTally {
  return { tests: 0, suites: 0, files: 0, processes: 0, alive: 0 };
}

export function countLeaks(tally: LeakTally, kind: 'tests' | 'suites' | 'files', list: LeakList): void {
  tally[kind]++;
  tally.processes += list.processes.length;
  tally.alive += list.processes.filter((p) => p.alive).length;
}

/** The one line at the end of a run; empty when nothing leaked. */
export function formatSummary(tally: LeakTally, paint: Paint): string {
  if (tally.processes === 0) return '';
  const units = [plural(tally.tests, 'test'), plural(tally.suites, 'suite'), plural(tally.files, 'file')].filter((u) => !u.startsWith('0 '));
  const who = units.length > 1 ? `${units.slice(0, -1).join(', ')} and ${units.at(-1)}` : units[0];
  const ended = tally.alive === 0 ? 'all were ended' : paint.red(`${tally.alive} could not be ended`);
  return `${paint.red('curfew:')} ${who} left ${plural(tally.processes, 'process')} running; ${ended}.\n`;
}
