// The scanner process of section 4: started before the background population and never its
// ancestor, so curfew's subtree walk here sees only what this process started. It measures, in
// interleaved rounds, curfew's scan on its main thread (subreaper: subtree walk) and on a worker
// thread (full-table scan), ps-list and pidtree, each finding the same kind of small tree.
import { spawn as nodeSpawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import psList from 'ps-list';
import pidtree from 'pidtree';
import { curfewScan, TREE, TREE_SIZE } from './scan-probe.mjs';
import { readLine } from './line.mjs';
import { countProcesses, identify, MARKER_ENV, sweep } from './procs.mjs';

const marker = process.env[MARKER_ENV];
const worker = new Worker(new URL('./scan-worker.mjs', import.meta.url));
let nextId = 0;
const pending = new Map();
worker.on('message', (m) => {
  pending.get(m.id)?.(m);
  pending.delete(m.id);
});
function inWorker() {
  const id = ++nextId;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker.postMessage({ id, marker });
  });
}

// A small tree for the peers to find, started outside the clock like curfew's.
async function withTree(fn) {
  const child = nodeSpawn(TREE, [String(TREE_SIZE)], { detached: true, env: process.env, stdio: ['ignore', 'pipe', 'ignore'] });
  const { pids } = await readLine(child.stdout);
  const ids = pids.map(identify).filter(Boolean);
  try {
    return await fn(child.pid, pids);
  } finally {
    await sweep(ids);
  }
}

const METHODS = {
  'curfew, main thread (subreaper: subtree walk)': async () => {
    const r = await curfewScan(marker);
    return { ms: r.scanMs, found: r.found };
  },
  'curfew, worker thread (full-table scan)': async () => {
    const r = await inWorker();
    if (r.error) throw new Error(r.error);
    return { ms: r.scanMs, found: r.found };
  },
  'ps-list (whole table, filtered by ppid)': () =>
    withTree(async (leader) => {
      const t0 = performance.now();
      const list = await psList();
      const found = list.filter((p) => p.ppid === leader).length + 1;
      return { ms: performance.now() - t0, found };
    }),
  'pidtree(leader, {root: true})': () =>
    withTree(async (leader) => {
      const t0 = performance.now();
      const found = (await pidtree(leader, { root: true })).length;
      return { ms: performance.now() - t0, found };
    }),
};

async function measure(rounds) {
  const names = Object.keys(METHODS);
  // One unrecorded round first: the first scan of a process pays for loading and compiling.
  for (const name of names) await METHODS[name]();
  const out = Object.fromEntries(names.map((n) => [n, []]));
  const counts = [];
  for (let round = 0; round < rounds; round++) {
    counts.push(countProcesses());
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length];
      out[name].push(await METHODS[name]());
    }
  }
  return { results: out, counts };
}

process.on('message', async (m) => {
  try {
    if (m.cmd === 'measure') process.send({ ok: true, ...(await measure(m.rounds)) });
    if (m.cmd === 'quit') {
      await worker.terminate();
      process.exit(0);
    }
  } catch (error) {
    process.send({ ok: false, error: error.stack });
  }
});
process.send({ ready: true });
