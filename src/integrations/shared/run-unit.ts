import { createScope } from '../../scope/current.js';
import { getRegistry } from '../../registry/registry.js';
import { getSelf } from '../../registry/self.js';
import type { Scope } from '../../scope/scope.js';
import { leaksOf, type LeakList } from './leaks.js';
import { fileScopeOptions, type NormalizedIntegrationOptions } from './options.js';

/**
 * The whole run, in the runner's main process: the last to hold what the tests' processes left
 * and no test could be pinned to. It opens when the first test file is queued (after global
 * setup, whose daemons are not the tests'), with this process a child subreaper: the orphans of
 * a worker process that died, and of the tests in worker threads (which live in this process),
 * are re-parented here. At the run's end, every orphan adopted since it opened is a leak of the
 * run: ended and reported. Children this process's own code spawned are not orphans, and those
 * it still holds (the workers, over IPC) are never ended (see Scope#teardown's `owned`).
 */
export class RunUnit {
  readonly #options: NormalizedIntegrationOptions;
  #scope: Scope | undefined;

  constructor(options: NormalizedIntegrationOptions) {
    this.#options = options;
  }

  /** Loads what open() needs (koffi, ~5 ms) without opening, for a caller with time to spare. */
  prepare(): void {
    getRegistry().subreaper.prepare();
  }

  /** The run's first test file is queued; idempotent. */
  open(): void {
    if (this.#scope) return;
    getRegistry().subreaper.enable();
    this.#scope = createScope(fileScopeOptions(this.#options));
  }

  /** The run is over: ends what no test could be pinned to, and says what it was. */
  async end(): Promise<LeakList | undefined> {
    const scope = this.#scope;
    this.#scope = undefined;
    if (!scope) return undefined;
    return leaksOf(await scope.close(), getSelf);
  }
}
