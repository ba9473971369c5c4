import { readFileSync } from 'node:fs';
import { identity, type ProcInfo } from '../proc/index.js';
import { leadsGroup } from '../proc/threads-since.js';
import type { FindContext } from './context.js';

/** pids below this are never handed out again once the counter wraps (the kernel's RESERVED_PIDS). */
const RESERVED_PIDS = 300;
/** Past this many new pids since the last look, a full scan is cheaper than probing each. */
const MAX_PROBES = 4096;
/**
 * Rounds of reading again that a full scan may take to settle (see settledRead); a scan that is
 * still not settled after them says so (uncertain), and the kill looks again instead of
 * concluding. Few: under constant churn (processes ending during every pass) more rounds do not
 * settle either, and each one costs a listing of /proc.
 */
const MAX_SETTLE_ROUNDS = 3;

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

// One pass over our subtree: every process met, with null for one gone before its stat was read.
function walkFromSelf(ctx: FindContext): Map<number, ProcInfo | null> {
  const out = new Map<number, ProcInfo | null>();
  const stack = [ctx.self.pid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    for (const kid of ctx.proc.children(pid)) {
      if (out.has(kid)) continue;
      const info = ctx.proc.stat(kid);
      out.set(kid, info);
      if (info) stack.push(kid);
    }
  }
  return out;
}

// One pass over the whole table: every listed pid, with null for one gone before its stat was
// read. Pids in `known` were read by an earlier pass and are only listed, not read again.
function listTable(ctx: FindContext, known: ReadonlyMap<number, ProcInfo | null>): Map<number, ProcInfo | null> {
  const { proc } = ctx;
  const out = new Map<number, ProcInfo | null>();
  for (const pid of proc.pids!()) out.set(pid, known.has(pid) ? known.get(pid)! : proc.stat(pid));
  return out;
}

// Gone or a zombie: a process that may have forked a child after it was listed, and exited.
const ended = (info: ProcInfo | null): boolean => info === null || info.state === 'Z' || info.state === 'X';

/**
 * Reads the table (or our subtree) so that a process forked while it was read is not missed.
 * Reading /proc is not atomic: the pids are listed first, then each one's stat is read, over
 * milliseconds (hundreds of them on a loaded machine). A member that forks and exits in between
 * is read dead, while its child, forked after the listing, is not in it; when that member was
 * the last one, the scan found "nothing left" and the kill ended before SIGKILL, leaving the
 * child running: the crash watchdog's rare escape in the load test (a SIGTERM respawner's
 * child that got its SIGTERM while still in the handler that forked it acts on it only later,
 * by itself, whenever its loop wakes; anything that forks and exits on its own does the same).
 * A child is in /proc before its parent can
 * exit, so whenever a pass reads a process dead (gone, or a zombie), the next pass lists again:
 * a child forked meanwhile shows up, and is read. Reading stops when a pass finds nothing new
 * that is dead; settled is false when it had to stop before that (the scan is then uncertain).
 */
function settledRead(pass: (known: ReadonlyMap<number, ProcInfo | null>) => Map<number, ProcInfo | null>): { table: Map<number, ProcInfo>; settled: boolean } {
  const seen = new Map<number, ProcInfo | null>();
  let settled = false;
  for (let round = 0; round <= MAX_SETTLE_ROUNDS && !settled; round++) {
    settled = true;
    for (const [pid, info] of pass(seen)) {
      if (seen.has(pid)) continue;
      seen.set(pid, info);
      if (ended(info)) settled = false;
    }
  }
  const table = new Map<number, ProcInfo>();
  for (const [pid, info] of seen) if (info) table.set(pid, info);
  return { table, settled };
}

/**
 * The processes a scan considers. The first poll of a kill reads our subtree while we are the
 * subreaper (complete, and cheap), otherwise the whole table; later polls read only the members
 * already found and the pids handed out since. `subtree` says the table is exactly our subtree,
 * so that membership in it proves descent. A pid is handed out before its process shows in /proc
 * (fork allocates it, then attaches the task), so a poll can pass over a child being forked; an
 * incremental poll that finds nothing is therefore never trusted alone (see findMembers), and a
 * full read is repeated until no process was seen to end during it (see settledRead).
 */
export function candidates(ctx: FindContext): { table: Map<number, ProcInfo>; subtree: boolean; incremental: boolean; settled: boolean } {
  const { proc, memory } = ctx;
  // Read the counter first: whatever starts during the scan gets a later pid, seen next time.
  const now = proc.lastPid();
  const fresh = memory && memory.lastPid !== null && now !== null ? newPids(memory.lastPid, now) : null;
  let table: Map<number, ProcInfo>;
  let subtree = false;
  let settled = true;
  if (memory && fresh) {
    table = new Map();
    for (const pid of [...memory.keep, ...fresh]) {
      const info = proc.stat(pid);
      // A probed pid may be a new thread's id; it is one of its process, not a process of its
      // own (a leaked Node server would be reported once per thread).
      if (info && leadsGroup(proc, info)) table.set(pid, info);
    }
  } else if (ctx.settle && (ctx.walk || proc.pids)) {
    // Our subtree while we are the subreaper, else the whole table; read until settled.
    ({ table, settled } = settledRead(ctx.walk ? () => walkFromSelf(ctx) : (known) => listTable(ctx, known)));
    subtree = ctx.walk;
  } else if (ctx.walk) {
    table = new Map();
    for (const [pid, info] of walkFromSelf(ctx)) if (info) table.set(pid, info);
    subtree = true;
  } else {
    // `ps` (macOS) reads the table in one snapshot from the kernel.
    table = new Map();
    for (const info of proc.list()) table.set(info.pid, info);
  }
  if (memory) memory.lastPid = now;
  return { table, subtree, incremental: Boolean(memory && fresh), settled };
}

/**
 * Reads the children of members that the scan's own read did not cover (found as our orphans, in
 * the ledger or among our spawns), down the tree, each once per kill. A walk of our subtree that
 * reads a parent's children just after that parent exited sees none: they moved to us after our
 * own list was read (seen in CI under load: the deep chain's level 1 found as our orphan, its
 * 109 descendants never named, and ended unreported by the group kill).
 */
export function addDescendants(roots: readonly number[], table: Map<number, ProcInfo>, ctx: FindContext): void {
  const walked = ctx.memory ? (ctx.memory.walked ??= new Set()) : new Set<string>();
  const visited = new Set<number>();
  const stack = roots.filter((pid) => table.has(pid));
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (visited.has(pid)) continue;
    visited.add(pid);
    const key = identity(table.get(pid)!);
    if (walked.has(key)) continue;
    walked.add(key);
    for (const kid of ctx.proc.children(pid)) {
      if (visited.has(kid)) continue;
      let info = table.get(kid);
      if (!info) {
        info = ctx.proc.stat(kid) ?? undefined;
        if (!info) continue;
        table.set(kid, info);
      }
      stack.push(kid);
    }
  }
}
