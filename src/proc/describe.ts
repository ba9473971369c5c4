import { listeningIn, socketInodes } from './ports.js';
import type { ProcSource } from './source.js';
import type { ProcInfo } from './types.js';

/** What a report shows of a process: a command a user can act on, and where it listens. */
export interface Description {
  cmd: string;
  /** `127.0.0.1:5173/tcp`, `[::]:53/udp`; empty when it listens on nothing (or it cannot be read). */
  listening: string[];
}

const TABLES = [
  ['tcp', 'tcp'],
  ['tcp6', 'tcp'],
  ['udp', 'udp'],
  ['udp6', 'udp'],
] as const;

/**
 * The command line; where it is empty (a process that is exiting has released it, and the
 * kernel's name for it is only a thread name such as `MainThread`), the executable, saying so.
 */
export function commandOf(proc: ProcSource, info: ProcInfo): string {
  const cmd = proc.cmdline(info.pid);
  if (cmd) return cmd;
  const exe = proc.exe(info.pid);
  const name = info.comm ? ` [${info.comm}]` : '';
  if (exe) return `${exe}${name} (executable; its command line is empty)`;
  return `${name.trim() || `pid ${info.pid}`} (its command line and executable could not be read)`;
}

/** The TCP and UDP addresses the process listens on, from its sockets and its namespace's tables. */
export function listeningOf(proc: ProcSource, pid: number): string[] {
  const targets = proc.fdTargets(pid);
  if (!targets) return [];
  const inodes = socketInodes(targets);
  if (inodes.size === 0) return [];
  const out: string[] = [];
  for (const [table, protocol] of TABLES) {
    const text = proc.netTable(pid, table);
    if (text) out.push(...listeningIn(text, inodes, protocol));
  }
  return out;
}

export function describeProcess(proc: ProcSource, info: ProcInfo): Description {
  return { cmd: commandOf(proc, info), listening: listeningOf(proc, info.pid) };
}
