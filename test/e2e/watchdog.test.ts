import { spawn as nodeSpawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readLine } from '../helpers/fixtures.js';
import { survivors, waitUntil } from '../helpers/processes.js';
import { track, useCleanup } from '../helpers/cleanup.js';
import { cgroupUsable } from '../helpers/cgroup.js';

useCleanup();

const driver = fileURLToPath(new URL('../drivers/crash-owner.mjs', import.meta.url));
const layers = cgroupUsable() ? ['no cgroup', 'cgroup'] : ['no cgroup'];
if (layers.length === 1) console.log('crash tests run without the cgroup layer: no writable cgroup v2 subtree here (see `curfew doctor`)');

describe.each(layers)('the watchdog (%s)', (layer) => {
  it.each(['sigkill', 'exit', 'worker'])('ends every registered tree when the owner dies by %s', async (mode) => {
    const owner = nodeSpawn(process.execPath, [driver, mode, layer === 'cgroup' ? 'cgroup' : ''], { stdio: ['ignore', 'pipe', 'inherit'] });
    track([owner.pid!]);
    // Starting 126 processes takes seconds on a loaded machine (20 s was once not enough at load 24).
    const { pids } = await readLine(owner.stdout!, 60_000);
    track(pids);
    expect(pids.length).toBeGreaterThan(120);
    const t0 = performance.now();
    // The target is 1 s (measured by the benchmark); here only "all gone" is asserted, with slack for a loaded machine.
    const gone = await waitUntil(() => survivors(pids).length === 0, 10_000);
    console.log(`${layer}, owner ${mode}: ${pids.length} processes gone ${Math.round(performance.now() - t0)} ms after the owner died`);
    expect(survivors(pids)).toEqual([]);
    expect(gone).toBe(true);
    if (mode === 'worker') {
      // This owner outlives its terminated worker thread on purpose; end it here.
      const exited = once(owner, 'exit');
      owner.kill('SIGKILL');
      await exited;
    }
  }, 90_000);
});
