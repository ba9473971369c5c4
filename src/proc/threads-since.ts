import type { ProcSource } from './source.js';

/**
 * Past this many new pids, the scan decides: the check is for the few ids that threads starting
 * elsewhere take (a runner's next worker thread), not for a busy machine.
 */
const MAX_CHECKED = 16;

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
    // /proc/<tid>/stat counts the whole group's threads; only a group of several has other ids.
    const info = proc.stat(pid);
    if (!info || info.threads <= 1 || proc.isProcess(pid)) return false;
  }
  return true;
}
