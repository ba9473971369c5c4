// Starts several escaping trees, prints every pid they reported as one JSON line, then dies
// without tearing down, in the way argv[2] names:
//   sigkill  the process SIGKILLs itself
//   exit     process.exit() with everything still registered
//   worker   the trees are started on a worker thread, which the main thread then terminates
// argv[3] === 'cgroup' puts each spawn in a cgroup of its own (where the machine allows it).
import { spawn as nodeSpawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createScope, spawn } from 'curfew';
import { firstLine } from './first-line.mjs';

const fixture = (name) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

async function startTrees(cgroup) {
  const scope = createScope({ grace: 5000, cgroup });
  const names = ['background-grandchild.sh', 'setsid-fork.sh', 'sigterm-ignoring-grandchild.sh', 'new-group-grandchild.sh', 'wide-tree.sh'];
  if (cgroup) names.push('scrubbed-env-daemon.sh');
  // stderr inherited: a fixture that fails says why in the test's output.
  const lines = await Promise.all(names.map((name) => firstLine(spawn(fixture(name), [], { scope, buffer: false, reject: false, stderr: 'inherit' }).stdout, name)));
  // And one started with plain child_process inside the entered scope: found by its token.
  const exit = scope.enter();
  const plain = nodeSpawn(fixture('double-fork-daemon.mjs'), [], { stdio: ['ignore', 'pipe', 'inherit'] });
  exit();
  lines.push(await firstLine(plain.stdout, 'double-fork-daemon.mjs'));
  return lines.flatMap((l) => l.pids);
}

const [mode, layer] = isMainThread ? process.argv.slice(2) : workerData;
if (!isMainThread) {
  parentPort.postMessage(await startTrees(layer === 'cgroup'));
} else if (mode === 'worker') {
  const worker = new Worker(new URL(import.meta.url), { workerData: [mode, layer] });
  const [pids] = await once(worker, 'message');
  await worker.terminate();
  process.stdout.write(`${JSON.stringify({ pids, worker: 'terminated' })}\n`);
  // Stay alive: the process is fine, only the thread that registered the trees is gone.
  setTimeout(() => {}, 60_000);
} else {
  const pids = await startTrees(layer === 'cgroup');
  process.stdout.write(`${JSON.stringify({ pids })}\n`);
  if (mode === 'sigkill') process.kill(process.pid, 'SIGKILL');
  else process.exit(0);
}
