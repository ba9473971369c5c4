import { isMainThread } from 'node:worker_threads';
import { getNative } from '../native/index.js';
import { getProc, isDead } from '../proc/index.js';
import { KnownChildren } from './known-children.js';

const REAP_EVERY_MS = 1000;
// A dying tree sends a SIGCHLD per orphan, and each sweep reads every orphan's stat: one sweep
// per burst, not one per signal (per signal, ending a 100-process tree spent ~25 ms of CPU here
// sweeping, while the tree needed that CPU to exit).
const SIGCHLD_SWEEP_DELAY_MS = 10;

/**
 * The child-subreaper layer: while on, every orphaned descendant of this process is re-parented
 * to it instead of to init, so it can be found (and reaped) even with a scrubbed environment and
 * a session of its own. Only a process's main thread turns it on: on a worker thread the
 * re-parented orphans would land on a thread that does not know them.
 */
export class Subreaper {
  readonly known: KnownChildren;
  #active = false;
  #tried = false;
  #sweepQueued = false;

  /**
   * Children this process already has are taken as Node's own (never reaped) unless
   * `adopted`: a `curfew run` supervisor that took over from its Perl front end (same pid) has
   * only orphans of the command as children.
   */
  constructor(options: { adopted?: boolean } = {}) {
    this.known = new KnownChildren(options.adopted ? [] : this.#mainThreadChildren(), (pid) => (process.platform === 'linux' ? (getProc().stat(pid)?.startTicks ?? undefined) : undefined));
  }

  get active(): boolean {
    return this.#active;
  }

  /** Turns the layer on once; returns whether it is on. Never throws: the other layers still work. */
  enable(): boolean {
    if (this.#tried) return this.#active;
    this.#tried = true;
    if (!isMainThread || process.platform !== 'linux') return false;
    try {
      this.#active = getNative().setChildSubreaper();
    } catch {
      this.#active = false;
    }
    if (this.#active) {
      process.on('SIGCHLD', () => {
        if (this.#sweepQueued) return;
        this.#sweepQueued = true;
        setTimeout(() => {
          this.#sweepQueued = false;
          this.reapOrphans();
        }, SIGCHLD_SWEEP_DELAY_MS).unref();
      });
      // Children of a worker thread that exits move to the main thread without a SIGCHLD (the
      // kernel only notifies across thread groups), so dead ones are also looked for now and then.
      setInterval(() => this.reapOrphans(), REAP_EVERY_MS).unref();
    }
    return this.#active;
  }

  /** Orphans re-parented here: children of the main thread that Node did not spawn. */
  orphans(): number[] {
    if (!this.#active) return [];
    return this.#mainThreadChildren().filter((pid) => !this.known.has(pid));
  }

  /** Whether any orphan is re-parented here (orphans() without its array when off). */
  hasOrphans(): boolean {
    return this.#active && this.orphans().length > 0;
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
    let reaped = 0;
    for (const pid of this.orphans()) {
      const info = proc.stat(pid);
      if (info && isDead(info) && native.reapChild(pid)) reaped++;
    }
    return reaped;
  }

  #mainThreadChildren(): number[] {
    if (process.platform !== 'linux') return [];
    const proc = getProc();
    return proc.childrenOfTask(process.pid, process.pid);
  }
}
