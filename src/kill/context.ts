import type { ProcSource } from '../proc/index.js';
import { readAncestors, type Self } from './guards.js';

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
  /** Members (pid:startTicks) found outside a scan's own read whose children were read (addDescendants in candidates.ts). */
  walked?: Set<string>;
}

export interface FindContext {
  proc: ProcSource;
  self: Self;
  ancestors: ReadonlySet<number>;
  /** With the subreaper on, every descendant stays below us: walking our tree is complete. */
  walk: boolean;
  /** Orphans we may consider: children of ours that Node did not spawn. */
  orphans: () => number[];
  /**
   * Token answers by process identity (pid:startTicks), kept across the polls of one kill: an
   * environment is fixed at exec, and reading it is the costly part of a scan.
   */
  tokenCache?: Map<string, boolean>;
  /** Kept across the polls of one kill: later polls read only kept and new pids. */
  memory?: ScanMemory;
  /** When each process (pid:startTicks) was first seen with an empty environment. */
  emptySince?: Map<string, number>;
  /**
   * Full reads list /proc again while they see processes end (see settledRead in
   * candidates.ts). On for the crash watchdog and the `curfew run` supervisor, whose verdict
   * nobody checks after them; off for in-process teardowns until its cost under constant churn
   * (a read that does not settle keeps a kill going to the end of its ladder) is measured.
   */
  settle?: boolean;
}

/**
 * An empty environment is what a process shows in the middle of an exec; one still empty after
 * this long is believed (`env -i` leaves it empty for good).
 */
export const EXEC_WINDOW_MS = 100;

/**
 * The facts one kill's scans share, read fresh for each kill (ancestors change by re-parenting).
 * Without a subreaper (a worker thread, the watchdog, macOS) scans read the whole table.
 */
export function newFindContext(
  proc: ProcSource,
  self: Self,
  subreaper?: { readonly active: boolean; orphans(): number[] },
  options: { settle?: boolean; emptySince?: Map<string, number> } = {},
): FindContext {
  return {
    proc,
    self,
    ancestors: readAncestors(self, proc),
    walk: subreaper?.active ?? false,
    settle: options.settle ?? false,
    orphans: () => subreaper?.orphans() ?? [],
    tokenCache: new Map(),
    memory: { lastPid: null, keep: new Set() },
    emptySince: options.emptySince ?? new Map(),
  };
}
