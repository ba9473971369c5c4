import { closeSync, openSync, readdirSync, readSync, readvSync } from 'node:fs';
import { formatCmdline, parseStat } from './stat.js';
import type { ProcInfo } from './types.js';
import type { ProcSource } from './source.js';

// USER_HZ: the unit of start times in /proc/<pid>/stat (100 on every Linux that Node runs on).
const TICKS_PER_SECOND = 100;
let uptimeAt: { ticks: number; at: number } | undefined;

// One buffer reused for every read: a scan touches hundreds of small files, and allocating
// per file doubles its cost.
const buffer = Buffer.alloc(64 * 1024);
// The pid counter's read goes through readvSync with this array made once: readSync validates
// its arguments through wrappers that allocate ~250 bytes a call, readvSync ~40 (measured). A
// read per test adds up in a test worker's young generation.
const LOADAVG_VIEW = [buffer.subarray(0, 256)];

// A vanished pid is not an error: it means "gone", which is what a cleanup hopes to see.
function readSmall(path: string, limit = buffer.length): string | null {
  const length = readSmallBytes(path, limit);
  return length === null ? null : buffer.toString('latin1', 0, length);
}

/** Reads a small file into `buffer`; the number of bytes read, or null when unreadable or gone. */
function readSmallBytes(path: string, limit: number): number | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    let total = 0;
    for (;;) {
      const n = readSync(fd, buffer, total, limit - total, null);
      total += n;
      if (n === 0 || total >= limit) break;
    }
    return total;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

// The pid counter is read once per test by the runner integrations (when its scope closes);
// open/read/read/close made it most of their per-test cost. On the main thread the file stays
// open and one pread from offset 0 regenerates it. Not on worker threads: a worker can be
// terminated without running any code, and would leak the descriptor.
let loadavgFd: number | null | undefined;
function readLoadavgFd(): number | null {
  if (loadavgFd === undefined) {
    loadavgFd = null;
    try {
      if (process.getBuiltinModule('node:worker_threads').isMainThread) loadavgFd = openSync('/proc/loadavg', 'r');
    } catch {}
  }
  return loadavgFd;
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

function isPidName(name: string): boolean {
  const c = name.charCodeAt(0);
  return c >= 48 && c <= 57;
}

export const linuxProc: ProcSource = {
  stat(pid) {
    const text = readSmall(`/proc/${pid}/stat`, 1024);
    return text === null ? null : parseStat(text);
  },

  list() {
    const out: ProcInfo[] = [];
    for (const name of readdirSync('/proc')) {
      if (!isPidName(name)) continue;
      const info = this.stat(Number(name));
      if (info) out.push(info);
    }
    return out;
  },

  children(pid) {
    const kids: number[] = [];
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      return kids;
    }
    // Children belong to the thread that forked them, so every thread's list is read.
    for (const tid of tasks) kids.push(...this.childrenOfTask(pid, Number(tid)));
    return kids;
  },

  childrenOfTask(pid, tid) {
    const text = readSmall(`/proc/${pid}/task/${tid}/children`);
    const kids: number[] = [];
    if (text) for (const part of text.split(' ')) if (part) kids.push(Number(part));
    return kids;
  },

  isProcess(pid) {
    const text = readSmall(`/proc/${pid}/status`, 4096);
    const m = text && /\nTgid:\s*(\d+)/.exec(text);
    // Unreadable or gone: not a thread we can tell apart, and the caller's next read says gone.
    return m ? Number(m[1]) === pid : true;
  },

  environ(pid) {
    return readSmall(`/proc/${pid}/environ`);
  },

  cmdline(pid) {
    const text = readSmall(`/proc/${pid}/cmdline`, 4096);
    if (text) return formatCmdline(text);
    const stat = readSmall(`/proc/${pid}/stat`, 1024);
    const m = stat && /\((.*)\)/.exec(stat);
    return m ? `[${m[1]}]` : '';
  },

  lastPid() {
    const fd = readLoadavgFd();
    let length: number | null = null;
    if (fd !== null) {
      try {
        length = readvSync(fd, LOADAVG_VIEW, 0);
      } catch {}
    }
    length ??= readSmallBytes('/proc/loadavg', 256);
    return length === null ? null : lastPidFromBuffer(length);
  },

  nowTicks() {
    // /proc/uptime is read once and extrapolated with the monotonic clock, which never runs ahead
    // of the boot clock: the estimate can only be early, so no process started after it is
    // mistaken for an older one (one scope per test makes this read worth saving). The clock is
    // process.uptime(): the same monotonic clock as performance.now(), at a quarter of its cost
    // when cold, as in code that runs once per test (~0.9 against ~3.5 µs, measured).
    if (uptimeAt === undefined) {
      const text = readSmall('/proc/uptime', 256);
      uptimeAt = { ticks: text ? Number.parseFloat(text) * TICKS_PER_SECOND : 0, at: process.uptime() };
    }
    return Math.max(0, Math.floor(uptimeAt.ticks + (process.uptime() - uptimeAt.at) * TICKS_PER_SECOND) - 1);
  },
};
