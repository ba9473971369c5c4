import type { ProcInfo, SignalMasks } from './types.js';

/** Where process facts come from: /proc on Linux, `ps` on macOS. */
export interface ProcSource {
  stat(pid: number): ProcInfo | null;
  /** Every process visible to us. */
  list(): ProcInfo[];
  /** The pids of every process visible to us, without reading them (where that is cheaper than list()). */
  pids?(): number[];
  /** Direct children of pid (every thread's), or [] when unknown. */
  children(pid: number): number[];
  /** Direct children forked by one thread (tid) of pid. */
  childrenOfTask(pid: number, tid: number): number[];
  /**
   * Whether pid names a process (a thread group's leader), not another thread: thread ids come
   * from the same counter, and /proc answers for them when asked by number.
   */
  isProcess(pid: number): boolean;
  /** Signal masks from /proc/<pid>/status (pending to the process or a thread, ignored, caught), or null. */
  signalMasks(pid: number): SignalMasks | null;
  /** The raw NUL-separated environment block, or null when unreadable or gone. */
  environ(pid: number): string | null;
  /** The command line, or '' when it is empty (a process that is exiting has none left). */
  cmdline(pid: number): string;
  /** The path of the executable (/proc/<pid>/exe), or null when it cannot be read. */
  exe(pid: number): string | null;
  /** Where each open descriptor points (`socket:[123]`, `pipe:[45]`, a path), or null when unreadable. */
  fdTargets(pid: number): string[] | null;
  /** A table of the process's network namespace (tcp, tcp6, udp, udp6), or null. */
  netTable(pid: number, name: 'tcp' | 'tcp6' | 'udp' | 'udp6'): string | null;
  /** The most recently allocated pid, or null when the platform cannot tell. */
  lastPid(): number | null;
  /** Clock ticks since boot, comparable with ProcInfo.startTicks. */
  nowTicks(): number;
}
