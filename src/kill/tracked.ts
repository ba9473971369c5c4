import type { SignalName } from '../options.js';
import { dyingBySignal, identity, isExiting, type ProcSource } from '../proc/index.js';
import { commandOf, listeningOf } from '../proc/describe.js';
import type { EndedProcess, KeptProcess, Member } from './types.js';

/** How a kill treats what its scans find (all optional: by default every member is a target). */
export interface MemberPolicy {
  /** A managed process (a spawn whose leader still runs): ended at once, never waited for, never a leak. */
  managed?(member: Member): boolean;
  /** A reason to leave the process running (its owner outlives this kill), or undefined to end it. */
  spare?(member: Member): string | undefined;
  /** Why a process that is ended anyway was kept until now (its owner's lifetime just ended). */
  keptUntilNow?(member: Member): string | undefined;
  /** The token chain of a process that may be a leak, for attribution. */
  tokenOf?(member: Member): string | undefined;
  /** Its owner in this process has already signalled it to stop (child.kill()): it gets the grace period to do so. */
  stoppedByOwner?(member: Member): boolean;
}

/** One process a kill has seen, from its first sight on. */
export interface Tracked {
  member: Member;
  cmd: string;
  listening: string[];
  token?: string;
  managed: boolean;
  /** Why it is left running; undefined for a target. */
  spared?: string;
  kept?: string;
  /** Seen on its way out before any signal of ours: it ended by itself. */
  exiting: boolean;
  /** Its owner asked it to stop before we looked: it may take up to the grace period. */
  stopping: boolean;
  signal?: SignalName;
  /** The number of the last signal sent, and the group it went to (undefined: sent to the process). */
  rung?: number;
  viaGroup?: number;
  pidfd?: number | null;
}

const MAX_DEPTH = 64;

/**
 * Classifies the processes a scan saw for the first time. Descendants of a spared process are
 * spared with it (a held helper's own children belong to it too). Facts a report needs later
 * (command line, listening ports, token) are read now, while the process is still alive.
 */
export function track(fresh: Member[], tracked: Map<string, Tracked>, proc: ProcSource, policy: MemberPolicy, context: { selfPid: number; signalled: boolean }): void {
  const { selfPid, signalled } = context;
  const added: Tracked[] = [];
  for (const member of fresh) {
    const managed = policy.managed?.(member) ?? false;
    // Exiting is judged only before our first signal: after it, a process may be dying of ours.
    const t: Tracked = { member, cmd: commandOf(proc, member.info), listening: [], managed, exiting: !signalled && isExiting(member.info), stopping: false, spared: managed ? undefined : policy.spare?.(member) };
    if (!signalled && !managed) t.stopping = policy.stoppedByOwner?.(member) ?? false;
    if (!signalled && !t.exiting && !managed) {
      const masks = proc.signalMasks(member.info.pid);
      t.exiting = masks !== null && dyingBySignal(masks);
    }
    tracked.set(identity(member.info), t);
    added.push(t);
  }
  const sparedPids = new Map<number, string>();
  for (const t of tracked.values()) if (t.spared) sparedPids.set(t.member.info.pid, t.spared);
  for (const t of added) {
    if (!t.spared && !t.managed && sparedPids.size > 0) {
      const ancestor = sparedAncestor(t.member.info.ppid, sparedPids, proc, selfPid);
      if (ancestor !== undefined) t.spared = `a descendant of ${ancestor}, which ${sparedPids.get(ancestor)}`;
    }
    if (t.spared || t.managed) continue;
    t.kept = policy.keptUntilNow?.(t.member);
    t.listening = listeningOf(proc, t.member.info.pid);
    t.token = policy.tokenOf?.(t.member);
  }
}

function sparedAncestor(ppid: number, spared: ReadonlyMap<number, string>, proc: ProcSource, selfPid: number): number | undefined {
  let pid = ppid;
  for (let depth = 0; depth < MAX_DEPTH && pid > 1 && pid !== selfPid; depth++) {
    if (spared.has(pid)) return pid;
    pid = proc.stat(pid)?.ppid ?? 0;
  }
  return undefined;
}

function base(t: Tracked) {
  const { pid, ppid, pgid, sid } = t.member.info;
  return { pid, ppid, pgid, sid, cmd: t.cmd, foundBy: t.member.foundBy, listening: t.listening, ...(t.token === undefined ? {} : { token: t.token }) };
}

export function toEnded(t: Tracked): EndedProcess {
  return { ...base(t), signal: t.signal ?? 'SIGKILL', ...(t.kept ? { kept: t.kept } : {}) };
}

export function toKept(t: Tracked): KeptProcess {
  return { ...base(t), reason: t.spared!, startTicks: t.member.info.startTicks };
}
