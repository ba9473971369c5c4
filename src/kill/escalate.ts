import { realTimers } from '../clock.js';
import { getNative, type Native } from '../native/index.js';
import { osSignal, SIGKILL, type Rung } from '../options.js';
import { getProc, identity, isDead, isExiting } from '../proc/index.js';
import type { KillReport, Member, Snapshot } from './types.js';
import { EXEC_WINDOW_MS } from './context.js';
import { toEnded, toKept, track, type MemberPolicy, type Tracked } from './tracked.js';
import { waitFor } from '../wait.js';

export type { MemberPolicy } from './tracked.js';

/** Bounds the wait for an exec in progress to show its environment: the scan's window, plus slow polls. */
const UNCERTAIN_WAIT_MS = EXEC_WINDOW_MS + 150;

export interface EscalateOptions {
  /** Called after every poll (the subreaper reaps there). */
  afterPoll?: () => void;
  /** Load the FFI only once something must be signalled (a teardown that most likely finds nothing). */
  lazyFfi?: boolean;
  /**
   * Before the first signal, give processes that are not managed this long to exit by themselves
   * (one that is already exiting, or stopped by its owner a moment ago, is no leak). Waited only
   * when something is found alive.
   */
  settleMs?: number;
  policy?: MemberPolicy;
  /** Asked while waiting: true skips what is left of the settle window and the polite rungs (SIGKILL now). */
  hurry?: () => boolean;
}

/**
 * Walks the ladder until nothing the scan finds is alive. Each rung goes to every proven group
 * at once (killpg) and to every other member by pid (through a pidfd where the kernel has them,
 * so a recycled pid is never hit), followed by SIGCONT so stopped processes can act on it.
 * Every poll rescans, so processes forked during the kill are caught and signalled too, and a
 * process once found stays a target until it is gone, even if it leaves the group or loses its
 * parent. Spared processes (see MemberPolicy) are never signalled.
 */
