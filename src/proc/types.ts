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
  /** Already exiting (in the kernel's do_exit): it ends without a signal, so it is no leak. */
  exiting?: boolean;
}

/** A process identity that survives pid reuse: the pid with its start time. */
export function identity(info: ProcInfo): string {
  return `${info.pid}:${info.startTicks}`;
}

/**
 * On its way out: the kernel is ending it, or its main thread has exited while others finish
 * (a zombie leader with threads left). Nothing needs to signal it, and it is no leak.
 */
export function isExiting(info: ProcInfo): boolean {
  return info.exiting === true || (info.state === 'Z' && info.threads > 1);
}

/** A zombie whose other threads are gone too: it runs nothing and only waits to be reaped. */
export function isDead(info: ProcInfo): boolean {
  return info.state === 'X' || (info.state === 'Z' && info.threads <= 1);
}

/** Signal masks of a process (bit n-1 stands for signal n). */
export interface SignalMasks {
  /** Pending to the whole process (ShdPnd) or to its main thread (SigPnd). */
  pending: bigint;
  ignored: bigint;
  caught: bigint;
}

// Signals whose default action ends the process: HUP, INT, QUIT, KILL, USR1, USR2, PIPE, ALRM, TERM.
const FATAL_BY_DEFAULT = [1, 2, 3, 9, 10, 12, 13, 14, 15].reduce((mask, n) => mask | (1n << BigInt(n - 1)), 0n);

/** A signal that ends it is pending and it has no handler for it: it is about to exit by itself. */
export function dyingBySignal(masks: SignalMasks): boolean {
  return (masks.pending & FATAL_BY_DEFAULT & ~masks.ignored & ~masks.caught) !== 0n;
}
