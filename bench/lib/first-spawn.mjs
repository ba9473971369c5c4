// Runs in a fresh Node process: the one-time cost of curfew's first spawn (its lazy helpers:
// the FFI load, the subreaper, whatever else the first spawn starts), after Node's own first
// child spawn was already paid with execa.
import { median } from './stats.mjs';

// execa first: curfew imports it, so what is left is curfew's own load time.
const t0 = performance.now();
const { execa } = await import('execa');
const t1 = performance.now();
const { spawn } = await import('curfew');
const importExecaMs = t1 - t0;
const importMs = performance.now() - t1;
for (let i = 0; i < 3; i++) await execa('true');

const time = async (fn) => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};
const firstMs = await time(() => spawn('true'));
const next = [];
for (let i = 0; i < 7; i++) next.push(await time(() => spawn('true')));
const execaNext = [];
for (let i = 0; i < 7; i++) execaNext.push(await time(() => execa('true')));
process.stdout.write(`${JSON.stringify({ importExecaMs, importMs, firstMs, nextMs: median(next), execaMs: median(execaNext) })}\n`);
process.exit(0);
