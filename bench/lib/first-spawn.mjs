// Runs in a fresh Node process: the one-time cost of curfew's first spawn (its lazy helpers:
// the FFI load, the subreaper, whatever else the first spawn starts), after Node's own first
// child spawn was already paid with execa.
import { median } from './stats.mjs';

const t0 = performance.now();
const { spawn } = await import('curfew');
const importMs = performance.now() - t0;
const { execa } = await import('execa');
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
process.stdout.write(`${JSON.stringify({ importMs, firstMs, nextMs: median(next), execaMs: median(execaNext) })}\n`);
process.exit(0);
