import { relative } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { countLeaks, emptyTally, formatLeakBlock, formatSummary, painter, titles, type LeakTally, type Paint } from '../shared/format.js';
import type {} from './meta.js';

/**
 * Prints, after each test file, every test, describe block and file that left processes running
 * (from the task meta the worker wrote), and one line at the end of the run. A file that leaked
 * nothing prints nothing. Runs in the main process; does nothing per test.
 */
export class CurfewReporter implements Reporter {
  #vitest: Vitest | undefined;
  #tally: LeakTally = emptyTally();
  #paint: Paint = painter(false);

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
    const stream = vitest.logger.errorStream as { isTTY?: boolean };
    this.#paint = painter(stream.isTTY === true && !process.env.NO_COLOR);
  }

  onTestRunStart(): void {
    this.#tally = emptyTally();
  }

  onTestModuleEnd(module: TestModule): void {
    const file = relative(this.#vitest?.config.root ?? process.cwd(), module.moduleId);
    const blocks: string[] = [];
    const own = module.meta().curfew;
    if (own) {
      countLeaks(this.#tally, 'files', own);
      blocks.push(formatLeakBlock(titles.file(file), own, this.#paint));
    }
    for (const suite of module.children.allSuites()) {
      const leaks = suite.meta().curfew;
      if (!leaks) continue;
      countLeaks(this.#tally, 'suites', leaks);
      blocks.push(formatLeakBlock(titles.suite(file, suite.fullName), leaks, this.#paint));
    }
    for (const test of module.children.allTests()) {
      const leaks = test.meta().curfew;
      if (!leaks) continue;
      countLeaks(this.#tally, 'tests', leaks);
      blocks.push(formatLeakBlock(titles.test(file, test.fullName), leaks, this.#paint));
    }
    if (blocks.length > 0) this.#vitest?.logger.warn(blocks.join('').trimEnd());
  }

  onTestRunEnd(): void {
    const summary = formatSummary(this.#tally, this.#paint);
    if (summary) this.#vitest?.logger.warn(summary.trimEnd());
  }
}
