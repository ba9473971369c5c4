import { createScope } from '../../scope/current.js';
import { getSelf } from '../../scope/registry.js';
import type { Scope } from '../../scope/scope.js';
import { leaksOf, type LeakList } from './leaks.js';
import type { NormalizedIntegrationOptions } from './options.js';

/**
 * The scope of one test, suite or file: a child of whatever unit is entered when it opens, entered
 * itself (so plain child_process spawns carry its token through the environment), and ended with
 * a teardown whose leaks are the unit's report.
 */
export class Unit {
  readonly scope: Scope;
  #entered = false;
  #previousToken: string | undefined;

  constructor(options: NormalizedIntegrationOptions) {
    const { grace, signals } = options;
    // Without options of its own, the scope shares its parent's (nothing to validate again per test).
    this.scope = createScope(grace === undefined && signals === undefined ? undefined : { grace, signals });
  }

  enter(): this {
    if (!this.#entered) this.#previousToken = this.scope.enterTokenOnly();
    this.#entered = true;
    return this;
  }

  /** Stops being current without ending anything (a file collected before another is run). */
  leave(): void {
    if (this.#entered) this.scope.leaveTokenOnly(this.#previousToken);
    this.#entered = false;
  }

  /** Leaves and, when the unit started nothing, closes it without a promise: true. Else false, and end() does the rest. */
  endIfIdle(): boolean {
    this.leave();
    return this.scope.closeIfIdle();
  }

  /** Leaves, ends everything the unit started, and says what leaked (undefined: nothing). */
  async end(): Promise<LeakList | undefined> {
    this.leave();
    return leaksOf(await this.scope.close(), getSelf());
  }
}
