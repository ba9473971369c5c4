import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describePids, isAlive, MARKER_ENV, newMarker, survivors, waitUntil, withVariable } from '../helpers/processes.js';
import { track, useCleanup } from '../helpers/cleanup.js';

useCleanup();

// Scopes on worker threads: the child-subreaper layer is the process's, so a daemon that both
// scrubs its environment and leaves the group lands on the main thread, which runs no curfew
// code here (a pool's host). A thread's scope ends it when no other thread could have started
// it; while another thread runs curfew, it must not end what may be that thread's live helper.
const driver = fileURLToPath(new URL('../drivers/thread-scopes.mjs', import.meta.url));

function start(workers: string[][], marker: string) {
  const child = nodeSpawn(process.execPath, [driver, ...workers.map((w) => w.join(','))], { env: { ...process.env, [MARKER_ENV]: marker }, stdio: ['pipe', 'pipe', 'inherit'] });
  track([child.pid!], marker);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async <T>() => JSON.parse((await lines.next()).value as string) as T;
  const send = (line: string) => child.stdin!.write(`${line}\n`);
  return { child, next, send };
}

// The driver's crash watchdog carries the driver's environment (the marker too) and sweeps after
// it dies: wait for it, so the cleanup after the test ends only leftovers, never the sweeper.
async function stop(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.stdin!.end();
  child.kill('SIGKILL');
  await exited;
  await waitUntil(() => withVariable('CURFEW_WATCHDOG', String(child.pid)).length === 0, 10_000);
}

describe('scopes on worker threads', () => {
  it("a scope's teardown ends the env-scrubbed setsid daemon its worker thread started", async () => {
    const marker = newMarker();
    const { child, next, send } = start([['scrubbed-env-daemon.sh']], marker);
    try {
      const { workers } = await next<{ workers: { pids: number[] }[] }>();
      const [daemon] = workers[0].pids;
      track([daemon]);
      send('close 0');
      const report = await next<{ leaks: number[] }>();
      expect(describePids(survivors([daemon]))).toEqual([]);
      expect(report.leaks).toEqual([daemon]);
    } finally {
      await stop(child);
    }
  });

  it("while another thread runs curfew, a thread's teardown leaves a daemon it cannot prove its own; once alone, it ends it", async () => {
    const marker = newMarker();
    // Worker 0 keeps a scrubbed daemon (a file's beforeAll helper); worker 1's test closes meanwhile.
    const { child, next, send } = start([['scrubbed-env-daemon.sh'], ['setsid-fork.sh']], marker);
    try {
      const { workers } = await next<{ workers: { pids: number[] }[] }>();
      const helper = workers[0].pids[0];
      track([helper, ...workers[1].pids]);
      send('close 1');
      const other = await next<{ leaks: number[] }>();
      // Worker 1 ended its own daemon (by its token), and not worker 0's helper.
      expect(other.leaks).toEqual(workers[1].pids);
      expect(isAlive(helper)).toBe(true);
      // Worker 1 is gone, and its watchdog with it: worker 0 is alone and may judge by time.
      send('end 1');
      await next();
      expect(await waitUntil(() => withVariable('CURFEW_WATCHDOG', String(child.pid)).length <= 1, 10_000)).toBe(true);
      send('close 0');
      const own = await next<{ leaks: number[] }>();
      expect(own.leaks).toEqual([helper]);
      expect(describePids(survivors([helper]))).toEqual([]);
    } finally {
      await stop(child);
    }
  });
});
