import { bindPosix, ESRCH } from './common.js';
import { bindSessionSpawn } from './spawn-linux.js';
import type { Native, SessionSpawn } from './types.js';

// Linux constants from <sys/prctl.h>, <sys/wait.h> and the x86_64/aarch64 syscall tables.
const PR_SET_CHILD_SUBREAPER = 36;
const P_PID = 1;
const WNOHANG = 1;
const WEXITED = 4;
const SYS_PIDFD_OPEN = 434;
const SYS_PIDFD_SEND_SIGNAL = 424;
const SIGINFO_BYTES = 128;
const SIGINFO_PID_OFFSET = 16;

type Koffi = typeof import('koffi');

export function createLinuxNative(koffi: Koffi): Native {
  const libc = koffi.load('libc.so.6');
  const { outcome, ...posix } = bindPosix(koffi, libc);
  const prctl = libc.func('int prctl(int option, ...)');
  const waitid = libc.func('int waitid(int idtype, int id, _Out_ uint8_t *infop, int options)');
  const syscall = libc.func('long syscall(long number, ...)');
  const close = libc.func('int close(int fd)');
  const siginfo = Buffer.alloc(SIGINFO_BYTES);
  let pidfdWorks = true;
  // Bound on first use: only `curfew run` starts a command this way.
  let sessionSpawn: SessionSpawn | undefined | null = null;

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
    get sessionSpawn() {
      if (sessionSpawn === null) sessionSpawn = bindSessionSpawn(koffi, libc);
      return sessionSpawn;
    },
  };
}
