import type { EndedProcess } from '../kill/types.js';

/** How a leaked process got away from the command, in a user's words. */
export type Escape = 'same group' | 'new group' | 'new session';

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
  durationMs: number;
}

export function escapeOf(p: { pgid: number; sid: number }, command: { pgid: number; sid: number }): Escape {
  if (p.sid !== command.sid) return 'new session';
  return p.pgid === command.pgid ? 'same group' : 'new group';
}

const FOUND: Record<string, string> = { group: 'in its process group', token: 'by its token', descendant: 'by descent', orphan: 're-parented to curfew', cgroup: 'in its cgroup' };

interface Paint {
  red: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

export function painter(color: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\u001B[${open}m${s}\u001B[${close}m` : s);
  return { red: wrap(31, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** The leaked processes as a tree by parent pid, one line each. */
export function formatLeakTree(report: RunReport, paint: Paint): string {
  const { leaks } = report;
  const pids = new Set(leaks.map((l) => l.pid));
  const kids = new Map<number, Leak[]>();
  for (const leak of leaks) {
    const parent = pids.has(leak.ppid) ? leak.ppid : 0;
    kids.set(parent, [...(kids.get(parent) ?? []), leak]);
  }
  const survivors = new Set(report.survivors.map((s) => s.pid));
  const lines: string[] = [];
  const walk = (parent: number, prefix: string) => {
    const list = kids.get(parent) ?? [];
    list.forEach((leak, i) => {
      const last = i === list.length - 1;
      const fate = survivors.has(leak.pid) ? paint.red(`still alive after ${leak.signal}`) : `ended by ${leak.signal}`;
      lines.push(`${prefix}${last ? '└─' : '├─'} ${paint.bold(String(leak.pid))} ${leak.cmd}  ${paint.dim(`[${leak.escape}, found ${FOUND[leak.foundBy] ?? leak.foundBy}; ${fate}]`)}`);
      walk(leak.pid, prefix + (last ? '   ' : '│  '));
    });
  };
  walk(0, '  ');
  return lines.join('\n');
}

export function formatText(report: RunReport, color: boolean): string {
  const paint = painter(color);
  const cmd = report.command.join(' ');
  if (report.leaks.length === 0) return `curfew: ${cmd} left nothing running (${Math.round(report.durationMs)} ms)\n`;
  const head = paint.red(`curfew: ${cmd} left ${report.leaks.length} process${report.leaks.length === 1 ? '' : 'es'} running:`);
  const tail = report.survivors.length > 0 ? `\n${paint.red(`curfew: ${report.survivors.length} could not be ended`)}` : '';
  return `${head}\n${formatLeakTree(report, paint)}${tail}\n`;
}

/** One GitHub Actions annotation per leak (warnings when leaks are allowed). */
export function formatAnnotations(report: RunReport, allowLeaks: boolean): string {
  const level = allowLeaks ? 'warning' : 'error';
  const escapeData = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
  return report.leaks
    .map((l) => `::${level} title=curfew: leaked process::${escapeData(`${report.command.join(' ')} left pid ${l.pid} (${l.cmd}) running: ${l.escape}, found ${FOUND[l.foundBy] ?? l.foundBy}, ended by ${l.signal}`)}\n`)
    .join('');
}
