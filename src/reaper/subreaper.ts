import { realTimers } from '../clock.js';
import { isMainThread } from '../main-thread.js';
import { getNative } from '../native/index.js';
import { getProc, isDead } from '../proc/index.js';
import { KnownChildren } from './known-children.js';

// Orphans are looked for this often besides SIGCHLD: one adopted when a deeper descendant dies
// sends us no signal, and the watchdog must learn its name before we could die.
const REAP_EVERY_MS = 200;
// A dying tree sends a SIGCHLD per orphan, and each sweep reads every orphan's stat: one sweep
// per burst, not one per signal (per signal, ending a 100-process tree spent ~25 ms of CPU here
// sweeping, while the tree needed that CPU to exit).
const SIGCHLD_SWEEP_DELAY_MS = 10;

/** Orphans announced to onAdopt are remembered up to this many, then the memory starts again. */
const ADOPTED_MAX = 1024;

/**
 * The child-subreaper layer: while on, every orphaned descendant of this process is re-parented
 * to it instead of to init, so it can be found (and reaped) even with a scrubbed environment and
 * a session of its own. The attribute is the process's, and orphans land on its main thread,
 * whichever thread turned it on. A worker thread (Vitest's threads pools, Jest's workerThreads,
 * a pool's worker) turns it on too, but never reaps: it cannot tell an orphan from a child the
 * main thread's code spawned and libuv will wait for (see mayReap), and it claims an orphan only
 * by a token naming one of its scopes (registry/orphans.ts, orphanOwner).
 */
export class Subreaper {
  readonly known: KnownChildren;
  #active = false;
  #tried = false;
  #sweepQueued = false;
  /** Orphans already announced to onAdopt, by identity. */
  readonly #adopted = new Set<string>();
  // Orphans a worker thread has seen once and not yet judged (see reapOrphans).
  readonly #sighted = new Set<string>();

  /** Called once for each orphan a sweep finds adopted here, alive (the watchdog's ledger hooks in). */
  onAdopt: ((pid: number, startTicks: number) => void) | undefined;

  /** Children this process already has are taken as Node's own (never reaped). */
  constructor() {
    this.known = new KnownChildren(this.#mainThreadChildren(), (pid) => (process.platform === 'linux' ? (getProc().stat(pid)?.startTicks ?? undefined) : undefined));
  }

  get active(): boolean {
    return this.#active;
  }

  /** Turns the layer on once; returns whether it is on. Never throws: the other layers still work. */
  enable(): boolean {
    if (this.#tried) return this.#active;
    this.#tried = true;
    if (process.platform !== 'linux') return false;
    try {
      this.#active = getNative().setChildSubreaper();
    } catch {
      this.#active = false;
    }
    // Signals reach only the main thread; a worker thread looks now and then.
    if (this.#active && isMainThread()) {
      process.on('SIGCHLD', () => {
        if (this.#sweepQueued) return;
        this.#sweepQueued = true;
        realTimers.setTimeout(() => {
          this.#sweepQueued = false;
          this.reapOrphans();
        }, SIGCHLD_SWEEP_DELAY_MS).unref();
      });
      // Children of a worker thread that exits move to the main thread without a SIGCHLD (the
      // kernel only notifies across thread groups), so dead ones are also looked for now and then.
    }
    if (this.#active) realTimers.setInterval(() => this.reapOrphans(), REAP_EVERY_MS).unref();
    return this.#active;
  }

  /**
   * Loads what enable() needs (koffi, most of its cost) without turning the layer on, for a caller
   * that is idle now and would otherwise pay for it on a critical path later. Never throws:
   * enable() tries again, and copes.
   */
  prepare(): void {
    if (this.#tried || process.platform !== 'linux') return;
    try {
      getNative();
    } catch {
      // enable() meets the same failure and leaves the layer off.
    }
  }

  /** Only the main thread reaps: its code's own children are known to it alone. */
  get mayReap(): boolean {
    return isMainThread();
  }

  /**
   * Orphans re-parented here: children of the main thread that Node did not spawn (on a worker
   * thread: that this thread did not spawn, nor the main thread before we looked).
   */
  orphans(): number[] {
    if (!this.#active) return [];
    return this.#mainThreadChildren().filter((pid) => !this.known.has(pid));
  }

  /**
   * Whether any orphan is re-parented here (orphans() without its array when off). On a worker
   * thread, false: an orphan of its own scopes carries their token and was forked after they
   * opened, which the pid counter shows; the main thread's children are not its to weigh.
   */
  hasOrphans(): boolean {
    return this.#active && isMainThread() && this.orphans().length > 0;
  }

  /**
   * Reaps dead orphans so they do not pile up as zombies. Only the main thread's own children
   * are considered (children of worker threads sit on their thread's list), and never one that
   * Node spawned.
   */
  reapOrphans(): number {
    if (!this.#active) return 0;
    const proc = getProc();
    const native = getNative();
    // Reaping is the main thread's alone; a worker thread's sweep only announces.
    let reaped = 0;
    for (const pid of this.orphans()) {
      const info = proc.stat(pid);
      if (!info) continue;
      const key = `${pid}:${info.startTicks}`;
      if (isDead(info)) {
        if (this.mayReap && native.reapChild(pid)) reaped++;
        this.#adopted.delete(key);
      } else if (this.onAdopt && !this.#adopted.has(key)) {
        // A worker thread names an orphan on its second sighting: a child the main thread has just
        // spawned (its crash watchdog, say) shows the main process's environment until it has exec'd.
        if (!this.mayReap && !this.#sighted.delete(key)) {
          if (this.#sighted.size >= ADOPTED_MAX) this.#sighted.clear();
          this.#sighted.add(key);
          continue;
        }
        if (this.#adopted.size >= ADOPTED_MAX) this.#adopted.clear();
        this.#adopted.add(key);
        this.onAdopt(pid, info.startTicks);
      }
    }
    return reaped;
  }

  #mainThreadChildren(): number[] {
    if (process.platform !== 'linux') return [];
    const proc = getProc();
    return proc.childrenOfTask(process.pid, process.pid);
  }
}
