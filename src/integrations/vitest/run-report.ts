import { relative } from 'node:path';
import type { TestModule, Vitest } from 'vitest/node';
import { countLeaks, emptyTally, formatLeakBlock, formatSummary, painter, titles, type LeakTally, type Paint } from '../shared/format.js';
import type { NormalizedIntegrationOptions } from '../shared/options.js';
import type { LeakList } from '../shared/leaks.js';
import { ReportCollector, type LeakPlace } from '../shared/report-collector.js';
import { RunUnit } from '../shared/run-unit.js';
import type {} from './meta.js';

/**
 * What the reporter does with a run (reporter.ts loads it lazily): prints, after each test file,
 * every test, describe block and file that left processes running (from the task meta the
 * worker wrote), ends and reports what the run's unit holds, and prints one line at the end.
 */
export class RunReport {
  readonly #vitest: Vitest | undefined;
  readonly #options: NormalizedIntegrationOptions;
  readonly #run: RunUnit;
  readonly #collector: ReportCollector;
  readonly #paint: Paint;
  #tally: LeakTally = emptyTally();

  constructor(options: NormalizedIntegrationOptions, vitest: Vitest | undefined) {
    this.#vitest = vitest;
    this.#options = options;
    this.#run = new RunUnit(options);
    this.#collector = new ReportCollector({ runner: 'vitest', onLeak: options.onLeak, report: options.report });
    const { shard } = (vitest?.config ?? {}) as { shard?: { index: number; count: number } };
    if (shard) this.#collector.shard = `${shard.index}/${shard.count}`;
    const stream = vitest?.logger.errorStream as { isTTY?: boolean } | undefined;
    this.#paint = painter(stream?.isTTY === true && !process.env.NO_COLOR);
  }

  /** Loads what the run's unit opens with, without opening it. */
  prepare(): void {
    this.#run.prepare();
  }

  start(): void {
    this.#tally = emptyTally();
  }

  queued(): void {
    this.#run.open();
  }

  moduleEnd(module: TestModule): void {
    const file = relative(this.#vitest?.config.root ?? process.cwd(), module.moduleId);
    const blocks: string[] = [];
    const own = module.meta().curfew;
    if (own) blocks.push(this.#record('file', titles.file(file), own, { file: module.moduleId }));
    for (const suite of module.children.allSuites()) {
      const leaks = suite.meta().curfew;
      if (leaks) blocks.push(this.#record('suite', titles.suite(file, suite.fullName), leaks, { file: module.moduleId, line: suite.location?.line }));
    }
    for (const test of module.children.allTests()) {
      const leaks = test.meta().curfew;
      if (leaks) blocks.push(this.#record('test', titles.test(file, test.fullName), leaks, { file: module.moduleId, line: test.location?.line }));
    }
    if (blocks.length > 0) this.#vitest?.logger.warn(blocks.join('').trimEnd());
  }

  async end(): Promise<void> {
    const leaks = await this.#run.end();
    if (leaks && this.#options.onLeak !== 'ignore') {
      this.#vitest?.logger.warn(this.#record('run', titles.run, leaks).trimEnd());
      if (this.#options.onLeak === 'fail') process.exitCode = 1;
    }
    const summary = formatSummary(this.#tally, this.#paint);
    if (summary) this.#vitest?.logger.warn(summary.trimEnd());
    this.#collector.finish((text) => this.#vitest?.logger.log(text.trimEnd()));
  }

  // A unit's leaks: counted for the summary, added to the report file, and printed as the returned block.
  #record(kind: 'file' | 'suite' | 'test' | 'run', title: string, leaks: LeakList, place?: LeakPlace): string {
    countLeaks(this.#tally, `${kind}s`, leaks);
    this.#collector.add(kind, title, leaks, place);
    return formatLeakBlock(title, leaks, this.#paint);
  }
}
