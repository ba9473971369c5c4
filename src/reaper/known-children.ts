import type { ChildProcess } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';

// libuv waits for the children it spawned by pid; if we reaped one of them first, its 'exit'
// event would never fire. Every child_process spawn in this thread is announced on this channel
// (before its pid is known, so the objects are kept and their pids read when needed).
export class KnownChildren {
  readonly #live = new Set<ChildProcess>();
  /** Children that existed before we were listening: never ours to reap. */
  readonly #before: Set<number>;

  /** Called on every spawn in this thread, by any code (the watchdog hooks in here). */
  onSpawn: (() => void) | undefined;

  constructor(existing: number[]) {
    this.#before = new Set(existing);
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
    if (this.#before.has(pid)) return true;
    for (const child of this.#live) if (child.pid === pid) return true;
    return false;
  }

}
