import { findEnv, isDead, type ProcInfo, type ProcSource } from '../proc/index.js';
import { TOKEN_ENV } from '../scope/token.js';
import { groupStillOurs, maySignalGroup, maySignalPid, type Self } from './guards.js';
import type { FoundBy, Member, Snapshot } from './types.js';

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
  /** Orphans re-parented to us (the subreaper) that this claim may take. */
  claimOrphan?: (info: ProcInfo) => boolean;
  /** Pids inside the claim's cgroups. */
  cgroupPids?: () => number[];
}

export interface FindContext {
  proc: ProcSource;
  self: Self;
  ancestors: ReadonlySet<number>;
  /** With the subreaper on, every descendant stays below us: walking our tree is complete. */
  walk: boolean;
  /** Orphans we may consider: children of ours that Node did not spawn. */
  orphans: () => number[];
}

// Either our subtree (cheap, and complete while we are the subreaper) or the whole table.
function candidates(ctx: FindContext): Map<number, ProcInfo> {
  const out = new Map<number, ProcInfo>();
  if (!ctx.walk) {
    for (const info of ctx.proc.list()) out.set(info.pid, info);
    return out;
  }
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

export function tokenMatches(block: string | null, tokens: readonly string[]): boolean {
  if (!block || tokens.length === 0) return false;
  const chain = findEnv(block, TOKEN_ENV);
  if (!chain) return false;
  const ids = chain.split(':');
  return tokens.some((t) => ids.includes(t));
}

/** One scan: the live processes the claim covers, and the groups that may be signalled whole. */
export function findMembers(claim: Claim, ctx: FindContext): Snapshot {
  const table = candidates(ctx);
  const { proc, self } = ctx;
  const tokenCache = new Map<number, boolean>();
  const hasToken = (info: ProcInfo): boolean => {
    if (info.startTicks < claim.sinceTicks || claim.tokens.length === 0) return false;
    let hit = tokenCache.get(info.pid);
    if (hit === undefined) tokenCache.set(info.pid, (hit = tokenMatches(proc.environ(info.pid), claim.tokens)));
    return hit;
  };
  const fromSelf = new Map<number, boolean>();
  const descendsFromSelf = (pid: number, depth = 0): boolean => {
    if (ctx.walk) return table.has(pid);
    const info = table.get(pid);
    if (!info || depth > 4096) return false;
    if (info.ppid === self.pid) return true;
    let hit = fromSelf.get(pid);
    if (hit === undefined) fromSelf.set(pid, (hit = descendsFromSelf(info.ppid, depth + 1)));
    return hit;
  };
  const provenMemberOf = (pgid: number): boolean => {
    for (const info of table.values()) if (info.pgid === pgid && !isDead(info) && (descendsFromSelf(info.pid) || hasToken(info))) return true;
    return false;
  };

  const groups = claim.groups
    .filter((g) => maySignalGroup(g.pgid, self) && groupStillOurs(g.pgid, g.leaderStart, proc, provenMemberOf))
    .map((g) => g.pgid);
  const groupSet = new Set(groups);
  const inCgroup = new Set(claim.cgroupPids?.() ?? []);
  for (const pid of inCgroup) if (!table.has(pid)) { const info = proc.stat(pid); if (info) table.set(pid, info); }

  const found = new Map<number, FoundBy>();
  for (const info of table.values()) {
    if (isDead(info) || !maySignalPid(info.pid, self, ctx.ancestors)) continue;
    if (groupSet.has(info.pgid)) found.set(info.pid, 'group');
    else if (inCgroup.has(info.pid)) found.set(info.pid, 'cgroup');
    else if (hasToken(info)) found.set(info.pid, 'token');
  }
  if (claim.claimOrphan) {
    for (const pid of ctx.orphans()) {
      const info = table.get(pid) ?? proc.stat(pid);
      if (info && !found.has(pid) && !isDead(info) && maySignalPid(pid, self, ctx.ancestors) && claim.claimOrphan(info)) {
        table.set(pid, info);
        found.set(pid, 'orphan');
      }
    }
  }
  // Descendants of members are members, whatever group, session or environment they chose.
  const roots = new Set([...found.keys(), ...(claim.roots ?? [])]);
  const under = new Map<number, boolean>();
  const belowRoot = (pid: number, depth = 0): boolean => {
    const info = table.get(pid);
    if (!info || depth > 4096 || info.ppid <= 1) return false;
    if (roots.has(info.ppid)) return true;
    let hit = under.get(pid);
    if (hit === undefined) under.set(pid, (hit = belowRoot(info.ppid, depth + 1)));
    return hit;
  };
  for (const info of table.values()) {
    if (found.has(info.pid) || isDead(info) || !maySignalPid(info.pid, self, ctx.ancestors)) continue;
    if (belowRoot(info.pid)) found.set(info.pid, 'descendant');
  }
  const members: Member[] = [];
  for (const [pid, foundBy] of found) members.push({ info: table.get(pid)!, foundBy });
  return { members, groups };
}
