import type { Native, SignalResult } from './types.js';

const ESRCH = 3;
const EPERM = 1;

type Koffi = typeof import('koffi');

// macOS has process groups and sessions but no subreaper and no pidfd: those layers report
// themselves unavailable instead of pretending.
export function createDarwinNative(koffi: Koffi): Native {
  const libc = koffi.load('libSystem.B.dylib');
  const kill = libc.func('int kill(int pid, int sig)');
  const getpgid = libc.func('int getpgid(int pid)');
  const getsid = libc.func('int getsid(int pid)');
  const outcome = (rc: number): SignalResult => {
    if (rc === 0) return 'sent';
    const errno = koffi.errno();
    return errno === EPERM ? 'denied' : errno === ESRCH ? 'gone' : 'gone';
  };
  return {
    platform: 'darwin',
    signalPid: (pid, signal) => outcome(kill(pid, signal)),
    signalGroup: (pgid, signal) => outcome(kill(-pgid, signal)),
    getpgid: (pid) => {
      const pgid = getpgid(pid);
      return pgid < 0 ? null : pgid;
    },
    getsid: (pid) => {
      const sid = getsid(pid);
      return sid < 0 ? null : sid;
    },
    setChildSubreaper: () => false,
    reapChild: () => false,
    pidfdOpen: () => null,
    pidfdSignal: () => 'gone',
    closeFd: () => {},
  };
}
