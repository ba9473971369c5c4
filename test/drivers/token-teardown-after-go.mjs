// Opens a scope and prints its token as one JSON line, starting nothing itself; on a line from
// stdin it tears the scope down and prints the report. Whatever the test starts with that token
// can be found by the token alone: this process is neither its parent nor its subreaper, and
// spawned nothing.
import { once } from 'node:events';
import { createScope } from 'curfew';

const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const scope = createScope({ grace: 200 });
print({ token: scope.token });
await once(process.stdin, 'data');
print(await scope.teardown());
process.stdin.destroy();
