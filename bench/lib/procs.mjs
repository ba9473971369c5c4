// The benchmark's own view of /proc, independent of curfew (it must not grade itself with the
// code under test). Processes are ours only by a reported pid (with its start time, so a
// recycled pid is never hit) or by the marker variable the benchmark puts in their environment.
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** Every process the benchmark starts inherits this variable; its value names the run and case. */
export const MARKER_ENV = 'CURFEW_BENCH_MARKER';

/** This process's marker (set by the entry point), or a fresh one when a section runs alone. */
export function baseMarker() {
  process.env[MARKER_ENV] ??= `cb${randomBytes(6).toString('hex')}`;
  return process.env[MARKER_ENV];
}

let cases = 0;
/** A marker for one case, below this process's marker (so a sweep of the base finds it too). */
export function caseMarker() {
  return `${baseMarker()}.${++cases}`;
}

/** pid, state, ppid, pgid, sid, comm and start time (clock ticks) from /proc/<pid>/stat, or null. */
export function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  const close = text.lastIndexOf(')');
  const f = text.slice(close + 2).split(' ');
  return { pid, comm: text.slice(text.indexOf('(') + 1, close), state: f[0], ppid: Number(f[1]), pgid: Number(f[2]), sid: Number(f[3]), start: Number(f[19]) };
}

/** Alive: present, the same process (start time), and not a zombie. */
export function isAlive(pid, start) {
  const s = readStat(pid);
  return s !== null && (start === undefined || s.start === start) && s.state !== 'Z' && s.state !== 'X';
}

/** The identity of a pid right now ({pid, start}), or null when it is already gone. */
export function identify(pid) {
  const s = readStat(pid);
  return s && s.state !== 'Z' && s.state !== 'X' ? { pid, start: s.start } : null;
}

function pidNames() {
  return readdirSync('/proc').filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57);
}

/** How many processes (and kernel threads' leaders) /proc lists: the machine's process count. */
export function countProcesses() {
  return pidNames().length;
}

/**
 * Live processes whose environment carries the marker, or (with prefix) a marker below it.
 * Never this process: it is not a thing to clean up.
 */
export function withMarker(marker, { prefix = false } = {}) {
  const exact = `${MARKER_ENV}=${marker}`;
  const below = `${exact}.`;
  const out = [];
  for (const name of pidNames()) {
    const pid = Number(name);
    if (pid === process.pid) continue;
    let env;
    try {
      env = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue; // gone, a zombie, a kernel thread, or not ours to read
    }
    for (const entry of env.split('\0')) {
      if (entry === exact || (prefix && entry.startsWith(below))) {
        const id = identify(pid);
        if (id) out.push(id);
        break;
      }
    }
  }
  return out;
}

/**
 * Whether a process group may be signalled: its leader is still the process we started, or a
 * live member carries our marker. (A pgid whose members are all gone is only a number that the
 * kernel may give to someone else's group.)
 */
export function groupIsOurs(leader, marker) {
  if (isAlive(leader.pid, leader.start)) return true;
  return withMarker(marker).some((id) => readStat(id.pid)?.pgid === leader.pid);
}

/** Reported processes still alive, plus every live carrier of the marker. */
export function survivors(ids, marker, options = {}) {
  const byPid = new Map();
  for (const id of ids) if (isAlive(id.pid, id.start)) byPid.set(id.pid, id);
  if (marker) for (const id of withMarker(marker, options)) byPid.set(id.pid, id);
  return [...byPid.values()].filter((id) => !options.keep?.(id));
}

/** SIGKILL one process we started, only if it is still the same process. */
export function killId({ pid, start }) {
  if (!isAlive(pid, start)) return false;
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/** The command line of pid, for messages. */
export function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0+$/, '').replaceAll('\0', ' ');
  } catch {
    return '?';
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls check() until it holds or withinMs passes; resolves to the last result. */
export async function waitUntil(check, withinMs, everyMs = 5) {
  const deadline = performance.now() + withinMs;
  for (;;) {
    if (check()) return true;
    if (performance.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/**
 * Ends what the benchmark left behind: the given processes and every carrier of the marker,
 * SIGKILL by pid, repeated until nothing is left (a dying parent may still fork).
 */
export async function sweep(ids, marker, options) {
  const ended = new Set();
  for (let round = 0; round < 20; round++) {
    const left = survivors(ids, marker, options);
    if (left.length === 0) break;
    for (const id of left) {
      const cmd = cmdline(id.pid);
      if (killId(id)) ended.add(`${id.pid} (${cmd})`);
    }
    await sleep(20);
  }
  return [...ended];
}
