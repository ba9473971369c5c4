import { closeSync, mkdtempSync, openSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
// Internal: the pid counter's descriptor, shared with worker threads (the Vitest plugin hands it over).
import { readLastPid, sharedLoadavgFd } from '../../dist/proc/counters.js';

const COUNTERS = new URL('../../dist/proc/counters.js', import.meta.url).href;

// A worker thread adopts `shared` and reads the counter: what its readLastPid() returns, and
// what its own sharedLoadavgFd() says.
async function readInWorker(shared: unknown): Promise<{ lastPid: number | null; own: unknown }> {
  const source = `import { parentPort, workerData } from 'node:worker_threads';
const { adoptLoadavgFd, readLastPid, sharedLoadavgFd } = await import(${JSON.stringify(COUNTERS)});
adoptLoadavgFd(workerData);
parentPort.postMessage({ lastPid: readLastPid(), own: sharedLoadavgFd() });`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), { workerData: shared });
  // The worker ends by itself once it has posted: terminate() while a worker's module is still
  // finishing crashed the whole test process with SIGTRAP on Node 22.12 (CI, once in a full run).
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  try {
    return await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await exited;
  }
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanup) undo();
  cleanup = [];
});

describe('the pid counter on worker threads', () => {
  it("the main thread hands out its kept /proc/loadavg descriptor; a worker thread has none of its own to hand out", async () => {
    const shared = sharedLoadavgFd();
    expect(shared?.pid).toBe(process.pid);
    expect(readlinkSync(`/proc/self/fd/${shared!.fd}`)).toBe('/proc/loadavg');
    expect(sharedLoadavgFd()).toEqual(shared); // the same descriptor, kept
    const before = readLastPid()!;
    const { lastPid, own } = await readInWorker(shared);
    expect(own).toBeNull();
    expect(lastPid).toBeGreaterThanOrEqual(before);
  });

  it('a worker thread refuses a descriptor that is not /proc/loadavg, or is from another process, and reads the counter itself', async () => {
    // A file that reads like /proc/loadavg with a pid counter of 1: read through it, the counter would go back.
    const dir = mkdtempSync(join(tmpdir(), 'curfew-loadavg-'));
    const file = join(dir, 'loadavg');
    writeFileSync(file, '0.00 0.00 0.00 1/1 1\n');
    const fd = openSync(file, 'r');
    cleanup.push(() => {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    });
    const before = readLastPid()!;
    expect((await readInWorker({ pid: process.pid, fd })).lastPid).toBeGreaterThanOrEqual(before);
    const shared = sharedLoadavgFd()!;
    expect((await readInWorker({ pid: process.pid + 1, fd: shared.fd })).lastPid).toBeGreaterThanOrEqual(before);
    expect((await readInWorker(undefined)).lastPid).toBeGreaterThanOrEqual(before);
  });
});
