import type { ScopeOptions } from '../../options.js';
import { createScope } from '../../scope/current.js';
import { getSelf } from '../../registry/self.js';
import type { Owned, Scope } from '../../scope/scope.js';
import { leaksOf, type LeakList, type TitleOf } from './leaks.js';

/**
 * The scope of one test, suite or file: a child of whatever unit is entered when it opens, entered
 * itself (so plain child_process spawns carry its token through the environment), and ended with
 * a teardown whose leaks are the unit's report.
 */
export class Unit {
  readonly scope: Scope;
  #entered = false;
  #previousToken: string | undefined;
  /** After end(): whether it left processes running for their owner (held, kept or allowed). */
  keptSome = false;

  /** A test file's unit takes the integration's scope options; tests and describe blocks inherit them. */
  constructor(options?: ScopeOptions) {
    this.scope = createScope(options);
  }

  enter(): this {
    if (!this.#entered) this.#previousToken = this.scope.enterAndSwapToken();
    this.#entered = true;
    return this;
  }

  /** Stops being current without ending anything (a file collected before another is run). */
  leave(): void {
    if (this.#entered) this.scope.exitAndRestoreToken(this.#previousToken);
    this.#entered = false;
  }

  /** Leaves and, when the unit started nothing, closes it without a promise: true. Else false, and end() does the rest. */
  endIfIdle(): boolean {
    this.leave();
    return this.scope.closeIfIdle();
  }

  /**
   * Leaves, ends everything the unit started, and says what leaked (undefined: nothing). With
   * `owned: 'close'` (a file whose module graph ends with it), what the test process held for
   * the file is let go too, and reported if it does not exit then.
   */
  async end(owned: Owned = 'keep', titleOf?: TitleOf): Promise<LeakList | undefined> {
    this.leave();
    const report = await this.scope.close({ owned });
    this.keptSome = report.kept.length > 0;
    return leaksOf(report, getSelf, titleOf);
  }
}
