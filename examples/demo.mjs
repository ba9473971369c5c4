// `npm run demo`: start trees that escape a naive cleanup, then let curfew end them and show
// the report. Nothing is left running afterwards (checked at the end).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createScope, spawn } from 'curfew';

const fixture = (name) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const firstLine = async (stream) => {
  let text = '';
  for await (const chunk of stream) if ((text += chunk).includes('\n')) return JSON.parse(text.slice(0, text.indexOf('\n')));
  throw new Error(`no line: ${text}`);
};
const alive = (pid) => existsSync(`/proc/${pid}`) && !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));

const trees = {
  'background-grandchild.sh': 'a `sleep &` left behind when its parent exits',
  'setsid-fork.sh': 'a daemon in a new session (setsid -f)',
  'double-fork-daemon.mjs': 'a classic double-fork daemon',
  'sigterm-ignoring-grandchild.sh': 'a grandchild that ignores SIGTERM',
  'scrubbed-env-daemon.sh': 'a daemon with an empty environment in its own session',
};

await using scope = createScope({ grace: 500 });
console.log('Starting trees whose children escape a plain kill of the parent:\n');
const pids = [];
for (const [name, what] of Object.entries(trees)) {
  const sub = spawn(fixture(name), [], { scope, buffer: false, reject: false });
  const line = await firstLine(sub.stdout);
  pids.push(...line.pids);
  console.log(`  ${name.padEnd(32)} ${what}: left pid ${line.pids.join(', ')}`);
}
console.log(`\nEvery parent has exited; ${pids.filter(alive).length} of their children are still running.`);
console.log('Calling scope.teardown() ...\n');
const report = await scope.teardown();
console.log('  pid    found by     ended by  command');
for (const p of report.ended) console.log(`  ${String(p.pid).padEnd(6)} ${p.foundBy.padEnd(12)} ${p.signal.padEnd(9)} ${p.cmd}`);
console.log(`\nEnded ${report.ended.length} processes in ${report.durationMs.toFixed(1)} ms${report.escalated ? ' (SIGKILL was needed for some)' : ''}; ${report.survivors.length} could not be ended.`);
const left = pids.filter(alive);
console.log(left.length === 0 ? 'Still running: nothing.' : `Still running: ${left.join(', ')}`);
process.exitCode = left.length === 0 ? 0 : 1;
