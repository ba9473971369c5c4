import { readlinkSync } from 'node:fs';

let answer: boolean | undefined;

/**
 * Whether this code runs on the process's main thread, as node:worker_threads' isMainThread
 * says. On Linux the main thread's id is the pid, which /proc/thread-self shows ("<pid>/task/<tid>",
 * when that /proc is of our pid namespace): loading node:worker_threads only to ask would cost a
 * `curfew` start about as much as loading koffi does (measured). Asked once per thread.
 */
export function isMainThread(): boolean {
  if (answer !== undefined) return answer;
  let link = '';
  try {
    if (process.platform === 'linux') link = readlinkSync('/proc/thread-self');
  } catch {
    // no /proc: ask Node
  }
  const [pid, , tid] = link.split('/').map(Number);
  answer = pid === process.pid ? tid === pid : process.getBuiltinModule('node:worker_threads').isMainThread;
  return answer;
}
