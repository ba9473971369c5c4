// Spawns `true` through curfew, prints its pgid once the leader is reaped, then waits for a line
// on stdin before tearing the scope down and printing the report.
import { once } from 'node:events';
import { createScope, spawn } from 'curfew';

const scope = createScope({ grace: 200 });
const sub = spawn('true', [], { scope });
await sub;
process.stdout.write(`${JSON.stringify({ pgid: sub.group.pgid })}\n`);
await once(process.stdin, 'data');
const report = await scope.teardown();
process.stdout.write(`${JSON.stringify(report)}\n`);
process.stdin.destroy();
