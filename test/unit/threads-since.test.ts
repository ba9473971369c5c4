import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
// Internal module: which pids a scope's fast path may pass over, on the real /proc. Exact pids
// (a thread's own id, a child's), so that other processes on the machine cannot change the answer.
import { getProc } from '../../dist/proc/index.js';
import { onlyThreadsSince } from '../../dist/proc/threads-since.js';

const started: { kill(): unknown }[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) s.kill();
});

// A worker thread that reports its own thread id (its pid-counter slot) and stays until ended.
async function workerThread(): Promise<{ tid: number; worker: Worker }> {
  const worker = new Worker(`require('node:worker_threads').parentPort.postMessage(require('node:fs').readlinkSync('/proc/thread-self')); setInterval(() => {}, 1000);`, { eval: true });
  started.push({ kill: () => worker.terminate() });
  const link = await new Promise<string>((resolve, reject) => worker.once('message', resolve).once('error', reject));
  return { tid: Number(link.split('/').at(-1)), worker };
}

describe.runIf(process.platform === 'linux')('a pid counter that moved only for threads', () => {
  it('passes over a running thread of another or this process', async () => {
    const { tid } = await workerThread();
    expect(tid).not.toBe(process.pid);
    expect(onlyThreadsSince(getProc(), tid - 1, tid)).toBe(true);
  });

  it('stops at a process: a running child, a process leader, one that has exited, or an unknown counter', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    started.push(child);
    await new Promise((resolve) => child.once('spawn', resolve));
    expect(onlyThreadsSince(getProc(), child.pid! - 1, child.pid!)).toBe(false);
    expect(onlyThreadsSince(getProc(), process.pid - 1, process.pid)).toBe(false);
    const done = spawn('true', { stdio: 'ignore' });
    await new Promise((resolve) => done.once('exit', resolve));
    // Gone, or never a process we could see: not known to be a thread.
    expect(onlyThreadsSince(getProc(), done.pid! - 1, done.pid!)).toBe(false);
    // Nothing new at all is the old fast path; a counter that wrapped or ran far is the scan's.
    expect(onlyThreadsSince(getProc(), 100, 100)).toBe(true);
    expect(onlyThreadsSince(getProc(), 100, 99)).toBe(false);
    expect(onlyThreadsSince(getProc(), 100, 1000)).toBe(false);
  });
});
