import { foundWords, type Escape } from '../format/leak.js';
import { painter, type Paint } from '../format/paint.js';
import { formatLeakTree } from '../format/tree.js';
import { plural, quoteCommand } from '../format/words.js';
import type { EndedProcess } from '../kill/types.js';

export interface Leak extends EndedProcess {
  escape: Escape;
}

export interface RunReport {
  version: 1;
  command: string[];
  /** The command's exit code, or null when a signal ended it. */
  exitCode: number | null;
  signal: string | null;
  /** What curfew itself exits with. */
  status: number;
  leaks: Leak[];
  /** Leaks still alive after SIGKILL (stuck in uninterruptible sleep, say). */
  survivors: Leak[];
  cgroup: boolean;
  /** What curfew could not do (a cgroup it could not remove, say), in words. */
  problems: string[];
  durationMs: number;
}

/** The leaked processes as a tree by parent pid, one line each. */
function formatLeaks(report: RunReport, paint: Paint): string {
  const survivors = new Set(report.survivors.map((s) => s.pid));
  return formatLeakTree(report.leaks.map((leak) => ({ ...leak, alive: survivors.has(leak.pid) })), paint, 'run');
}

export function formatText(report: RunReport, color: boolean): string {
  const paint = painter(color);
  const cmd = quoteCommand(report.command);
  const problems = report.problems.map((p) => `${paint.red(`curfew: problem: ${p}`)}\n`).join('');
  if (report.leaks.length === 0) return `curfew: ${cmd} left nothing running (${Math.round(report.durationMs)} ms)\n${problems}`;
  const head = paint.red(`curfew: ${cmd} left ${plural(report.leaks.length, 'process')} running:`);
  const tail = report.survivors.length > 0 ? `\n${paint.red(`curfew: ${report.survivors.length} could not be ended`)}` : '';
  return `${head}\n${formatLeaks(report, paint)}${tail}\n${problems}`;
}

/** One GitHub Actions annotation per leak (warnings when leaks are allowed). */
export function formatAnnotations(report: RunReport, allowLeaks: boolean): string {
  const level = allowLeaks ? 'warning' : 'error';
  const escapeData = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
  return report.leaks
    .map((l) => `::${level} title=curfew: leaked process::${escapeData(`${quoteCommand(report.command)} left pid ${l.pid} (${l.cmd}) running: ${l.escape}, found ${foundWords(l.foundBy, 'run')}, ended by ${l.signal}`)}\n`)
    .join('');
}
