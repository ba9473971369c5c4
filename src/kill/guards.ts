import { getNative } from '../native/index.js';
import type { ProcSource } from '../proc/index.js';

// Who we are, read once: the guards compare against it on every signal.
export interface Self {
  pid: number;
  pgid: number;
  sid: number;
}

/**
 * A pid we may signal one by one. Never pid <= 1 (0 and -1 mean "my group" and "everyone" to
 * kill(2), 1 is init), never ourselves, never one of our ancestors (which could carry a token
 * inherited from a supervisor).
 */
export function maySignalPid(pid: number, self: Self, ancestors: ReadonlySet<number>): boolean {
  return Number.isInteger(pid) && pid > 1 && pid !== self.pid && !ancestors.has(pid);
}

/**
 * A group we may signal as a whole. Never pgid <= 1, never our own group or session (that would
 * signal ourselves and the test runner around us).
 */
export function maySignalGroup(pgid: number, self: Self): boolean {
  return Number.isInteger(pgid) && pgid > 1 && pgid !== self.pgid && pgid !== self.sid;
}

/**
 * A pgid is only a name: once every member is gone and the leader reaped, the kernel may hand
 * the number to an unrelated process that then leads its own group. So a group is only ours
 * while its leader is still the process we started (same pid and start time: not yet reaped),
 * or while a member is proven ours by other means (a token, or descent from us).
 */
export function groupStillOurs(pgid: number, leaderStart: number, proc: ProcSource, provenMemberOf: (pgid: number) => boolean): boolean {
  const leader = proc.stat(pgid);
  if (leader && leader.startTicks === leaderStart && leader.pgid === pgid) return true;
  return provenMemberOf(pgid);
}

/** Our pid, group and session: from /proc without loading the FFI, elsewhere from libc. */
export function readSelf(proc: ProcSource): Self {
  const pid = process.pid;
  const stat = process.platform === 'linux' ? proc.stat(pid) : null;
  const native = stat ? undefined : getNative();
  return { pid, pgid: stat?.pgid ?? native?.getpgid(0) ?? pid, sid: stat?.sid ?? native?.getsid(0) ?? pid };
}

/** Our ancestors, read fresh: re-parenting can change them. */
export function readAncestors(self: Self, proc: ProcSource): Set<number> {
  const out = new Set<number>();
  let pid = proc.stat(self.pid)?.ppid ?? 0;
  while (pid > 1 && !out.has(pid)) {
    out.add(pid);
    pid = proc.stat(pid)?.ppid ?? 0;
  }
  return out;
}
