// Section 7's library parts: what the settle window costs a scope that has nothing (or nothing
// still running) to look at, and a control that shows the window does its job.
import { spawn as cpSpawn } from 'node:child_process';
import { once } from 'node:events';
import { createScope, spawn } from 'curfew';
import { trackPids } from '../lib/section.mjs';
import { sleep } from '../lib/procs.mjs';

/** Runs every variant once per round, the order rotating; `measure(variant)` resolves to a number. */
export async function interleave(variants, rounds, measure, onRound = () => {}) {
  const values = Object.fromEntries(variants.map((v) => [v, []]));
  for (let round = 0; round < rounds; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]);
    for (const v of order) values[v].push(await measure(v));
    onRound(round);
  }
  return values;
}

/** Microseconds per `close()` of a scope that never spawned, over `count` scopes. */
export async function idleCloseUs(settle, count) {
  let total = 0;
  for (let i = 0; i < count; i++) {
    const scope = createScope({ settle });
    const t0 = performance.now();
    await scope.close();
    total += performance.now() - t0;
  }
  return (total / count) * 1000;
}

/**
 * ms for `count` "tests" that each open a scope, spawn `true` with curfew's spawn and wait for
 * it, and close the scope: the child is gone before the test ends.
 */
export async function cleanSpawnsMs(settle, count) {
  const t0 = performance.now();
  let leaks = 0;
  for (let i = 0; i < count; i++) {
    const scope = createScope({ settle });
    await spawn('true', [], { scope, stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' });
    leaks += (await scope.close()).leaks.length;
  }
  if (leaks > 0) throw new Error(`clean spawns with settle ${settle} reported ${leaks} leak(s)`);
  return performance.now() - t0;
}

/**
 * The control: a test starts `sleep 0.1` (plain child_process, inside its scope) and does not
 * wait for it, so it is still running, about to exit by itself, when the scope closes. Resolves
 * to { leaks, ms } for one such test.
 */
export async function exitingAtTeardown(settle) {
  const scope = createScope({ settle });
  let child;
  await scope.run(() => {
    child = cpSpawn('sleep', ['0.1'], { stdio: 'ignore' });
  });
  const exited = once(child, 'exit');
  trackPids([child.pid]);
  const t0 = performance.now();
  const report = await scope.close();
  const ms = performance.now() - t0;
  await Promise.race([exited, sleep(2000)]);
  return { leaks: report.leaks.length, ms };
}
