import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MARKER_ENV } from './processes.js';

// Plain node only (no curfew import): these helpers validate the escaper fixtures themselves.

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** What a fixture's processes do to escape (fixtures/escapers.json, fixtures/README.md). */
export type EscapeProperty = 'session' | 'title' | 'nondumpable' | 'pidns';

export interface Escaper {
  name: string;
  package: string | null;
  needsRoot: boolean;
  needsKill?: boolean;
  escapes: EscapeProperty[];
  description: string;
}

/** Fixtures of real escaping programs (redis, nginx, ...) and synthetic kinds, from fixtures/escapers.json. */
export const ESCAPERS: Escaper[] = JSON.parse(readFileSync(`${FIXTURES}escapers.json`, 'utf8'));

export function escaperPath(name: string): string {
  return FIXTURES + name;
}

export interface EscaperLine {
  pids: number[];
  /** lib/deadline.sh's pid, which bounds a real daemon: reported in pids, but it is not an escapee itself. */
  deadline?: number;
  /** The fixture's temp dir (sockets, pidfiles, logs). */
  dir?: string;
  [key: string]: unknown;
}

/** Who runs a fixture: undefined = this process's user, or another uid/gid (needs root). */
export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

export type Started = { line: EscaperLine; skipped?: undefined } | { skipped: string; line?: undefined };

/**
 * Runs a fixture with plain child_process and the marker in its environment. Resolves with its JSON line
 * (without waiting for it to exit), or with the reason it gave when it exited 77 (skip). Rejects on any
 * other exit without a line.
 */
export function startEscaper(name: string, marker: string, as?: RunAs, withinMs = 30_000): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, [MARKER_ENV]: marker };
  if (as) Object.assign(env, { TMPDIR: '/tmp', HOME: '/tmp', USER: as.name, LOGNAME: as.name });
  const child = spawn(escaperPath(name), [], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(as && { uid: as.uid, gid: as.gid }) });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`${name}: no JSON line within ${withinMs} ms; stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)}`))), withinMs);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      finish(() => {
        try {
          resolve({ line: JSON.parse(out.slice(0, nl)) as EscaperLine });
        } catch (error) {
          reject(error);
        }
      });
    });
    child.on('error', (error) => finish(() => reject(error)));
    // 'close': stdout and stderr both ended (the fixtures give their daemons /dev/null or their own log files).
    child.on('close', (code, signal) =>
      finish(() => {
        if (code === 77) resolve({ skipped: err.trim() || `${name} exited 77 without a reason` });
        else reject(new Error(`${name} exited with ${code ?? signal} without a JSON line; stderr: ${err.trim()}`));
      }),
    );
  });
}

/** The unprivileged user to run fixtures as when this process is root (nobody), or null. */
export function unprivilegedUser(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('nobody:'));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid), name: 'nobody' };
}

/** Why `as` can't run the fixture (the repo is not readable or executable for it), or null if it can. */
export function cannotRun(name: string, as: RunAs): string | null {
  const r = spawnSync('/bin/sh', ['-c', 'test -r "$1" && test -x "$1" && test -r "$2"', 'sh', escaperPath(name), `${FIXTURES}lib/deadline.sh`], { uid: as.uid, gid: as.gid });
  return r.status === 0 ? null : `${FIXTURES} is not readable and executable for ${as.name} (uid ${as.uid})`;
}

export type EnvironRead = { ok: true; vars: string[] } | { ok: false; error: string };

/** Reads /proc/<pid>/environ as this process, or as another user (through `cat` run with its uid). */
export function readEnviron(pid: number, as?: RunAs): EnvironRead {
  const path = `/proc/${pid}/environ`;
  if (!as) {
    try {
      return { ok: true, vars: readFileSync(path, 'latin1').split('\0').filter(Boolean) };
    } catch (error) {
      return { ok: false, error: (error as NodeJS.ErrnoException).code ?? String(error) };
    }
  }
  const r = spawnSync('cat', [path], { uid: as.uid, gid: as.gid, encoding: 'latin1' });
  if (r.status === 0) return { ok: true, vars: r.stdout.split('\0').filter(Boolean) };
  return { ok: false, error: /Permission denied/.test(r.stderr) ? 'EACCES' : r.stderr.trim() || `cat exited ${r.status}` };
}

/** How an environ read looks, for the measured table: "marker", "no marker", or the error code. */
export function describeEnviron(read: EnvironRead, marker: string): string {
  if (!read.ok) return read.error;
  return read.vars.includes(`${MARKER_ENV}=${marker}`) ? 'marker' : read.vars.some((v) => v.includes('=')) ? 'no marker' : 'no variables';
}

/** The pid's ids in each pid namespace, outermost first (NSpid), or [] if it is gone. */
export function nsPids(pid: number): number[] {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'latin1')
      .split('\n')
      .find((l) => l.startsWith('NSpid:'));
    return line ? line.slice(6).trim().split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

export function uidOf(pid: number): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'latin1')
      .split('\n')
      .find((l) => l.startsWith('Uid:'));
    return line ? Number(line.slice(4).trim().split(/\s+/)[0]) : null;
  } catch {
    return null;
  }
}

export function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'latin1').trim();
  } catch {
    return '?';
  }
}

/** Removes a fixture's temp dir, but only one that looks like it (…/curfew-NAME.XXXXXX). */
export function removeFixtureDir(dir: string): void {
  if (!/^curfew-[a-z-]+\.[A-Za-z0-9]{6,}$/.test(basename(dir))) throw new Error(`not a fixture temp dir: ${dir}`);
  rmSync(dir, { recursive: true, force: true });
}
