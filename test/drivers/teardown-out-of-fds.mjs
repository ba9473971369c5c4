// Leaves a leak in a scope (background-grandchild.sh: its sleep outlives the fixture), then opens
// /dev/null until this process is out of descriptors (EMFILE), tears the scope down like that,
// closes the files again and prints one line: the leak's pid, what the teardown said (its report,
// or the error it threw), and whether the leak is still alive. Run it under a low `ulimit -n`, so
// that a few dozen opens fill the table.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createScope, spawn } from 'curfew';
import { firstLine } from './first-line.mjs';

const fixture = fileURLToPath(new URL('../../fixtures/background-grandchild.sh', import.meta.url));

// A first teardown that has something to end loads what every teardown needs (its module, the
// FFI) while descriptors are still free: this driver is about reading /proc, not loading code.
const warmUp = createScope();
await spawn('true', [], { scope: warmUp });
await warmUp.close();

const scope = createScope({ grace: 200 });
const sub = spawn(fixture, [], { scope, buffer: false, reject: false });
const [leak] = (await firstLine(sub.stdout)).pids;
await sub;

const alive = (pid) => {
  try {
    return !/^\d+ \(.*\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return false;
  }
};

const held = [];
let emfile = false;
try {
  for (let i = 0; i < 100_000; i++) held.push(openSync('/dev/null', 'r'));
} catch (error) {
  emfile = error.code === 'EMFILE';
}
let outcome;
try {
  const report = await scope.teardown();
  outcome = { report };
} catch (error) {
  outcome = { error: { name: error.name, code: error.code, message: error.message } };
}
for (const fd of held) closeSync(fd);
process.stdout.write(`${JSON.stringify({ pids: [leak], emfile, opened: held.length, leakAlive: alive(leak), ...outcome })}\n`);
