import { closeSync, openSync, readlinkSync, readvSync } from 'node:fs';
import { buffer, readOrDenied } from './read.js';
import { isMainThread } from '../main-thread.js';

// USER_HZ: the unit of start times in /proc/<pid>/stat (100 on every Linux that Node runs on).
const TICKS_PER_SECOND = 100;
let uptimeAt: { ticks: number; at: number } | undefined;

// The pid counter's read goes through readvSync with this array made once: readSync validates
// its arguments through wrappers that allocate ~250 bytes a call, readvSync ~40 (measured). A
// read per test adds up in a test worker's young generation.
const LOADAVG_VIEW = [buffer.subarray(0, 256)];

// The pid counter is read once per test by the runner integrations (when its scope closes);
// open/read/read/close made it most of their per-test cost. On the main thread the file stays
// open and one pread from offset 0 regenerates it. A worker thread does not open one of its own:
// a worker can be terminated without running any code, and would leak the descriptor. It may
// read through the main thread's instead, when that is handed to it (adoptLoadavgFd).
let loadavgFd: number | null | undefined;
function readLoadavgFd(): number | null {
  if (loadavgFd === undefined) {
    loadavgFd = null;
    try {
      if (isMainThread()) loadavgFd = openSync('/proc/loadavg', 'r');
    } catch {
      // No descriptor kept: each read opens the file (and says why if that fails too).
    }
  }
  return loadavgFd;
}

/** A process's main-thread descriptor of /proc/loadavg, for its worker threads to adopt; null elsewhere. */
export interface SharedLoadavg {
  pid: number;
  fd: number;
}

/** The main thread's kept descriptor (opened now if need be), or null on a worker thread or when there is none. */
export function sharedLoadavgFd(): SharedLoadavg | null {
  const fd = isMainThread() ? readLoadavgFd() : null;
  return fd === null ? null : { pid: process.pid, fd };
}

/**
 * A worker thread reads the pid counter through its main thread's descriptor, handed over by the
 * runner's main process (the Vitest plugin provides it to its setup file): the main thread keeps
 * it open for the process's life, so a terminated worker leaks nothing, and each test saves an
 * open and a close, most of what the read costs on a worker thread. Taken only in the process
 * that made it (a forked worker's descriptor of that number is another file), and only while it
 * is /proc/loadavg.
 */
export function adoptLoadavgFd(shared: SharedLoadavg | null | undefined): void {
  if (!shared || shared.pid !== process.pid || loadavgFd === shared.fd || isMainThread()) return;
  try {
    if (readlinkSync(`/proc/self/fd/${shared.fd}`) === '/proc/loadavg') loadavgFd = shared.fd;
  } catch {
    // Not ours to read: each read opens the file, as before.
  }
}

/**
 * A worker thread that lives as long as its pool (a Jest worker) keeps a descriptor of its own:
 * open, read, close once per test was ~28 µs of the ~45 µs a test cost curfew there (measured,
 * Jest workerThreads, 2000 tests). Closed when the thread exits; a thread terminated before its
 * exit handlers run leaves it open, one per terminated worker (Jest replaces a worker only past
 * workerIdleMemoryLimit, and terminates the rest as the run ends), so pools that terminate a
 * worker per task must not call this.
 */
export function keepLoadavgFd(): void {
  if (isMainThread() || (loadavgFd !== undefined && loadavgFd !== null)) return;
  try {
    const fd = openSync('/proc/loadavg', 'r');
    loadavgFd = fd;
    process.once('exit', () => {
      if (loadavgFd !== fd) return;
      loadavgFd = null;
      closeSync(fd);
    });
  } catch {
    // No descriptor kept: each read opens the file, as before.
  }
}

/** The last field of /proc/loadavg ("... 1/83 16430\n"), parsed from the bytes: no string per read. */
function lastPidFromBuffer(length: number): number | null {
  let end = length;
  while (end > 0 && !isDigit(buffer[end - 1])) end--;
  let value = 0;
  let scale = 1;
  let at = end - 1;
  for (; at >= 0 && isDigit(buffer[at]); at--, scale *= 10) value += (buffer[at] - 48) * scale;
  return at < end - 1 ? value : null;
}

function isDigit(byte: number): boolean {
  return byte >= 48 && byte <= 57;
}

/** The last pid the kernel handed out (the last field of /proc/loadavg), or null when it cannot be read. */
export function readLastPid(): number | null {
  const fd = readLoadavgFd();
  let length: number | null = null;
  if (fd !== null) {
    try {
      length = readvSync(fd, LOADAVG_VIEW, 0);
    } catch {
      // Read again below, by opening the file.
    }
  }
  if (length === null) {
    try {
      length = readOnce();
    } catch {
      // Cannot tell: the callers then take the slow path, whose reads say why.
    }
  }
  return length === null ? null : lastPidFromBuffer(length);
}

// A worker thread's read, once per test: open, one readv, close. The whole line comes in one read
// (the kernel makes it at once, and it is far shorter than the view), so the readSync loop to
// the end of the file (a second read, and readSync's allocations, twice) is not needed here.
function readOnce(): number {
  const fd = openSync('/proc/loadavg', 'r');
  try {
    return readvSync(fd, LOADAVG_VIEW, 0);
  } finally {
    closeSync(fd);
  }
}

/** Clock ticks since boot, now: an estimate that is never late. */
export function estimateNowTicks(): number {
  // /proc/uptime is read once and extrapolated with the monotonic clock, which never runs ahead
  // of the boot clock: the estimate can only be early, so no process started after it is
  // mistaken for an older one (one scope per test makes this read worth saving). The clock is
  // process.uptime(): the same monotonic clock as performance.now(), at a quarter of its cost
  // when cold, as in code that runs once per test (~0.9 against ~3.5 µs, measured).
  if (uptimeAt === undefined) {
    const text = readOrDenied('/proc/uptime', 256, null);
    uptimeAt = { ticks: text ? Number.parseFloat(text) * TICKS_PER_SECOND : 0, at: process.uptime() };
  }
  return Math.max(0, Math.floor(uptimeAt.ticks + (process.uptime() - uptimeAt.at) * TICKS_PER_SECOND) - 1);
}
