import { fileURLToPath } from 'node:url';
import { relative, sep } from 'node:path';
import type { ProcessRecord } from '../kill/types.js';
import type { KnownChildren, SpawnRecord } from '../reaper/known-children.js';

/** Frames a report shows of where a process was spawned. */
const SHOWN_FRAMES = 2;

// curfew's own files: its dist/ folder, and src/ where a source map points there.
const OWN = (() => {
  const path = fileURLToPath(import.meta.url);
  const at = path.lastIndexOf(`${sep}dist${sep}`);
  return at < 0 ? [] : [path.slice(0, at + 6), `${path.slice(0, at)}${sep}src${sep}`];
})();

function isCallerFrame(frame: string): boolean {
  return !frame.includes('node:') && !frame.includes(`${sep}node_modules${sep}`) && !OWN.some((dir) => frame.includes(dir));
}

/** The caller's frames of a spawn's stack: below Node's spawn, not a dependency's, not curfew's. */
export function callerFrames(stack: string | undefined, limit = SHOWN_FRAMES): string[] {
  if (!stack) return [];
  const lines = stack.split('\n');
  // Everything above child_process's own frames is the recording itself.
  const from = lines.findIndex((l) => l.includes('node:child_process'));
  const out: string[] = [];
  for (const line of lines.slice(from + 1)) {
    const frame = line.trim();
    if (!frame.startsWith('at ') || !isCallerFrame(frame)) continue;
    // The first frame with its function's name; the callers above it by place alone.
    const text = shorten(frame.slice(3));
    out.push(out.length === 0 ? text : (/\(([^()]+)\)$/.exec(text)?.[1] ?? text));
    if (out.length === limit) break;
  }
  return out;
}

function shorten(frame: string): string {
  return frame.replace(/(?:file:\/\/)?(\/[^():]+)(?=:\d+)/, (path) => {
    const file = path.startsWith('file://') ? fileURLToPath(path) : path;
    const rel = relative(process.cwd(), file);
    return rel.startsWith('..') ? file : rel;
  });
}

// The spawn that started p: p itself, the leader of p's group or session, p's parent, or the one
// spawn made in the scope p's token names.
function findRecord(p: ProcessRecord, records: SpawnRecord[]): SpawnRecord | undefined {
  const byPid = (pid: number) => records.findLast((r) => r.child.pid === pid);
  const direct = byPid(p.pid) ?? (p.pgid !== p.pid ? byPid(p.pgid) : undefined) ?? (p.sid !== p.pid ? byPid(p.sid) : undefined) ?? byPid(p.ppid);
  if (direct || !p.token) return direct;
  const inScope = records.filter((r) => r.token === p.token);
  return inScope.length === 1 ? inScope[0] : undefined;
}

/** Where the spawn that started this process was made, when it can be told; undefined otherwise. */
export function spawnSiteOf(p: ProcessRecord, known: KnownChildren): string[] | undefined {
  const record = findRecord(p, known.records());
  const frames = callerFrames(record?.site.stack);
  return frames.length > 0 ? frames : undefined;
}
