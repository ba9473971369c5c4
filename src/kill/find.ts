import { realTimers } from '../clock.js';
import { findEnv, identity, isDead, type ProcInfo } from '../proc/index.js';
import { TOKEN_ENV } from '../ids.js';
import { addDescendants, candidates } from './candidates.js';
import type { Claim } from './claim.js';
import { EXEC_WINDOW_MS, type FindContext } from './context.js';
import { groupStillOurs, maySignalGroup, maySignalPid } from './guards.js';
import type { FoundBy, Member, Snapshot } from './types.js';

/** Whether an environment block's token chain holds one of the given scope ids. */
export function tokenMatches(block: string | null, tokens: readonly string[]): boolean {
  if (!block || tokens.length === 0) return false;
  const chain = findEnv(block, TOKEN_ENV);
  if (!chain) return false;
  const ids = chain.split(':');
  return tokens.some((t) => ids.includes(t));
}

/** One scan: the live processes the claim covers, and the groups that may be signalled whole. */
export function findMembers(claim: Claim, ctx: FindContext): Snapshot {
  const sinceOpened = ctx.memory?.sinceOpened === true;
  if (sinceOpened) ctx.memory!.sinceOpened = false;
  const snap = scanOnce(claim, ctx);
  // A first probe of everything started since the scope opened needs no confirmation: a process
  // still being forked has a live parent that is either that new too (and found) or this
  // process, whose spawns return only once the child exists; a full scan would miss it as well.
  if (snap.members.length > 0 || !snap.incremental || sinceOpened) return snap;
  // "Nothing left" from an incremental poll may have missed a child whose pid was handed out
  // before that poll but which joined /proc after it (seen under load: a respawner's fork).
  // Its parent was a member and is gone now, so the child is visible: confirm with a full scan
  // (one that reads again while it sees processes end: the child may itself fork and exit while
  // the table is read, see settledRead in candidates.ts).
  ctx.memory!.lastPid = null;
  return scanOnce(claim, ctx);
}

