import type { SignalName } from '../options.js';
import type { ProcInfo } from '../proc/index.js';

/**
 * How a process was found to be ours:
 * - `group`: in the process group of a spawn
 * - `token`: carries the scope's token in its environment (survives setsid and daemonizing)
 * - `descendant`: a child (or deeper) of one of the above
 * - `orphan`: re-parented to this process, the child subreaper (survives a scrubbed environment)
 * - `cgroup`: inside the spawn's cgroup v2 (survives everything)
 */
export type FoundBy = 'group' | 'token' | 'descendant' | 'orphan' | 'cgroup';

export interface Member {
  info: ProcInfo;
  foundBy: FoundBy;
}

/** One process that had to be ended. */
export interface EndedProcess {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  cmd: string;
  foundBy: FoundBy;
  /** The last signal sent before it was gone (for a survivor: the last one tried). */
  signal: SignalName;
}

/** What a kill or teardown did. Outcomes are values: nothing here is an error. */
export interface KillReport {
  /** Processes that were alive and had to be ended, and the signal that ended each. */
  ended: EndedProcess[];
  /** Processes still alive after SIGKILL and the bounded wait (e.g. stuck in D state). */
  survivors: EndedProcess[];
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
