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
