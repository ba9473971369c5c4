import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { estimateNowTicks, readLastPid } from './counters.js';
import { buffer, DENIED, GONE, listDir, readOrDenied, readSmall, unreadable } from './read.js';
import { formatCmdline, parseStat } from './stat.js';
import type { ProcInfo } from './types.js';
import type { ProcSource } from './source.js';

function isPidName(name: string): boolean {
  const c = name.charCodeAt(0);
  return c >= 48 && c <= 57;
}

export const linuxProc: ProcSource = {
  stat(pid) {
    // Denied (another user's process under hidepid): it cannot be shown ours, as if gone. Our
    // own processes' stat is always readable, non-dumpable ones included.
    const text = readOrDenied(`/proc/${pid}/stat`, 1024, null);
    return text === null ? null : parseStat(text);
  },

  list() {
    const out: ProcInfo[] = [];
    for (const pid of this.pids!()) {
      const info = this.stat(pid);
      if (info) out.push(info);
    }
    return out;
  },

  pids() {
    const out: number[] = [];
    for (const name of listDir('/proc') ?? []) if (isPidName(name)) out.push(Number(name));
    return out;
  },

  children(pid) {
    const kids: number[] = [];
    // Children belong to the thread that forked them, so every thread's list is read.
    for (const tid of listDir(`/proc/${pid}/task`) ?? []) kids.push(...this.childrenOfTask(pid, Number(tid)));
    return kids;
  },

  childrenOfTask(pid, tid) {
    const text = readOrDenied(`/proc/${pid}/task/${tid}/children`, buffer.length, null);
    const kids: number[] = [];
    if (text) for (const part of text.split(' ')) if (part) kids.push(Number(part));
    return kids;
  },

  isProcess(pid) {
    const text = readOrDenied(`/proc/${pid}/status`, 4096, null);
    const m = text && /\nTgid:\s*(\d+)/.exec(text);
    // Unreadable or gone: not a thread we can tell apart, and the caller's next read says gone.
    return m ? Number(m[1]) === pid : true;
  },

  signalMasks(pid) {
    const text = readOrDenied(`/proc/${pid}/status`, 4096, null);
    if (!text) return null;
    const mask = (name: string): bigint => {
      const m = new RegExp(`\\n${name}:\\s*([0-9a-f]+)`).exec(text);
      return m ? BigInt(`0x${m[1]}`) : 0n;
    };
    return { pending: mask('ShdPnd') | mask('SigPnd'), ignored: mask('SigIgn'), caught: mask('SigCgt') };
  },

  environ(pid) {
    // Unreadable (a non-dumpable process of ours, or another user's): no token can be shown.
    const path = `/proc/${pid}/environ`;
    const text = readOrDenied(path, buffer.length, null);
    if (text === null || text.length < buffer.length) return text;
    // An environment larger than the buffer (the token, appended last, may be past it).
    try {
      return readFileSync(path, 'latin1');
    } catch (error) {
      if (GONE.has((error as NodeJS.ErrnoException).code ?? '') || DENIED.has((error as NodeJS.ErrnoException).code ?? '')) return null;
      throw unreadable(path, error);
    }
  },

  cmdline(pid) {
    // For reports only: a name is never a reason to fail.
    try {
      const text = readSmall(`/proc/${pid}/cmdline`, 4096);
      return text ? formatCmdline(text) : '';
    } catch {
      return '';
    }
  },

  exe(pid) {
    try {
      return readlinkSync(`/proc/${pid}/exe`);
    } catch {
      return null;
    }
  },

  fdTargets(pid) {
    let names: string[];
    try {
      names = readdirSync(`/proc/${pid}/fd`);
    } catch {
      return null;
    }
    const out: string[] = [];
    for (const name of names) {
      try {
        out.push(readlinkSync(`/proc/${pid}/fd/${name}`));
      } catch {
        // closed meanwhile
      }
    }
    return out;
  },

  netTable(pid, name) {
    // Not the shared buffer: a busy machine's table can be larger than it (read only for leaks).
    try {
      return readFileSync(`/proc/${pid}/net/${name}`, 'latin1');
    } catch {
      return null;
    }
  },

  lastPid: readLastPid,

  nowTicks: estimateNowTicks,
};
