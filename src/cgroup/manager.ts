import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getNative } from '../native/index.js';
import { waitFor } from '../wait.js';
import { detectCgroup, type CgroupSite } from './detect.js';
import { getProc } from '../proc/index.js';
import { randomDigits } from '../ids.js';
import { SIGKILL } from '../options.js';

const EMPTY_WAIT_MS = 3000;

function readPids(path: string): number[] {
  try {
    return readFileSync(join(path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function populated(path: string): boolean {
  try {
    return /populated 1/.test(readFileSync(join(path, 'cgroup.events'), 'utf8'));
  } catch {
    return false;
  }
}

// curfew-<owner pid>-s<owner start time>-<random>; names without the start time are older.
const OURS = /^curfew-(\d+)(?:-s(\d+))?-[0-9a-z]+$/;

// The owner's pid and start time (clock ticks since boot): a pid alone is reused. Read once:
// with cgroups on, every spawn makes a cgroup.
let ownerPrefix: string | undefined;
function ownerName(): string {
  ownerPrefix ??= `curfew-${process.pid}-s${getProc().stat(process.pid)?.startTicks ?? 0}-`;
  return ownerPrefix + randomDigits();
}

function ownerAlive(pid: number, start: string | undefined): boolean {
  if (start === undefined) return existsSync(`/proc/${pid}`);
  const info = getProc().stat(pid);
  return info !== null && String(info.startTicks) === start;
}

// A supervisor that was itself SIGKILLed cannot remove its cgroup. The next one to make a cgroup
// here removes those: named by us, owner process gone (not merely its pid taken by another),
// nothing inside (an empty cgroup runs nothing, so removing it can hurt no one).
function removeStale(base: string): void {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    const owner = OURS.exec(name);
    if (!owner || ownerAlive(Number(owner[1]), owner[2])) continue;
    removeTree(join(base, name));
  }
}

function removeTree(path: string): void {
  if (populated(path)) return;
  try {
    for (const entry of readdirSync(path, { withFileTypes: true })) if (entry.isDirectory()) removeTree(join(path, entry.name));
    rmdirSync(path);
  } catch {
    // still busy or not ours to remove: leave it
  }
}

/**
 * cgroup v2 placement and kill. Nothing escapes a cgroup: not a new session, not a scrubbed
 * environment, not a double fork. Only used where a subtree is writable; elsewhere `create()`
 * returns undefined and the other layers carry on.
 */
export class Cgroups {
  readonly site: CgroupSite;
  #usable: boolean;
  #swept = false;

  constructor(site: CgroupSite) {
    this.site = site;
    this.#usable = site.writable;
  }

  static detect(): Cgroups | undefined {
    const site = detectCgroup();
    return site ? new Cgroups(site) : undefined;
  }

  get usable(): boolean {
    return this.#usable;
  }

  /** A fresh, empty cgroup, or undefined when none can be made here. */
  create(): string | undefined {
    if (!this.#usable) return undefined;
    if (!this.#swept) {
      this.#swept = true;
      removeStale(this.site.base);
    }
    const path = join(this.site.base, ownerName());
    try {
      mkdirSync(path);
      // cgroup.kill (Linux 5.14+) only shows in non-root cgroups, so a new one is where to look.
      this.site.hasKill = existsSync(join(path, 'cgroup.kill'));
      return path;
    } catch {
      // Not writable after all (e.g. a read-only mount in a container): fall back silently.
      this.#usable = false;
      return undefined;
    }
  }

  pids(path: string): number[] {
    return readPids(path);
  }

  /** SIGKILL everything inside at once: cgroup.kill, or freeze, kill each, thaw, until empty. */
  killAll(path: string): void {
    if (this.site.hasKill && existsSync(join(path, 'cgroup.kill'))) {
      writeFileSync(join(path, 'cgroup.kill'), '1');
      return;
    }
    const native = getNative();
    try {
      writeFileSync(join(path, 'cgroup.freeze'), '1');
      for (const pid of readPids(path)) native.signalPid(pid, SIGKILL);
    } finally {
      writeFileSync(join(path, 'cgroup.freeze'), '0');
    }
  }

  /** Kills what is left, waits until `populated 0`, and removes the directory. */
  async remove(path: string | undefined): Promise<string[]> {
    if (!path || !existsSync(path)) return [];
    const emptied = await waitFor(() => {
      if (!populated(path)) return true;
      this.killAll(path);
      return false;
    }, EMPTY_WAIT_MS);
    if (!emptied) return [`cgroup ${path} still populated after ${EMPTY_WAIT_MS} ms`];
    try {
      rmdirSync(path);
    } catch (error) {
      return [`failed to remove cgroup ${path}: ${(error as Error).message}`];
    }
    return [];
  }
}
