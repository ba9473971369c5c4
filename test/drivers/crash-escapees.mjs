// Starts every fixture named in argv with plain child_process inside an entered scope (as a test
// under the runner integrations would), waits for each fixture's line, checks that curfew sees
// what each left running (scope.members()), prints one JSON line {pids, skipped, missed} and then
// stays alive until it is killed: the crash the caller inflicts (SIGKILL, maybe of its watchdog
// first). A fixture that exits 77 is skipped, with its reason.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createScope } from 'curfew';

const fixture = (name) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

function start(name) {
  const child = spawn(fixture(name), [], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ name, pids: JSON.parse(out.slice(0, nl)).pids });
    });
    child.once('error', reject);
    child.once('close', (code) => (code === 77 ? resolve({ name, skipped: err.trim() }) : reject(new Error(`${name} exited with ${code}: ${err.trim()}`))));
  });
}

const scope = createScope({ grace: 5000 });
const exit = scope.enter();
const started = await Promise.all(process.argv.slice(2).map(start));
exit();
const pids = started.flatMap((s) => s.pids ?? []);
const skipped = Object.fromEntries(started.filter((s) => s.skipped).map((s) => [s.name, s.skipped]));
// What curfew sees is also named to the watchdog (a scan sweeps the subreaper's orphans). A
// process seen with an empty environment is taken for one caught mid-exec and judged on a later
// look, so look until all are seen, for a few seconds at most.
let missed = pids;
for (const deadline = performance.now() + 5000; missed.length > 0 && performance.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
  const members = new Set(scope.members().map((p) => p.pid));
  missed = pids.filter((pid) => !members.has(pid));
}
process.stdout.write(`${JSON.stringify({ pids, skipped, missed })}\n`);
setInterval(() => {}, 60_000);
