// On a worker thread: spawns background-grandchild.sh through curfew, waits for the leader to
// exit (its sleep stays in the leader's group, re-parented away from this process: the main
// thread is no subreaper), calls group.kill() and prints one line, {"pids":[sleep],"report":...}.
// The worker stays until a line on stdin: its watchdog would end the sleep once it is gone.
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { createScope, spawn } from 'curfew';
import { firstLine } from './first-line.mjs';

const fixture = fileURLToPath(new URL('../../fixtures/background-grandchild.sh', import.meta.url));

if (!isMainThread) {
  const scope = createScope({ grace: 200 });
  const sub = spawn(fixture, [], { scope, buffer: false, reject: false });
  const { pids } = await firstLine(sub.stdout);
  await sub;
  parentPort.postMessage({ pids, report: await sub.group.kill() });
} else {
  const worker = new Worker(new URL(import.meta.url));
  const [out] = await once(worker, 'message');
  process.stdout.write(`${JSON.stringify(out)}\n`);
  await once(process.stdin, 'data');
  await worker.terminate();
  process.stdin.destroy();
}
