import type { ProcSource } from './source.js';
import type { ProcInfo } from './types.js';

/**
 * Past this many new pids, the scan decides: the check is for the few ids that threads starting
 * elsewhere take (a runner's next worker thread), not for a busy machine.
 */
const MAX_CHECKED = 16;

/**
 * Whether a pid's stat is its process's own, not one of its threads' (a thread's id answers in
 * /proc when asked by number). Only a group of several threads has other ids, so only then is the
 * status read.
 */
export function leadsGroup(proc: ProcSource, info: ProcInfo): boolean {
  return info.threads <= 1 || proc.isProcess(info.pid);
}

/**
 * Whether every pid handed out after `from`, up to `to`, is a thread of a running process. Linux
 * gives threads their ids from the same counter as processes, so a runner that starts a worker
 * thread for its next test file moves the counter while this file's tests run; when nothing else
 * moved it, no process was started, and a scope that started nothing needs no scan. A pid that is
 * gone or cannot be read is not known to be a thread (it may be a process being forked, which
 * shows in /proc only after its pid is taken): then the scan decides, as before.
 */
export function onlyThreadsSince(proc: ProcSource, from: number, to: number): boolean {
  if (to === from) return true;
  if (to < from || to - from > MAX_CHECKED) return false;
  for (let pid = from + 1; pid <= to; pid++) {
    const info = proc.stat(pid);
    if (!info || leadsGroup(proc, info)) return false;
  }
  return true;
}
