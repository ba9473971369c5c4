import type { Native, SignalResult } from './types.js';

const ESRCH = 3;
const EPERM = 1;

type Koffi = typeof import('koffi');
type Library = ReturnType<Koffi['load']>;

/** The POSIX calls both platforms share: kill, getpgid and getsid, with errno read right after. */
export function bindPosix(koffi: Koffi, libc: Library): Pick<Native, 'signalPid' | 'signalGroup' | 'getpgid' | 'getsid'> & { outcome: (rc: number) => SignalResult } {
  const kill = libc.func('int kill(int pid, int sig)');
  const getpgid = libc.func('int getpgid(int pid)');
  const getsid = libc.func('int getsid(int pid)');
  // errno must be read right after the call, before anything else can overwrite it.
  const outcome = (rc: number): SignalResult => {
    if (rc === 0) return 'sent';
    return koffi.errno() === EPERM ? 'denied' : 'gone';
  };
  const orNull = (id: number) => (id < 0 ? null : id);
  return {
    outcome,
    signalPid: (pid, signal) => outcome(kill(pid, signal)),
    signalGroup: (pgid, signal) => outcome(kill(-pgid, signal)),
    getpgid: (pid) => orNull(getpgid(pid)),
    getsid: (pid) => orNull(getsid(pid)),
  };
}

export { ESRCH };
