import type { SignalName } from '../options.js';
import type { ProcInfo } from '../proc/index.js';

/**
 * How a process was found to be ours:
 * - `group`: in the process group of a spawn
 * - `token`: carries the scope's token in its environment (survives setsid and daemonizing)
 * - `descendant`: a child (or deeper) of one of the above
 * - `orphan`: re-parented to this process, the child subreaper (survives a scrubbed environment)
 * - `cgroup`: inside the spawn's cgroup v2 (survives everything)
 * - `spawned`: a child this process started with child_process while the scope was current
 *   (found even when it rewrote its environment)
 * - `ledger`: named by its owner (pid and start time), for the crash watchdog to end
 */
export type FoundBy = 'group' | 'token' | 'descendant' | 'orphan' | 'cgroup' | 'spawned' | 'ledger';

export interface Member {
  info: ProcInfo;
  foundBy: FoundBy;
}

/** One process as a report shows it. */
export interface ProcessRecord {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** Its command line; where that is empty, its executable, saying so. */
  cmd: string;
  foundBy: FoundBy;
  /** The TCP and UDP addresses it listened on (`127.0.0.1:5173/tcp`); read for leaks only. */
  listening: string[];
  /** The token chain in its environment (scope ids, outermost first), where it could be read; leaks only. */
  token?: string;
  /** Where it was spawned, when a child_process call in this thread started it or its parent (one or two frames). */
  spawnedAt?: string[];
}

/** One process that had to be ended. */
export interface EndedProcess extends ProcessRecord {
  /** The last signal sent before it was gone (for a survivor: the last one tried). */
  signal: SignalName;
  /** Why it was left running until now, when it was kept for an owner whose lifetime has ended. */
  kept?: string;
}

/** One process left running because its owner outlives the scope (see `TeardownOptions.owned`). */
export interface KeptProcess extends ProcessRecord {
  /** Why: held by live code in this process, kept with `keep()`, or matched by `allow`. */
  reason: string;
  /** Its start time in clock ticks since boot: with the pid, its identity. */
  startTicks: number;
}

/** What a kill or teardown did. Outcomes are values: nothing here is an error. */
export interface KillReport {
  /** Processes that were alive and had to be ended, and the signal that ended each. */
  ended: EndedProcess[];
  /** Processes still alive after SIGKILL and the bounded wait (e.g. stuck in D state). */
  survivors: EndedProcess[];
  /** Processes found but left running for their owner (held, kept or allowed). */
  kept: KeptProcess[];
  /** True when the ladder reached SIGKILL because something outlived the polite signals. */
  escalated: boolean;
  durationMs: number;
  /** Anything that could not be done (a cgroup that would not empty, say), in words. */
  problems: string[];
}

/** What one scan found: the processes to end and the groups that may be signalled whole. */
export interface Snapshot {
  members: Member[];
  /** Process groups proven ours right now (see guards.ts). */
  groups: number[];
  /** A young process showed an empty environment (it was mid-exec): its token is not known yet. */
  uncertain: boolean;
}
