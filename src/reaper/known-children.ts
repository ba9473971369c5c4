import type { ChildProcess } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';

// libuv waits for the children it spawned by pid; if we reaped one of them first, its 'exit'
// event would never fire. Every child_process spawn in this thread is announced on this channel
// (before its pid is known, so the objects are kept and their pids read when needed).
export class KnownChildren {
  readonly #live = new Set<ChildProcess>();
  /**
   * Children that existed before we were listening (pid → start time): never ours to reap. The
   * start time matters: pids are reused, and a later orphan that got one of these numbers is ours.
   */
  readonly #before: Map<number, number>;
  readonly #startOf: (pid: number) => number | undefined;

  /** Called on every spawn in this thread, by any code (the watchdog hooks in here). */
  onSpawn: (() => void) | undefined;

  constructor(existing: number[], startOf: (pid: number) => number | undefined) {
    this.#startOf = startOf;
    this.#before = new Map(existing.map((pid) => [pid, startOf(pid) ?? -1]));
    subscribe('child_process', (message) => {
      const child = (message as { process?: ChildProcess }).process;
      if (!child) return;
      this.#live.add(child);
      child.once('exit', () => this.#live.delete(child));
      this.onSpawn?.();
    });
  }

  /** True when pid is (or may be) a child that Node itself will reap. */
  has(pid: number): boolean {
    const start = this.#before.get(pid);
    if (start !== undefined) {
      if (this.#startOf(pid) === start) return true;
      this.#before.delete(pid);
    }
    for (const child of this.#live) if (child.pid === pid) return true;
    return false;
  }

}
