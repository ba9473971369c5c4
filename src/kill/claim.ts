import type { ProcInfo } from '../proc/index.js';

/** A group started by spawn, named by its leader's identity. */
export interface GroupRef {
  pgid: number;
  leaderStart: number;
}

/** What makes a process ours, for one kill or teardown. */
export interface Claim {
  groups: GroupRef[];
  /** Scope ids: a process whose token chain holds one of them is ours. */
  tokens: string[];
  /** Processes that started before this (clock ticks since boot) cannot carry the tokens. */
  sinceTicks: number;
  /** Extra roots whose descendants are ours (a leader that already left its group, say). */
  roots?: number[];
  /** Orphans re-parented to us (the subreaper) that this claim may take, given their environment. */
  claimOrphan?: (info: ProcInfo, environ: string | null) => boolean;
  /** Pids inside the claim's cgroups. */
  cgroupPids?: () => number[];
  /** Processes named by identity (pid and start time): ours as long as that very process lives. */
  processes?: readonly { pid: number; startTicks: number }[];
  /**
   * Children of this process (not yet reaped, so their pids cannot have been reused) that were
   * started in the claim's scopes, whatever they did to their environment since.
   */
  children?: () => number[];
}
