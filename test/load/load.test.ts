import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScope } from 'curfew';
// Internal, for a failure message only: the reaper's view of a zombie it left.
import { getRegistry } from '../../dist/scope/registry.js';
import { describePids, isAlive, newMarker, survivors, waitUntil } from '../helpers/processes.js';
import { track, useCleanup } from '../helpers/cleanup.js';

useCleanup();

const TASK = fileURLToPath(new URL('./load-task.mjs', import.meta.url));
const BYSTANDER = fileURLToPath(new URL('./bystander.pl', import.meta.url));
const WORKERS = 8;
const TREES_PER_WORKER = Number(process.env.CURFEW_LOAD_TREES ?? 50);
// Two trees at a time per worker: 16 overlapping scopes already saturate two cores.
const LANES = 2;
const GRACE_MS = 200;
// A teardown may take its grace plus this before it counts as hung. Generous on purpose: with
// two cores saturated by fork storms a healthy teardown can wait seconds for the CPU; a hang waits forever.
const HANG_BOUND_MS = 20_000;

const dir = mkdtempSync(join(tmpdir(), 'curfew-load-'));
const bystanders: { child: ChildProcess; log: string; what: string }[] = [];

function startBystander(what: string, options: { detached?: boolean; env?: NodeJS.ProcessEnv }) {
  const log = join(dir, `bystander-${bystanders.length}.log`);
  // Not track()ed: the per-test cleanup would end it; afterAll does.
  const child = nodeSpawn('perl', [BYSTANDER, log], { stdio: 'ignore', detached: options.detached, env: { PATH: process.env.PATH, ...options.env } });
  bystanders.push({ child, log, what });
}

