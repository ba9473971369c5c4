// A pool task that starts fixture trees inside withScope(). It appends the pids it started to
// `pidFile` (so a test can see them even if the task never returns), then either returns or, with
// `hold`, waits forever (until its pool is destroyed).
import { appendFileSync } from 'node:fs';
import { spawn as nodeSpawn } from 'node:child_process';
import { spawn, withScope } from 'curfew';
import { firstLine } from './first-line.mjs';

export default function task({ fixtures, plain, marker, pidFile, hold, cgroup = false }) {
  return withScope(async () => {
    const env = { ...process.env, CURFEW_TEST_MARKER: marker };
    const lines = await Promise.all(fixtures.map((f) => firstLine(spawn(f, [], { env, buffer: false, reject: false }).stdout)));
    if (plain) lines.push(await firstLine(nodeSpawn(plain, [], { env, stdio: ['ignore', 'pipe', 'inherit'] }).stdout));
    const pids = lines.flatMap((l) => l.pids);
    appendFileSync(pidFile, `${JSON.stringify(pids)}\n`);
    if (hold) await new Promise(() => {});
    return pids;
  }, { grace: 200, cgroup });
}
