import { getNative, type Native } from '../native/index.js';
import { osSignal, SIGKILL, type Rung, type SignalName } from '../options.js';
import { getProc, identity, isDead } from '../proc/index.js';
import type { EndedProcess, KillReport, Member, Snapshot } from './types.js';
import { EXEC_WINDOW_MS } from './find.js';
import { waitFor } from './wait.js';

/** Bounds the wait for an exec in progress to show its environment: the scan's window, plus slow polls. */
const UNCERTAIN_WAIT_MS = EXEC_WINDOW_MS + 150;

interface Tracked {
  member: Member;
  cmd: string;
  signal?: SignalName;
  pidfd?: number | null;
}

function toEnded(t: Tracked): EndedProcess {
  const { pid, ppid, pgid, sid } = t.member.info;
  return { pid, ppid, pgid, sid, cmd: t.cmd, foundBy: t.member.foundBy, signal: t.signal ?? 'SIGKILL' };
}

/**
 * Walks the ladder until nothing the scan finds is alive. Each rung goes to every proven group
 * at once (killpg) and to every other member by pid (through a pidfd where the kernel has them,
 * so a recycled pid is never hit), followed by SIGCONT so stopped processes can act on it.
 * Every poll rescans, so processes forked during the kill are caught and signalled too, and a
 * process once found stays a target until it is gone, even if it leaves the group or loses its
 * parent.
 */
export async function escalate(scan: () => Snapshot, ladder: Rung[], afterPoll?: () => void, options: { lazyFfi?: boolean } = {}): Promise<KillReport> {
  const started = performance.now();
  // The FFI (~20 ms to load) comes before the first scan, so that a broken one fails the kill
  // even when its targets already ended; or, for a teardown that most likely finds nothing
  // (a scope without spawns of its own), only once there is something to signal.
  let loaded: Native | undefined = options.lazyFfi ? undefined : getNative();
  const native = (): Native => (loaded ??= getNative());
  const proc = getProc();
  const tracked = new Map<string, Tracked>();
  const key = (m: Member) => identity(m.info);
  let groups: number[] = [];
  let escalated = false;
  let uncertain = false;

  const stillAlive = (t: Tracked): boolean => {
    const now = proc.stat(t.member.info.pid);
    return now !== null && now.startTicks === t.member.info.startTicks && !isDead(now);
  };
  const refresh = (): Tracked[] => {
    const snap = scan();
    groups = snap.groups;
    uncertain = snap.uncertain;
    const inScan = new Set<string>();
    for (const m of snap.members) {
      const k = key(m);
      inScan.add(k);
      if (!tracked.has(k)) tracked.set(k, { member: m, cmd: proc.cmdline(m.info.pid) || `[${m.info.comm}]` });
    }
    return [...tracked.entries()].filter(([k, t]) => inScan.has(k) || stillAlive(t)).map(([, t]) => t);
  };
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
  const send = (rung: Rung, targets: Tracked[], everyGroup: boolean): void => {
    const polite = rung.signal !== SIGKILL;
    const SIGCONT = polite ? osSignal('SIGCONT')! : 0;
    const groupSet = new Set(groups);
    const groupsHit = new Set<number>();
    for (const t of targets) {
      const { pgid } = t.member.info;
      if (groupSet.has(pgid)) {
        if (!groupsHit.has(pgid)) {
          groupsHit.add(pgid);
          native().signalGroup(pgid, rung.signal);
          if (polite) native().signalGroup(pgid, SIGCONT);
        }
      } else {
        signalOne(t, rung.signal);
        if (polite) signalOne(t, SIGCONT);
      }
      t.signal = rung.name;
    }
    if (everyGroup) for (const pgid of groups) if (!groupsHit.has(pgid)) native().signalGroup(pgid, rung.signal);
  };

  let alive = refresh();
  // Nothing found, but a young process was caught mid-exec: look again briefly before concluding.
  if (alive.length === 0 && uncertain) await waitFor(() => (alive = refresh()).length > 0 || !uncertain, UNCERTAIN_WAIT_MS);
  try {
    for (const rung of ladder) {
      if (alive.length === 0) break;
      if (rung.signal === SIGKILL) escalated = true;
      send(rung, alive, true);
      const done = await waitFor(() => {
        afterPoll?.();
        alive = refresh();
        const fresh = alive.filter((t) => t.signal === undefined);
        if (fresh.length > 0) send(rung, fresh, false);
        return alive.length === 0 && !uncertain;
      }, rung.waitMs);
      if (done) break;
    }
  } finally {
    for (const t of tracked.values()) if (t.pidfd != null) native().closeFd(t.pidfd);
  }
  const survivors = alive.map(toEnded);
  const survivorPids = new Set(survivors.map((s) => s.pid));
  const ended = [...tracked.values()].filter((t) => t.signal !== undefined && !survivorPids.has(t.member.info.pid)).map(toEnded);
  return { ended, survivors, escalated, durationMs: performance.now() - started, problems: [] };
}
