import type { ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import type { ProcSource } from '../proc/index.js';
import type { KnownChildren } from './known-children.js';
import { ownTid, threadIds } from './threads.js';

// Ownership, not only ancestry: a child that live code in this process still talks to (it writes
// to the child's stdin or another pipe the child reads, or keeps an IPC channel to it) belongs to
// that code, not to the test that happened to start it first (esbuild starts its service on first
// use and talks to it for the rest of the worker's life). It is left running until its owner's
// lifetime ends, when this process's ends of its pipes are closed, as this process's own exit
// would close them: a well-behaved helper exits then, and one still running is a leak.


// A stream this process can still write to: the child reads the other end.
function writableOpen(stream: unknown): boolean {
  const s = stream as { writable?: boolean; destroyed?: boolean } | null | undefined;
  return s != null && s.writable === true && s.destroyed !== true;
}

/** Why this process still holds the child: its stdin, another pipe it reads, or its IPC channel; undefined if none. */
export function holdOf(child: ChildProcess): string | undefined {
  if (child.exitCode !== null || child.signalCode !== null) return undefined;
  if (child.connected) return 'its IPC channel is open in the test process';
  const stdio = child.stdio ?? [];
  if (writableOpen(stdio[0])) return 'its stdin pipe is open in the test process';
  for (let fd = 3; fd < stdio.length; fd++) if (writableOpen(stdio[fd])) return `its pipe on fd ${fd} is open in the test process`;
  return undefined;
}

/** Closes this process's ends of the child's pipes and IPC channel, as this process's exit would. */
export function letGo(child: ChildProcess): void {
  for (const stream of child.stdio ?? []) (stream as { destroy?: () => void } | null)?.destroy?.();
  if (child.connected) child.disconnect();
}

/**
 * The processes among `pids` that live code in this process holds, with the reason. A child of
 * this thread is judged by its ChildProcess; a child of another live thread of this process (a
 * worker thread, such as the one esbuild's synchronous API keeps) by whether its stdin is still a
 * pipe or socket, since that thread's handles cannot be seen from here.
 */
export function heldAmong(pids: readonly number[], known: KnownChildren, proc: ProcSource): Map<number, { reason: string; child?: ChildProcess }> {
  const out = new Map<number, { reason: string; child?: ChildProcess }>();
  if (pids.length === 0) return out;
  let otherThreads: Set<number> | undefined;
  for (const pid of pids) {
    const child = known.live(pid);
    if (child) {
      const reason = holdOf(child);
      if (reason) out.set(pid, { reason, child });
      continue;
    }
    otherThreads ??= childrenOfOtherThreads(proc);
    if (!otherThreads.has(pid)) continue;
    const stdin = readStdin(pid);
    if (stdin && (stdin.startsWith('pipe:') || stdin.startsWith('socket:'))) out.set(pid, { reason: 'another thread of the test process started it and its stdin is still open' });
  }
  return out;
}

function readStdin(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/fd/0`);
  } catch {
    return null;
  }
}

function childrenOfOtherThreads(proc: ProcSource): Set<number> {
  const out = new Set<number>();
  if (process.platform !== 'linux') return out;
  const own = ownTid();
  for (const tid of threadIds()) if (tid !== own) for (const kid of proc.childrenOfTask(process.pid, tid)) out.add(kid);
  return out;
}
