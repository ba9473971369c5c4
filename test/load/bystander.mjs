// A process that is not part of any tree under test: it records every catchable signal it gets (by name,
// one a line, as TERM, INT, ...) to the file named by its first argument, so the load test can prove none
// was sent to it. Node rather than sh: it must wait without children, which a shell's `sleep` would be.
import { appendFileSync } from 'node:fs';

const log = process.argv[2];
for (const name of ['TERM', 'INT', 'HUP', 'QUIT', 'USR1', 'USR2', 'CONT']) {
  process.on(`SIG${name}`, () => appendFileSync(log, `${name}\n`));
}
setTimeout(() => process.exit(0), 900_000);
