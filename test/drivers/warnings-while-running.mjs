// Spawns forever.sh through curfew (which starts this process's crash watchdog), prints the
// fixture's JSON line, then prints every process warning this process emits, one JSON line each
// ({"warning":{code,message}}), until stdin ends; then tears the scope down and exits.
import { fileURLToPath } from 'node:url';
import { createScope, spawn } from 'curfew';
import { firstLine } from './first-line.mjs';

const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
process.on('warning', (w) => print({ warning: { code: w.code, message: w.message } }));
const scope = createScope({ grace: 200 });
const sub = spawn(fileURLToPath(new URL('../../fixtures/forever.sh', import.meta.url)), [], { scope, buffer: false, reject: false });
print(await firstLine(sub.stdout));
process.stdin.resume();
process.stdin.on('end', async () => {
  await scope.close();
  process.exit(0);
});
