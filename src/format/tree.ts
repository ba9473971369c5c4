import { formatLeakLine, type Audience, type LeakLine } from './leak.js';
import type { Paint } from './paint.js';

/** The leaked processes as a tree by parent pid, one line each (a leak whose parent did not leak is a root). */
export function formatLeakTree(leaks: readonly (LeakLine & { ppid: number })[], paint: Paint, audience: Audience): string {
  const pids = new Set(leaks.map((l) => l.pid));
  const kids = new Map<number, LeakLine[]>();
  for (const leak of leaks) {
    const parent = pids.has(leak.ppid) ? leak.ppid : 0;
    kids.set(parent, [...(kids.get(parent) ?? []), leak]);
  }
  const lines: string[] = [];
  const walk = (parent: number, prefix: string) => {
    const list = kids.get(parent) ?? [];
    list.forEach((leak, i) => {
      const last = i === list.length - 1;
      lines.push(`${prefix}${last ? '└─' : '├─'} ${formatLeakLine(leak, paint, audience)}`);
      walk(leak.pid, prefix + (last ? '   ' : '│  '));
    });
  };
  walk(0, '  ');
  return lines.join('\n');
}
