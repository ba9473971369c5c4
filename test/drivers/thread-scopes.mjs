// Scopes on worker threads (as a pool task or a Vitest threads worker runs them). Each worker
// named in argv (a list of fixture names) starts its fixtures with plain child_process inside an
// entered scope and posts their pids; the main thread prints them as one JSON line, then reads
// commands from stdin, one per line: `close <worker>` (the worker closes its scope and posts the
// report), `end <worker>` (its thread is terminated). The main thread runs no curfew code.
//   node thread-scopes.mjs scrubbed-env-daemon.sh [setsid-fork.sh,...] ...
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { firstLine } from './first-line.mjs';

if (isMainThread) {
  const workers = process.argv.slice(2).map((names) => new Worker(new URL(import.meta.url), { workerData: names.split(',') }));
  const started = await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  process.stdout.write(`${JSON.stringify({ workers: started })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, index] = line.split(' ');
    const worker = workers[Number(index)];
    if (command === 'close') {
      worker.postMessage('close');
      const report = await new Promise((resolve) => worker.once('message', resolve));
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else if (command === 'end') {
      await worker.terminate();
      process.stdout.write(`${JSON.stringify({ ended: Number(index) })}\n`);
    }
  }
} else {
  const { createScope } = await import('curfew');
  const fixture = (name) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
  const scope = createScope({ grace: 300 });
  const exit = scope.enter();
  const lines = await Promise.all(workerData.map((name) => firstLine(spawn(fixture(name), [], { stdio: ['ignore', 'pipe', 'inherit'] }).stdout)));
  exit();
  parentPort.postMessage({ pids: lines.flatMap((l) => l.pids) });
  parentPort.once('message', async () => {
    const report = await scope.close();
    parentPort.postMessage({ leaks: report.leaks.map((p) => p.pid), ended: report.ended.map((p) => p.pid) });
  });
}
