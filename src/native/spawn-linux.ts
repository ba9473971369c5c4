import type { ChildExit, SessionSpawn } from './types.js';
import { CLD_EXITED, P_PID, SIGINFO_BYTES, SIGINFO_CODE_OFFSET, SIGINFO_STATUS_OFFSET, WAITID, WEXITED } from './wait-linux.js';

// Starting a command with node:child_process cost `curfew run` more than anything else it does:
// ~9 ms to load the module and ~8 ms for libuv's fork() of a Node-sized process, whose page
// tables the kernel copies and then tears down again at exec (measured on the 2-core VM, bench 8).
// posix_spawn() shares the memory instead (glibc and musl use CLONE_VFORK): ~1 ms.

// <spawn.h>, the same in glibc and musl.
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const POSIX_SPAWN_SETSID = 0x80;
// Generous upper bounds of posix_spawnattr_t (336 bytes in glibc) and sigset_t (128).
const ATTR_BYTES = 1024;
const SIGSET_BYTES = 128;
// <fcntl.h> and <errno.h>.
const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;
const ENOEXEC = 8;

type Library = ReturnType<typeof import('koffi')['load']>;

/** posix_spawnp() of a session leader and a waitid() off the main thread, or undefined where libc refuses the attributes. */
export function bindSessionSpawn(libc: Library): SessionSpawn | undefined {
  const spawnp = libc.func('int posix_spawnp(_Out_ int *pid, const char *file, void *actions, void *attr, const char **argv, const char **envp)');
  const attrInit = libc.func('int posix_spawnattr_init(void *attr)');
  const attrSetFlags = libc.func('int posix_spawnattr_setflags(void *attr, short flags)');
  const attrSetSigDefault = libc.func('int posix_spawnattr_setsigdefault(void *attr, void *set)');
  const attrSetSigMask = libc.func('int posix_spawnattr_setsigmask(void *attr, void *set)');
  const fcntl = libc.func('int fcntl(int fd, int cmd, ...)');
  const waitid = libc.func(WAITID);

  // What libuv does in a child before exec: every signal back to its default (Node ignores
  // SIGPIPE, which a command would otherwise inherit) and none blocked. SETSID needs glibc 2.26.
  const attr = Buffer.alloc(ATTR_BYTES);
  // Both signal sets are written directly (bit n - 1 for signal n, as sigset_t is on Linux): an
  // empty one is all zeros, and the full one has signals 1 to 64. sigfillset() would leave out
  // glibc's two internal signals (32 and 33), which its posix_spawn() then sets to SIG_IGN in the
  // child, and an ignored signal stays ignored across exec. Safe to reset: the child has every
  // signal blocked until it execs.
  const none = Buffer.alloc(SIGSET_BYTES);
  const all = Buffer.alloc(SIGSET_BYTES).fill(0xff, 0, 8);
  if (attrInit(attr) !== 0) return undefined;
  if (attrSetSigDefault(attr, all) !== 0 || attrSetSigMask(attr, none) !== 0) return undefined;
  if (attrSetFlags(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID) !== 0) return undefined;

  // Node marks its stdio close-on-exec (libuv passes them on by dup2 in its child): the command
  // inherits them only once the flag is off.
  const inheritStdio = () => {
    for (const fd of [0, 1, 2]) {
      const flags = fcntl(fd, F_GETFD) as number;
      if (flags >= 0 && flags & FD_CLOEXEC) fcntl(fd, F_SETFD, 'int', flags & ~FD_CLOEXEC);
    }
  };

  const spawnOnce = (argv: string[], env: string[]) => {
    const pid = [0];
    const errno = spawnp(pid, argv[0], null, attr, [...argv, null], [...env, null]) as number;
    return { pid: pid[0], errno };
  };

  return {
    spawnSession(argv, env, resolve) {
      inheritStdio();
      let started = spawnOnce(argv, env);
      // execvp() runs a file without a #! line with /bin/sh, as shells and Node do; posix_spawnp() does not.
      if (started.errno === ENOEXEC) started = spawnOnce(['/bin/sh', resolve(argv[0]), ...argv.slice(1)], env);
      return started.errno === 0 ? { pid: started.pid } : { errno: started.errno };
    },
    waitExit(pid) {
      const info = Buffer.alloc(SIGINFO_BYTES);
      return new Promise<ChildExit>((resolve, reject) => {
        // Blocks a thread of libuv's pool until the command exits, and reaps it there.
        waitid.async(P_PID, pid, info, WEXITED, (error: unknown, rc: number) => {
          if (error || rc !== 0) return reject(error ?? new Error(`waitid(${pid}) failed`));
          const code = info.readInt32LE(SIGINFO_CODE_OFFSET);
          const status = info.readInt32LE(SIGINFO_STATUS_OFFSET);
          resolve(code === CLD_EXITED ? { code: status, signal: null } : { code: null, signal: status });
        });
      });
    },
  };
}
