// Spawns `true` through curfew, prints its pgid once the leader is reaped, then waits for a line
// on stdin before tearing the scope down and printing the report. With argv[2] === 'worker' the
// curfew side runs on a worker thread, where the subreaper layer is off and scans read the
// whole process table (so the pgid guard alone stands between a stranger and a signal).
import { once } from 'node:events';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { createScope, spawn } from 'curfew';

async function curfewSide(send, nextGo) {
  const scope = createScope({ grace: 200 });
  const sub = spawn('true', [], { scope });
  await sub;
  send({ pgid: sub.group.pgid });
  await nextGo();
  send(await scope.teardown());
}

const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
if (!isMainThread) {
  await curfewSide((v) => parentPort.postMessage(v), () => once(parentPort, 'message'));
} else if (process.argv[2] === 'worker') {
  const worker = new Worker(new URL(import.meta.url));
  worker.on('message', print);
  await once(process.stdin, 'data');
  worker.postMessage('go');
  await once(worker, 'exit');
  process.stdin.destroy();
} else {
  await curfewSide(print, () => once(process.stdin, 'data'));
  process.stdin.destroy();
}
