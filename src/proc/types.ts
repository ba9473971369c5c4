/** One live (or zombie) process as the kernel reports it. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** Kernel state letter: R, S, D, T, t, Z, X, ... */
  state: string;
  threads: number;
  /** Start time in clock ticks since boot; with the pid, a process identity that survives pid reuse. */
  startTicks: number;
  /** The kernel's short command name, kept for reports when the full command line is gone. */
  comm: string;
  /** A kernel thread: no environment, no parent of ours, never a member. */
  kernel?: boolean;
}

/** A process identity that survives pid reuse: the pid with its start time. */
export function identity(info: ProcInfo): string {
  return `${info.pid}:${info.startTicks}`;
}

/** A zombie whose other threads are gone too: it runs nothing and only waits to be reaped. */
export function isDead(info: ProcInfo): boolean {
  return info.state === 'X' || (info.state === 'Z' && info.threads <= 1);
}