// Zombies whose parent is this process: the library must reap the orphans it adopted.
// A zombie leader whose other threads have not finished exiting cannot be reaped by anyone yet
// (waitid skips it); seen under load for Node processes killed mid-task, for longer than 15 s.
// Those are reported, and the check is that every reapable one was reaped.
function ourZombies(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const f = readFileSync(`/proc/${name}/stat`, 'latin1');
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      if (rest[0] === 'Z' && Number(rest[1]) === process.pid) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

function tasksOf(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
}

// "tid(comm) state" for each thread, for the message.
function threadsOf(pid: number): string {
  return tasksOf(pid).map((tid) => {
    try {
      const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
      return `${tid}(${f.slice(f.indexOf('(') + 1, f.lastIndexOf(')'))}) ${f[f.lastIndexOf(')') + 2]}`;
    } catch {
      return `${tid} gone`;
    }
  }).join(', ');
}

/** Our zombies that could be reaped now (every thread gone), after waiting for them to go. */
async function reapableZombiesLeft(): Promise<string[]> {
  const reapable = () => ourZombies().filter((pid) => tasksOf(pid).length <= 1);
  await waitUntil(() => ourZombies().length === 0, 30_000);
  // One that became reapable a moment ago is reaped by the next sweep (every second).
  await waitUntil(() => reapable().length === 0, 3_000);
  const lingering = ourZombies().filter((pid) => !reapable().includes(pid));
  if (lingering.length > 0) console.log(`zombies still exiting (threads alive, not reapable yet): ${lingering.map((pid) => `${pid}: ${threadsOf(pid)}`).join('; ')}`);
  const left = reapable();
  // Seen once in CI: a reapable zombie that the sweeps never took. Say what the reaper thinks of
  // it (internal state, for diagnosis only), so a recurrence shows where it went wrong.
  if (left.length > 0) {
    const { subreaper } = getRegistry();
    const orphans = subreaper.orphans();
    console.log(`unreaped zombies: ${left.map((pid) => `${pid}: known=${subreaper.known.has(pid)} orphan=${orphans.includes(pid)} active=${subreaper.active}`).join('; ')}`);
  }
  return describePids(left);
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

// The main thread opens a scope too, so this process is the subreaper that adopts orphans.
const exitMain = createScope({ grace: GRACE_MS }).enter();

beforeAll(() => {
  startBystander('a plain child in the test process group and session', {});
  startBystander('a session leader of its own', { detached: true });
  startBystander('a process carrying a foreign curfew token', { detached: true, env: { CURFEW_TOKEN: 'f0f0f0f0f0f0' } });
});

afterAll(() => {
  exitMain();
  for (const b of bystanders) b.child.kill('SIGKILL');
});

describe('load', () => {
  it(`${WORKERS} workers x ${TREES_PER_WORKER} trees in overlapping scopes: zero survivors, zero zombies, no hang`, async () => {
    const marker = newMarker();
    const pool = new Tinypool({ filename: TASK, runtime: 'worker_threads', minThreads: WORKERS, maxThreads: WORKERS });
    const started = performance.now();
    let results: { latencies: number[]; pids: number[]; survivors: number }[];
    try {
      results = await Promise.all(Array.from({ length: WORKERS }, (_, worker) => pool.run({ worker, trees: TREES_PER_WORKER, lanes: LANES, marker, grace: GRACE_MS })));
    } finally {
      await pool.destroy();
    }
    const pids = results.flatMap((r) => r.pids);
    track(pids, marker);
    const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
    console.log(
      `load: ${latencies.length} teardowns of ${pids.length} reported pids in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `teardown latency p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms (grace ${GRACE_MS} ms)`,
    );
    const slowest = results.flatMap((r) => (r as unknown as { slowest: [number, string][] }).slowest).sort((a, b) => b[0] - a[0]).slice(0, 5);
    console.log(`slowest teardowns: ${slowest.map(([ms, name]) => `${name} ${ms.toFixed(0)} ms`).join(', ')}`);
    expect(latencies).toHaveLength(WORKERS * TREES_PER_WORKER);
    expect(results.reduce((n, r) => n + r.survivors, 0)).toBe(0);
    expect(describePids(survivors(pids, marker))).toEqual([]);
    expect(latencies.at(-1)!).toBeLessThan(GRACE_MS + HANG_BOUND_MS);
    expect(await reapableZombiesLeft()).toEqual([]);
  });

  it.each(['worker_threads', 'child_process'] as const)('workers destroyed mid-task (%s): zero survivors', async (runtime) => {
    const marker = newMarker();
    const pidFile = join(dir, `held-${runtime}`);
    const pool = new Tinypool({ filename: TASK, runtime, minThreads: WORKERS, maxThreads: WORKERS });
    const held = Array.from({ length: WORKERS }, (_, worker) => pool.run({ worker, trees: 4, lanes: 4, marker, grace: GRACE_MS, hold: true, pidFile }).catch(() => 'destroyed'));
    const readPids = () => (existsSync(pidFile) ? readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).flatMap((l) => JSON.parse(l) as number[]) : []);
    expect(await waitUntil(() => readFileSync(pidFile, { flag: 'a+', encoding: 'utf8' }).split('\n').filter(Boolean).length === WORKERS * 4, 120_000)).toBe(true);
    const pids = readPids();
    track(pids, marker);
    const t0 = performance.now();
    await pool.destroy();
    await Promise.all(held);
    // Gone, and still gone a second later: a respawner's fork in flight when a look found nothing
    // shows up just after it (seen once), and must be ended too.
    let goneAt: number | null = null;
    const gone = await waitUntil(() => {
      if (survivors(pids, marker).length > 0) goneAt = null;
      else goneAt ??= performance.now();
      return goneAt !== null && performance.now() - goneAt >= 1000;
    }, 20_000);
    console.log(`load (${runtime}): ${pids.length} held processes gone ${goneAt === null ? 'never' : Math.round(goneAt - t0)} ms after pool.destroy()`);
    expect(describePids(survivors(pids, marker))).toEqual([]);
    expect(gone).toBe(true);
    expect(await reapableZombiesLeft()).toEqual([]);
  });

  it('sent no signal to any process outside the trees under test', () => {
    for (const b of bystanders) {
      expect(isAlive(b.child.pid!), b.what).toBe(true);
      expect(existsSync(b.log) ? readFileSync(b.log, 'utf8') : '', b.what).toBe('');
    }
  });
});
