import type { ReportEntry } from './types.js';

/** Whether leaks should also be written as GitHub Actions workflow commands (annotations). */
export function isGithubActions(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

// Workflow-command escaping: a message's line breaks, and in properties also ':' and ','.
const escapeData = (s: string): string => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const escapeProperty = (s: string): string => escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

const FRAME = /(?:\(|^)([^()\s][^()]*?):(\d+):\d+\)?$/;

/** The entry's line, or the line of the first spawn site in its own file (where the test started it). */
export function lineOf(entry: ReportEntry): number | undefined {
  if (entry.line !== undefined) return entry.line;
  if (!entry.file) return undefined;
  for (const frame of entry.processes.flatMap((p) => p.spawnedAt ?? [])) {
    const match = FRAME.exec(frame);
    if (match && (match[1] === entry.file || match[1].endsWith(`/${entry.file}`))) return Number(match[2]);
  }
  return undefined;
}

/**
 * One annotation per leaking test, suite, file or run: `::error file=…,line=…,title=…::…`, a
 * warning when leaks do not fail the run. The message lists the processes, one a line.
 */
export function formatGithubAnnotations(entries: readonly ReportEntry[], level: 'error' | 'warning'): string {
  return entries
    .map((entry) => {
      const count = entry.processes.length;
      const title = `curfew: ${entry.title} left ${count} process${count === 1 ? '' : 'es'} running`;
      const line = lineOf(entry);
      const where = [entry.file ? `file=${escapeProperty(entry.file)}` : '', line ? `line=${line}` : ''].filter(Boolean).join(',');
      const body = entry.processes.map((p) => `${p.pid} ${p.cmd} [${p.escape}; ${p.alive ? `still alive after ${p.signal}` : `ended by ${p.signal}`}]`).join('\n');
      return `::${level} ${where ? `${where},` : ''}title=${escapeProperty(title)}::${escapeData(body)}\n`;
    })
    .join('');
}
