import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../helpers/fixtures.js';
import { newMarker, survivors, waitUntil } from '../helpers/processes.js';
import { track, useCleanup } from '../helpers/cleanup.js';
import { cgroupUsable } from '../helpers/cgroup.js';

useCleanup();

const TASK = fileURLToPath(new URL('../drivers/pool-task.mjs', import.meta.url));
const FIXTURES = ['background-grandchild.sh', 'setsid-fork.sh', 'sigterm-ignoring-grandchild.sh', 'double-fork-daemon.mjs'].map(fixturePath);
const PLAIN = fixturePath('new-group-grandchild.sh');

function readPids(file: string): number[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).flatMap((l) => JSON.parse(l) as number[]) : [];
}

const layers = cgroupUsable() ? [false, true] : [false];
const cases = (['worker_threads', 'child_process'] as const).flatMap((runtime) => layers.map((cgroup) => ({ runtime, cgroup })));

describe.each(cases)('tinypool with the $runtime runtime (cgroup: $cgroup)', ({ runtime, cgroup }) => {
  it("a task's subprocesses are gone when the task settles", async () => {
    const pool = new Tinypool({ filename: TASK, runtime, maxThreads: 2, minThreads: 1 });
    const marker = newMarker();
    const pidFile = join(mkdtempSync(join(tmpdir(), 'curfew-pool-')), 'pids');
    try {
      const results = await Promise.all([0, 1].map(() => pool.run({ fixtures: FIXTURES, plain: PLAIN, marker, pidFile, cgroup })));
      const pids = results.flat() as number[];
      track(pids, marker);
      expect(pids.length).toBe(10);
      expect(survivors(pids, marker)).toEqual([]);
    } finally {
      await pool.destroy();
    }
  });

  it('the pool destroyed mid-task leaves zero survivors', async () => {
    const pool = new Tinypool({ filename: TASK, runtime, maxThreads: 2, minThreads: 2 });
    const marker = newMarker();
    const pidFile = join(mkdtempSync(join(tmpdir(), 'curfew-pool-')), 'pids');
    const running = [0, 1].map(() => pool.run({ fixtures: FIXTURES, plain: PLAIN, marker, pidFile, hold: true, cgroup }).catch(() => 'destroyed'));
    expect(await waitUntil(() => readPids(pidFile).length === 10, 20_000)).toBe(true);
    const pids = readPids(pidFile);
    track(pids, marker);
    const t0 = performance.now();
    await pool.destroy();
    await Promise.all(running);
    // The target is 1 s; here only "all gone" is asserted, with slack for a loaded machine.
    const gone = await waitUntil(() => survivors(pids, marker).length === 0, 10_000);
    console.log(`tinypool ${runtime}${cgroup ? ' with cgroups' : ''}: ${pids.length} processes gone ${Math.round(performance.now() - t0)} ms after pool.destroy()`);
    expect(gone).toBe(true);
    expect(survivors(pids, marker)).toEqual([]);
  });
});
