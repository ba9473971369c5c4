import type { ProcInfo } from './types.js';

// /proc/<pid>/stat: "pid (comm) state ppid pgrp session tty tpgid flags ... num_threads(20) ... starttime(22)".
// comm may contain spaces and parentheses, so fields are counted after the last ')'.
const PF_KTHREAD = 0x00200000;
// Set on a task once it is in do_exit(): it is on its way out and needs no signal.
const PF_EXITING = 0x00000004;
export function parseStat(text: string): ProcInfo | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text.slice(close + 2).split(' ');
  if (fields.length < 20) return null;
  return {
    pid: Number.parseInt(text, 10),
    state: fields[0],
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    sid: Number(fields[3]),
    threads: Number(fields[17]),
    startTicks: Number(fields[19]),
    kernel: (Number(fields[6]) & PF_KTHREAD) !== 0,
    exiting: (Number(fields[6]) & PF_EXITING) !== 0,
    comm: text.slice(text.indexOf('(') + 1, close),
  };
}

/** The value of one variable in a NUL-separated environment block, or null. */
export function findEnv(block: string, name: string): string | null {
  const key = `${name}=`;
  let at = block.startsWith(key) ? 0 : block.indexOf(`\0${key}`);
  if (at < 0) return null;
  if (at > 0) at += 1;
  const end = block.indexOf('\0', at);
  return block.slice(at + key.length, end < 0 ? undefined : end);
}

/** A NUL-separated argv as one readable line. */
export function formatCmdline(block: string): string {
  return block.replace(/\0+$/, '').replaceAll('\0', ' ');
}
