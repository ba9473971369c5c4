// One pool worker's share of the load: `trees` fixture trees, `lanes` of them at a time, each in a
// scope of its own (so scopes overlap), each torn down and timed. With `hold`, the task records
// its pids and never finishes: the pool is destroyed under it.
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createScope, spawn } from 'curfew';
import { firstLine } from '../drivers/first-line.mjs';

// Not scrubbed-env-daemon.sh: with no token, no group of ours and a worker thread (no subreaper)
// only the cgroup layer finds it, and the fixture tests cover that case.
const TREES = ['background-grandchild.sh', 'fork-storm.sh', 'sigterm-ignoring-grandchild.sh', 'setsid-fork.sh', 'double-fork-daemon.mjs', 'new-group-grandchild.sh', 'stopped-grandchild.sh', 'respawn-on-sigterm.sh', 'zombie-maker.sh'];
const fixture = (name) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

export default async function task({ worker, trees, lanes, marker, grace, hold, pidFile }) {
  const env = { ...process.env, CURFEW_TEST_MARKER: marker };
  const latencies = [];
  const slowest = [];
  const pids = [];
  let survivors = 0;
  let next = 0;
  const one = async (i) => {
    const name = TREES[(worker + i) % TREES.length];
    const scope = createScope({ grace });
    const sub = spawn(fixture(name), [], { scope, env, buffer: false, reject: false });
    const line = await firstLine(sub.stdout);
    pids.push(...line.pids);
    if (hold) {
      appendFileSync(pidFile, `${JSON.stringify(line.pids)}\n`);
      return new Promise(() => {});
    }
    const t0 = performance.now();
    const report = await scope.close();
    latencies.push(performance.now() - t0);
    slowest.push([performance.now() - t0, name]);
    survivors += report.survivors.length;
  };
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < trees) await one(next++);
  }));
  return { latencies, pids, survivors, slowest: slowest.sort((a, b) => b[0] - a[0]).slice(0, 3) };
}
