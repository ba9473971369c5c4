import { bindPosix, ESRCH } from './common.js';
import type { Native } from './types.js';
import { P_PID, SIGINFO_BYTES, SIGINFO_PID_OFFSET, WAITID, WEXITED, WNOHANG } from './wait-linux.js';

// Linux constants from <sys/prctl.h> and the x86_64/aarch64 syscall tables.
const PR_SET_CHILD_SUBREAPER = 36;
const SYS_PIDFD_OPEN = 434;
const SYS_PIDFD_SEND_SIGNAL = 424;

type Koffi = typeof import('koffi');

export function createLinuxNative(koffi: Koffi): Native {
  const libc = koffi.load('libc.so.6');
  const { outcome, ...posix } = bindPosix(koffi, libc);
  const prctl = libc.func('int prctl(int option, ...)');
  const waitid = libc.func(WAITID);
  const syscall = libc.func('long syscall(long number, ...)');
  const close = libc.func('int close(int fd)');
  const siginfo = Buffer.alloc(SIGINFO_BYTES);
  let pidfdWorks = true;

  return {
    platform: 'linux',
    ...posix,
    setChildSubreaper: () => prctl(PR_SET_CHILD_SUBREAPER, 'unsigned long', 1, 'unsigned long', 0, 'unsigned long', 0, 'unsigned long', 0) === 0,
    reapChild: (pid) => {
      siginfo.fill(0);
      const rc = waitid(P_PID, pid, siginfo, WEXITED | WNOHANG);
      // With WNOHANG, si_pid stays 0 when the child is still running.
      return rc === 0 && siginfo.readInt32LE(SIGINFO_PID_OFFSET) === pid;
    },
    pidfdOpen: (pid) => {
      if (!pidfdWorks) return null;
      const fd = Number(syscall(SYS_PIDFD_OPEN, 'int', pid, 'unsigned int', 0));
      if (fd >= 0) return fd;
      if (koffi.errno() !== ESRCH) pidfdWorks = false; // ENOSYS on kernels before 5.3
      return null;
    },
    pidfdSignal: (fd, signal) => outcome(Number(syscall(SYS_PIDFD_SEND_SIGNAL, 'int', fd, 'int', signal, 'void *', null, 'unsigned int', 0))),
    closeFd: (fd) => {
      close(fd);
    },
  };
}
