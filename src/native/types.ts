/** What a signal call did: delivered, nobody there (ESRCH), or not allowed (EPERM). */
export type SignalResult = 'sent' | 'gone' | 'denied';

/** The platform interface. Everything that calls libc goes through one of these. */
export interface Native {
  readonly platform: 'linux' | 'darwin';
  /** kill(pid, sig) for one process. */
  signalPid(pid: number, signal: number): SignalResult;
  /** kill(-pgid, sig) for a whole process group. */
  signalGroup(pgid: number, signal: number): SignalResult;
  /** getpgid(pid); null when the process is gone. */
  getpgid(pid: number): number | null;
  /** getsid(pid); null when the process is gone. */
  getsid(pid: number): number | null;
  /** prctl(PR_SET_CHILD_SUBREAPER); false where the platform has no such thing. */
  setChildSubreaper(): boolean;
  /** waitid(P_PID, pid, WEXITED | WNOHANG): true when a dead child was reaped. */
  reapChild(pid: number): boolean;
  /** pidfd_open(pid); null where unsupported or the process is gone. */
  pidfdOpen(pid: number): number | null;
  /** pidfd_send_signal(fd, sig): immune to pid reuse. */
  pidfdSignal(fd: number, signal: number): SignalResult;
  closeFd(fd: number): void;
}

/** How a child ended: its exit code, or the number of the signal that killed it. */
export interface ChildExit {
  code: number | null;
  signal: number | null;
}

export interface SessionSpawn {
  /**
   * posix_spawnp(argv) as the leader of a new session and process group, with this process's
   * stdio, signals at their defaults and env as its whole environment (the file is looked up on
   * this process's PATH). `resolve` gives the file's path for a retry through /bin/sh when it has
   * no #! line. The child's pid, or the errno that kept it from starting.
   */
  spawnSession(argv: string[], env: string[], resolve: (file: string) => string): { pid: number } | { errno: number };
  /** Waits for the child off the main thread and reaps it. */
  waitExit(pid: number): Promise<ChildExit>;
}
