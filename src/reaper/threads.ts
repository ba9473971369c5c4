import { readdirSync, readlinkSync } from 'node:fs';
import { realTimers } from '../clock.js';
import { WATCHDOG_ENV } from '../ids.js';
import { findEnv, type ProcSource } from '../proc/index.js';

/** The thread this code runs on: children belong to the thread that forked them. */
export function ownTid(): number {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  } catch {
    return process.pid;
  }
}

/** The threads of this process, by id. */
export function threadIds(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return [process.pid];
  }
}

/** Whether an environment is that of a crash watchdog of this process (any thread's). */
export function isOwnWatchdog(environ: string | null): boolean {
  return environ !== null && findEnv(environ, WATCHDOG_ENV) === String(process.pid);
}

/** How long an answer of othersRunCurfew() holds: a few scans share it. */
const ANSWER_MS = 100;
let answer: { at: number; tid: number; others: boolean } | undefined;

/**
 * Whether another thread of this process runs curfew scopes that spawned something: such a
 * thread has a crash watchdog of its own (a child whose environment names this process as its
 * owner, from its first instant; its name comes only once it has started). An orphan without a
 * token, re-parented to this process, may then be that thread's: no time can pin it to ours.
 */
export function othersRunCurfew(proc: ProcSource, tid = ownTid()): boolean {
  const now = realTimers.now();
  if (answer && answer.tid === tid && now - answer.at < ANSWER_MS) return answer.others;
  let others = false;
  for (const thread of threadIds()) {
    if (thread === tid) continue;
    if (proc.childrenOfTask(process.pid, thread).some((pid) => isOwnWatchdog(proc.environ(pid)))) {
      others = true;
      break;
    }
  }
  answer = { at: now, tid, others };
  return others;
}
