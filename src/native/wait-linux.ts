// <sys/wait.h> and siginfo_t's layout for SIGCHLD, the same on x86_64 and aarch64: shared by the
// sweep's reaping (linux.ts) and `curfew run`'s wait for its command (spawn-linux.ts).
export const P_PID = 1;
export const WNOHANG = 1;
export const WEXITED = 4;
export const CLD_EXITED = 1;
export const SIGINFO_BYTES = 128;
export const SIGINFO_CODE_OFFSET = 8;
export const SIGINFO_PID_OFFSET = 16;
export const SIGINFO_STATUS_OFFSET = 24;
export const WAITID = 'int waitid(int idtype, int id, _Out_ uint8_t *infop, int options)';