function scanOnce(claim: Claim, ctx: FindContext): Snapshot & { incremental: boolean } {
  const { table, subtree, incremental, settled } = candidates(ctx);
  const { proc, self } = ctx;
  const tokenCache = ctx.tokenCache ?? new Map<string, boolean>();
  const emptySince = ctx.emptySince ?? new Map<string, number>();
  // A read that kept seeing processes end may have missed a child they forked: not a final answer.
  let uncertain = !settled;
  // Processes caught mid-exec: probed again by the next (incremental) poll.
  const pending: number[] = [];
  // The environment, or undefined while an exec may be hiding it: then the scan is uncertain and
  // the process is asked again next poll rather than judged (null is unreadable: not ours).
  const settledEnviron = (info: ProcInfo): string | null | undefined => {
    const block = proc.environ(info.pid);
    if (block !== '') return block;
    const key = identity(info);
    const now = realTimers.now();
    const since = emptySince.get(key) ?? now;
    emptySince.set(key, since);
    if (now - since >= EXEC_WINDOW_MS) return block;
    uncertain = true;
    pending.push(info.pid);
    return undefined;
  };
  const hasToken = (info: ProcInfo): boolean => {
    if (info.startTicks < claim.sinceTicks || claim.tokens.length === 0) return false;
    const key = identity(info);
    let hit = tokenCache.get(key);
    if (hit === undefined) {
      const block = settledEnviron(info);
      if (block === undefined) return false;
      hit = tokenMatches(block, claim.tokens);
      tokenCache.set(key, hit);
    }
    return hit;
  };
  const fromSelf = new Map<number, boolean>();
  const descendsFromSelf = (pid: number, depth = 0): boolean => {
    if (subtree) return table.has(pid);
    const info = table.get(pid);
    if (!info || depth > 4096) return false;
    if (info.ppid === self.pid) return true;
    let hit = fromSelf.get(pid);
    if (hit === undefined) fromSelf.set(pid, (hit = descendsFromSelf(info.ppid, depth + 1)));
    return hit;
  };
  // One pass over the table answers "does a proven member of this group exist?" for every group.
  // Read alive, but gone or a zombie now: it ended while this scan ran (and may have forked).
  const endedSince = (info: ProcInfo): boolean => {
    const now = proc.stat(info.pid);
    return now === null || now.startTicks !== info.startTicks || now.state === 'Z' || isDead(now);
  };
  let proven: Set<number> | undefined;
  const provenMemberOf = (pgid: number): boolean => {
    if (!proven) {
      proven = new Set();
      const wanted = new Set(claim.groups.map((g) => g.pgid));
      for (const info of table.values()) {
        if (!wanted.has(info.pgid) || proven.has(info.pgid) || isDead(info)) continue;
        if (descendsFromSelf(info.pid) || hasToken(info)) proven.add(info.pgid);
        // A member of one of our groups that exited between its stat and its environment's read
        // proves nothing, and its replacement (a respawner's fork) may not be in the table: the
        // scan cannot say the group is empty.
        else if (endedSince(info)) uncertain = true;
      }
    }
    return proven.has(pgid);
  };

  const groups = claim.groups
    .filter((g) => maySignalGroup(g.pgid, self) && groupStillOurs(g.pgid, g.leaderStart, proc, provenMemberOf))
    .map((g) => g.pgid);
  const groupSet = new Set(groups);
  const inCgroup = new Set(claim.cgroupPids?.() ?? []);
  // Processes found by other means than the scan's read, whose children it may not have read.
  const outside: number[] = [];
  const lookUp = (pid: number): ProcInfo | null => {
    const known = table.get(pid);
    if (known) return known;
    const info = proc.stat(pid);
    if (info) outside.push(pid);
    return info;
  };
  for (const pid of inCgroup) if (!table.has(pid)) { const info = lookUp(pid); if (info) table.set(pid, info); }

  const found = new Map<number, FoundBy>();
  for (const { pid, startTicks } of claim.processes ?? []) {
    const info = lookUp(pid);
    if (!info || info.startTicks !== startTicks || isDead(info) || !maySignalPid(pid, self, ctx.ancestors)) continue;
    table.set(pid, info);
    found.set(pid, 'ledger');
  }
  for (const pid of claim.children?.() ?? []) {
    const info = lookUp(pid);
    if (!info || found.has(pid) || isDead(info) || !maySignalPid(pid, self, ctx.ancestors)) continue;
    table.set(pid, info);
    found.set(pid, 'spawned');
  }
  for (const info of table.values()) {
    if (found.has(info.pid)) continue;
    if (isDead(info) || info.kernel || !maySignalPid(info.pid, self, ctx.ancestors)) continue;
    if (groupSet.has(info.pgid)) found.set(info.pid, 'group');
    else if (inCgroup.has(info.pid)) found.set(info.pid, 'cgroup');
    else if (hasToken(info)) found.set(info.pid, 'token');
  }
  if (claim.claimOrphan) {
    for (const pid of ctx.orphans()) {
      const info = lookUp(pid);
      if (!info || found.has(pid) || isDead(info) || !maySignalPid(pid, self, ctx.ancestors)) continue;
      // Mid-exec the environment that names the orphan's scope reads empty, and a guess by start
      // time could hand it to a scope opened since (seen: a file's orphan charged to its test).
      const block = settledEnviron(info);
      if (block === undefined) continue;
      if (claim.claimOrphan(info, block)) {
        table.set(pid, info);
        found.set(pid, 'orphan');
      }
    }
  }
  // Descendants of members are members, whatever group, session or environment they chose.
  const roots = new Set([...found.keys(), ...(claim.roots ?? [])]);
  addDescendants(outside.filter((pid) => roots.has(pid)), table, ctx);
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
  if (ctx.memory) ctx.memory.keep = new Set([...found.keys(), ...pending]);
  return { members, groups, uncertain, incremental };
}
