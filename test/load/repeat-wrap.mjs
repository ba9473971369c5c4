// One run of test/load/repeat.mjs: runs the command as a child subreaper, so every process of its
// tree that loses its parent is re-parented here (or to a subreaper inside the tree) and the whole
// tree stays below this process, whatever it did to its environment, group or session.
//
//   node repeat-wrap.mjs command [args...]
//
// When the command exits: what is still running below us after a short grace (a watchdog sidecar
// may still be finishing its owner's cleanup) is printed as `repeat-wrap: left <pid> <state>
// <cmd>` on stderr, ended with SIGKILL and reaped. On SIGTERM, SIGINT or SIGHUP, or when our parent
// dies (PR_SET_PDEATHSIG), the command gets SIGTERM, then the whole tree SIGKILL. Exits with the
// command's status (128+n when it was killed by signal n). Signals only processes below itself.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { PR_SET_CHILD_SUBREAPER, PR_SET_PDEATHSIG, prctl, reapChild } from '../../fixtures/lib/libc.mjs';

const argv = process.argv.slice(2);
if (argv.length === 0) {
  process.stderr.write('usage: repeat-wrap.mjs command [args...]\n');
  process.exit(2);
}
try {
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  prctl(PR_SET_PDEATHSIG, constants.signals.SIGTERM);
} catch (error) {
  process.stderr.write(`repeat-wrap: no subreaper (${error.message}): orphans may escape the tree\n`);
}
const parent = process.ppid;
let stop = null;
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => (stop ??= sig));

// Node resets the signals in the child to their defaults.
const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
let status = null; // { code, signal } once the command is done
child.on('exit', (code, signal) => (status = { code, signal }));
child.on('error', (error) => {
  process.stderr.write(`repeat-wrap: exec ${argv[0]}: ${error.message}\n`);
  status ??= { code: 127, signal: null };
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function statOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // comm may hold ') ': fields are counted after the last one
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return f.length < 20 ? null : { state: f[0], ppid: Number(f[1]), start: f[19] }; // fields 3, 4 and 22
  } catch {
    return null;
  }
}

// Every process below us now: pid => stat, walking parent links over one read of /proc.
function subtree() {
  const stat = new Map();
  const kids = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = statOf(name);
    if (!s) continue;
    stat.set(Number(name), s);
    if (!kids.has(s.ppid)) kids.set(s.ppid, []);
    kids.get(s.ppid).push(Number(name));
  }
  const out = new Map();
  const todo = [process.pid];
  while (todo.length > 0) {
    for (const k of kids.get(todo.shift()) ?? []) {
      if (out.has(k)) continue;
      out.set(k, stat.get(k));
      todo.push(k);
    }
  }
  return out;
}

function cmdOf(pid) {
  try {
    const c = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0+$/, '').replaceAll('\0', ' ');
    return c.length > 160 ? `${c.slice(0, 160)}...` : c;
  } catch {
    return '?';
  }
}

// The orphans we adopted that have exited. Not the command: Node reaps it and reports its status.
function reap() {
  for (const [pid, s] of subtree()) if (s.state === 'Z' && s.ppid === process.pid && pid !== child.pid) reapChild(pid);
}

const alive = (t) => [...t].filter(([, s]) => s.state !== 'Z').map(([pid]) => pid);

// Kills what is below us (SIGKILL, each pid checked against the start time it was listed with:
// no recycled pid is hit) until nothing is, at most ~10 s. Returns what was alive at the first look.
async function endTree() {
  let first = [];
  for (let round = 1; round <= 200; round++) {
    reap();
    const t = subtree();
    const live = alive(t).sort((a, b) => a - b);
    if (round === 1) first = live.map((pid) => [pid, t.get(pid).state, cmdOf(pid)]);
    if (t.size === 0) break;
    for (const pid of live) {
      if (statOf(pid)?.start !== t.get(pid).start) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    await sleep(50);
  }
  reap();
  return first;
}

let stoppedAt = null;
for (;;) {
  reap();
  if (status) break;
  if (stoppedAt === null && (stop || process.ppid !== parent)) {
    stoppedAt = Date.now();
    child.kill('SIGTERM');
  }
  if (stoppedAt !== null && Date.now() - stoppedAt >= 3000) break;
  await sleep(100);
}

// The command is done (or is being stopped). Give what is left a moment to go by itself.
if (stoppedAt === null) {
  for (let i = 0; i < 30 && alive(subtree()).length > 0; i++) {
    await sleep(100);
    reap();
  }
}
for (const [pid, state, cmd] of await endTree()) process.stderr.write(`repeat-wrap: left ${pid} ${state} ${cmd}\n`);
if (status?.signal) process.exit(128 + constants.signals[status.signal]);
process.exit(status ? status.code : 130);
