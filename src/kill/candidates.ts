import { readFileSync } from 'node:fs';
import type { ProcInfo } from '../proc/index.js';
import type { FindContext } from './find.js';

/** pids below this are never handed out again once the counter wraps (the kernel's RESERVED_PIDS). */
const RESERVED_PIDS = 300;
/** Past this many new pids since the last look, a full scan is cheaper than probing each. */
const MAX_PROBES = 4096;

/**
 * What one kill remembers between its polls, so that only the first reads the whole process
 * table. Membership cannot be gained by an old process (a group is closed to outsiders, an
 * environment is fixed at exec, parentage only moves to a subreaper), so a later poll needs the
 * members it already had plus the pids the kernel has handed out since.
 */
export interface ScanMemory {
  lastPid: number | null;
  keep: Set<number>;
  /**
   * lastPid is the counter from before the claim's scope opened, and nothing older can be in the
   * claim (a scope without groups): the first scan then probes only the pids handed out since,
   * and its empty answer is final. Cleared by that scan.
   */
  sinceOpened?: boolean;
}

let pidMax: number | undefined;
function readPidMax(): number {
  try {
    pidMax ??= Number(readFileSync('/proc/sys/kernel/pid_max', 'latin1'));
  } catch {
    pidMax = 4_194_304;
  }
  return pidMax;
}

// The pids allocated after `from` up to `to`, following the kernel's wrap; null when too many.
function newPids(from: number, to: number): number[] | null {
  const out: number[] = [];
  if (to >= from) {
    if (to - from > MAX_PROBES) return null;
    for (let pid = from + 1; pid <= to; pid++) out.push(pid);
    return out;
  }
  const max = readPidMax();
  if (max - from + to - RESERVED_PIDS > MAX_PROBES) return null;
  for (let pid = from + 1; pid < max; pid++) out.push(pid);
  for (let pid = RESERVED_PIDS; pid <= to; pid++) out.push(pid);
  return out;
}

function walkFromSelf(ctx: FindContext): Map<number, ProcInfo> {
  const out = new Map<number, ProcInfo>();
  const stack = [ctx.self.pid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    for (const kid of ctx.proc.children(pid)) {
      if (out.has(kid)) continue;
      const info = ctx.proc.stat(kid);
      if (!info) continue;
      out.set(kid, info);
      stack.push(kid);
    }
  }
  return out;
}

/**
 * The processes a scan considers. The first poll of a kill reads our subtree while we are the
 * subreaper (complete, and cheap), otherwise the whole table; later polls read only the members
 * already found and the pids handed out since. `subtree` says the table is exactly our subtree,
 * so that membership in it proves descent. A pid is handed out before its process shows in /proc
 * (fork allocates it, then attaches the task), so a poll can pass over a child being forked; an
 * incremental poll that finds nothing is therefore never trusted alone (see findMembers).
 */
export function candidates(ctx: FindContext): { table: Map<number, ProcInfo>; subtree: boolean; incremental: boolean } {
  const { proc, memory } = ctx;
  // Read the counter first: whatever starts during the scan gets a later pid, seen next time.
  const now = proc.lastPid();
  const fresh = memory && memory.lastPid !== null && now !== null ? newPids(memory.lastPid, now) : null;
  let table: Map<number, ProcInfo>;
  let subtree = false;
  if (memory && fresh) {
    table = new Map();
    for (const pid of [...memory.keep, ...fresh]) {
      const info = proc.stat(pid);
      // A probed pid may be a new thread's id; it is one of its process, not a process of its
      // own (a leaked Node server would be reported once per thread). Only a multithreaded
      // group's stat can come from a thread, so only then is the status read.
      if (info && (info.threads <= 1 || proc.isProcess(pid))) table.set(pid, info);
    }
  } else if (ctx.walk) {
    table = walkFromSelf(ctx);
    subtree = true;
  } else {
    table = new Map();
    for (const info of proc.list()) table.set(info.pid, info);
  }
  if (memory) memory.lastPid = now;
  return { table, subtree, incremental: Boolean(memory && fresh) };
}
