import type { ProcInfo } from './types.js';

/** Where process facts come from: /proc on Linux, `ps` on macOS. */
export interface ProcSource {
  stat(pid: number): ProcInfo | null;
  /** Every process visible to us. */
  list(): ProcInfo[];
  /** Direct children of pid (every thread's), or [] when unknown. */
  children(pid: number): number[];
  /** Direct children forked by one thread (tid) of pid. */
  childrenOfTask(pid: number, tid: number): number[];
  /**
   * Whether pid names a process (a thread group's leader), not another thread: thread ids come
   * from the same counter, and /proc answers for them when asked by number.
   */
  isProcess(pid: number): boolean;
  /** The raw NUL-separated environment block, or null when unreadable or gone. */
  environ(pid: number): string | null;
  cmdline(pid: number): string;
  /** The most recently allocated pid, or null when the platform cannot tell. */
  lastPid(): number | null;
  /** Clock ticks since boot, comparable with ProcInfo.startTicks. */
  nowTicks(): number;
}