export async function escalate(scan: () => Snapshot, ladder: Rung[], options: EscalateOptions = {}): Promise<KillReport> {
  const started = realTimers.now();
  const { afterPoll, policy = {}, settleMs = 0 } = options;
  const hurried = (): boolean => options.hurry?.() === true;
  // The FFI (~20 ms to load) comes before the first scan, so that a broken one fails the kill
  // even when its targets already ended; or, for a teardown that most likely finds nothing
  // (a scope without spawns of its own), only once there is something to signal.
  let loaded: Native | undefined = options.lazyFfi ? undefined : getNative();
  const native = (): Native => (loaded ??= getNative());
  const proc = getProc();
  const tracked = new Map<string, Tracked>();
  let groups: number[] = [];
  let escalated = false;
  let uncertain = false;
  let signalled = false;

  // Still alive, and what it is now: a process may leave its group or session while we end it
  // (one that calls setsid() on SIGTERM), so its facts are re-read on every round.
  const stillAlive = (t: Tracked): boolean => {
    const now = proc.stat(t.member.info.pid);
    if (now === null || now.startTicks !== t.member.info.startTicks || isDead(now)) return false;
    t.member = { ...t.member, info: now };
    return true;
  };
  // Every process the scan sees (or seen before and still alive), spared ones included.
  const refresh = (): Tracked[] => {
    const snap = scan();
    groups = snap.groups;
    uncertain = snap.uncertain;
    const inScan = new Set<string>();
    const fresh: Member[] = [];
    for (const m of snap.members) {
      const k = identity(m.info);
      inScan.add(k);
      const known = tracked.get(k);
      if (!known) fresh.push(m);
      else {
        known.member = { ...known.member, info: m.info };
        // Exiting before any signal of ours: it ends by itself, and is no leak.
        if (!signalled && isExiting(m.info)) known.exiting = true;
      }
    }
    if (fresh.length > 0) track(fresh, tracked, proc, policy, { selfPid: process.pid, signalled });
    return [...tracked.entries()].filter(([k, t]) => inScan.has(k) || stillAlive(t)).map(([, t]) => t);
  };
  const targetsOf = (seen: Tracked[]) => seen.filter((t) => t.spared === undefined);
  const signalOne = (t: Tracked, signal: number): void => {
    const { pid, startTicks } = t.member.info;
    if (t.pidfd === undefined) {
      t.pidfd = native().pidfdOpen(pid);
      // The pidfd now pins one process; make sure it is the one we scanned, not a successor.
      if (t.pidfd !== null && proc.stat(pid)?.startTicks !== startTicks) {
        native().closeFd(t.pidfd);
        t.pidfd = null;
        t.signal ??= 'SIGKILL';
        return;
      }
    }
    if (t.pidfd !== null) native().pidfdSignal(t.pidfd, signal);
    else if (proc.stat(pid)?.startTicks === startTicks) native().signalPid(pid, signal);
  };
  const send = (rung: Rung, seen: Tracked[], everyGroup: boolean): void => {
    signalled = true;
    const polite = rung.signal !== SIGKILL;
    const SIGCONT = polite ? osSignal('SIGCONT')! : 0;
    // A group holding a spared process is never signalled whole: its targets go one by one.
    const shielded = new Set(seen.filter((t) => t.spared !== undefined).map((t) => t.member.info.pgid));
    const groupSet = new Set(groups.filter((g) => !shielded.has(g)));
    const groupsHit = new Set<number>();
    for (const t of targetsOf(seen)) {
      const { pgid } = t.member.info;
      if (groupSet.has(pgid)) {
        if (!groupsHit.has(pgid)) {
          groupsHit.add(pgid);
          native().signalGroup(pgid, rung.signal);
          if (polite) native().signalGroup(pgid, SIGCONT);
        }
        // Reached through its group: if it leaves the group, it is signalled again on its own.
        t.viaGroup = pgid;
      } else {
        signalOne(t, rung.signal);
        if (polite) signalOne(t, SIGCONT);
        t.viaGroup = undefined;
      }
      t.signal = rung.name;
      t.rung = rung.signal;
    }
    if (everyGroup) for (const pgid of groupSet) if (!groupsHit.has(pgid)) native().signalGroup(pgid, rung.signal);
  };

  let seen = refresh();
  // Nothing to end, but a young process was caught mid-exec: look again briefly before concluding.
  // Also after the settle window: the targets it waited for may have exited while an orphan's
  // environment still read empty (a daemon that `env -i` started just before its parent exited).
  const resolveUncertain = () => (targetsOf(seen).length === 0 && uncertain ? waitFor(() => targetsOf((seen = refresh())).length > 0 || !uncertain, UNCERTAIN_WAIT_MS) : undefined);
  await resolveUncertain();
  // Processes that may be leaks get a moment to exit by themselves before anyone is signalled;
  // one its owner already told to stop gets as long as our own first rung would give it.
  const unsettled = () => targetsOf(seen).filter((t) => !t.managed);
  const pending = unsettled();
  const settleFor = pending.some((t) => t.stopping) ? Math.max(settleMs, ladder[0]?.waitMs ?? 0) : settleMs;
  if (settleFor > 0 && pending.length > 0) {
    await waitFor(() => {
      afterPoll?.();
      seen = refresh();
      return unsettled().length === 0 || hurried();
    }, settleFor);
    await resolveUncertain();
  }
  try {
    for (const rung of ladder) {
      // Nothing left to signal ends the ladder, unless the last look was not sure of that after
      // we had signalled something: a member may have forked and exited while the table was
      // read (see settledRead), so the next rung keeps looking, and signals what it finds.
      if (targetsOf(seen).length === 0 && !(uncertain && signalled)) break;
      if (rung.signal === SIGKILL && targetsOf(seen).length > 0) escalated = true;
      send(rung, seen, true);
      const done = await waitFor(() => {
        afterPoll?.();
        seen = refresh();
        // New targets, and ones that left the group this rung reached them through.
        const fresh = targetsOf(seen).filter((t) => t.signal === undefined || (t.rung === rung.signal && t.viaGroup !== undefined && t.viaGroup !== t.member.info.pgid));
        if (fresh.length > 0) {
          if (rung.signal === SIGKILL) escalated = true;
          send(rung, fresh, false);
        }
        return (targetsOf(seen).length === 0 && !uncertain) || (hurried() && rung.signal !== SIGKILL);
      }, rung.waitMs);
      // Hurried: on to the next rung (SIGKILL) with whatever is left.
      if (done && !(hurried() && rung.signal !== SIGKILL && targetsOf(seen).length > 0)) break;
    }
  } finally {
    for (const t of tracked.values()) if (t.pidfd != null) native().closeFd(t.pidfd);
  }
  const alive = targetsOf(seen);
  const survivors = alive.map(toEnded);
  const survivorKeys = new Set(alive.map((t) => identity(t.member.info)));
  const ended = [...tracked.entries()].filter(([k, t]) => t.signal !== undefined && !t.exiting && !survivorKeys.has(k)).map(([, t]) => toEnded(t));
  const kept = seen.filter((t) => t.spared !== undefined).map(toKept);
  return { ended, survivors, kept, escalated, durationMs: realTimers.now() - started, problems: [] };
}
