import type { ChildProcess } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import { TOKEN_ENV } from '../ids.js';

/** Where a child_process spawn was made: the stack, formatted only when a report needs it. */
export interface SpawnRecord {
  readonly child: ChildProcess;
  /** An object whose `stack` is the spawn call's stack (captured, formatted on first read). */
  readonly site: { stack?: string };
  /** The token chain in this thread's environment at the spawn. */
  readonly token: string | undefined;
}

/** Frames enough to get past execa's and curfew's own to the caller's. */
const SITE_FRAMES = 40;
/** Spawn records kept after their child exited: a leak is often a grandchild of one. */
const RECENT = 64;

// libuv waits for the children it spawned by pid; if we reaped one of them first, its 'exit'
// event would never fire. Every child_process spawn in this thread is announced on this channel
// (from ChildProcess's constructor, before its pid is known: the objects are kept, and their pids
// read when needed). Each announcement also records where the spawn was made, for leak reports.
export class KnownChildren {
  readonly #live = new Set<ChildProcess>();
  readonly #recent: SpawnRecord[] = [];
  readonly #records = new WeakMap<ChildProcess, SpawnRecord>();
  /**
   * Children that existed before we were listening (pid → start time): never ours to reap. The
   * start time matters: pids are reused, and a later orphan that got one of these numbers is ours.
   */
  readonly #before: Map<number, number>;
  readonly #startOf: (pid: number) => number | undefined;

  /** Called on every spawn in this thread, by any code, before the child exists (the watchdog hooks in here). */
  onSpawn: ((child: ChildProcess) => void) | undefined;

  constructor(existing: number[], startOf: (pid: number) => number | undefined) {
    this.#startOf = startOf;
    this.#before = new Map(existing.map((pid) => [pid, startOf(pid) ?? -1]));
    subscribe('child_process', (message) => {
      const child = (message as { process?: ChildProcess }).process;
      if (!child) return;
      this.#live.add(child);
      this.#record(child);
      child.once('exit', () => this.#live.delete(child));
      this.onSpawn?.(child);
    });
  }

  /** True when pid is (or may be) a child that Node itself will reap. */
  has(pid: number): boolean {
    const start = this.#before.get(pid);
    if (start !== undefined) {
      if (this.#startOf(pid) === start) return true;
      this.#before.delete(pid);
    }
    return this.live(pid) !== undefined;
  }

  /** The running ChildProcess with this pid, spawned in this thread. */
  live(pid: number): ChildProcess | undefined {
    for (const child of this.#live) if (child.pid === pid) return child;
    return undefined;
  }

  /**
   * Running children spawned while a scope whose id is in `ids` was current (its token chain
   * then held that id). Node has not reaped them, so their pids are still theirs.
   */
  runningIn(ids: ReadonlySet<string>): number[] {
    const out: number[] = [];
    for (const child of this.#live) {
      const token = this.#records.get(child)?.token;
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null || !token) continue;
      if (token.split(':').some((id) => ids.has(id))) out.push(child.pid);
    }
    return out;
  }

  /** The spawn records still known (running children and the most recent others), newest last. */
  records(): SpawnRecord[] {
    const out = [...this.#recent];
    for (const child of this.#live) {
      const record = this.#records.get(child);
      if (record && !out.includes(record)) out.push(record);
    }
    return out;
  }

  /**
   * A child this process started without child_process and waits for itself (`curfew run`'s
   * command, through posix_spawn): Node's own as far as the sweep goes, never reaped by it.
   */
  waitedFor(pid: number): void {
    this.#before.set(pid, this.#startOf(pid) ?? -1);
  }

  /** Drops the record of a spawn curfew made itself (the watchdog's sidecar): never a test's. */
  forget(child: ChildProcess): void {
    const record = this.#records.get(child);
    if (!record) return;
    this.#records.delete(child);
    const at = this.#recent.indexOf(record);
    if (at >= 0) this.#recent.splice(at, 1);
  }

  #record(child: ChildProcess): void {
    const site: { stack?: string } = {};
    // Captured now, formatted (source maps and all) only if a leak report asks for it.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = SITE_FRAMES;
    Error.captureStackTrace(site);
    Error.stackTraceLimit = limit;
    const record = { child, site, token: process.env[TOKEN_ENV] };
    this.#records.set(child, record);
    this.#recent.push(record);
    if (this.#recent.length > RECENT) this.#recent.shift();
  }
}
