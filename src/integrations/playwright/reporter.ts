import type { FullConfig, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { countLeaks, emptyTally, formatLeakBlock, formatSummary, painter, type LeakTally } from '../shared/format.js';
import type { OnLeak } from '../shared/options.js';
import { ReportCollector } from '../shared/report-collector.js';
import { ATTACHMENT, type LeakAttachment } from './attachment.js';

/** `reporter: [['list'], ['curfew/playwright-reporter', { report: 'curfew-report.json' }]]`. */
export interface CurfewPlaywrightReporterOptions {
  /** Write the run's leaks to this file as a versioned JSON report (docs/reports.md). */
  report?: string;
  /** The fixtures' `onLeak`, for the annotations' level on GitHub Actions (errors under 'fail'). @default 'warn' */
  onLeak?: OnLeak;
}

/**
 * Optional, beside the fixtures (which do the work): one block per leaking test after the run,
 * one summary line, the report file, and GitHub Actions annotations. It reads the attachment
 * each leaking test carries, so it also works on `npx playwright merge-reports` of blob reports.
 */
export default class CurfewPlaywrightReporter implements Reporter {
  readonly #collector: ReportCollector;
  readonly #onLeakGiven: boolean;
  readonly #blocks: string[] = [];
  #tally: LeakTally = emptyTally();

  constructor(options: CurfewPlaywrightReporterOptions = {}) {
    if (options.report !== undefined && (typeof options.report !== 'string' || options.report === '')) throw new TypeError(`The \`report\` option must be a file path, got ${JSON.stringify(options.report)}.`);
    this.#onLeakGiven = options.onLeak !== undefined;
    this.#collector = new ReportCollector({ runner: 'playwright', onLeak: options.onLeak ?? 'warn', report: options.report });
  }

  onBegin(config: FullConfig): void {
    const { shard } = config;
    if (shard) this.#collector.shard = `${shard.current}/${shard.total}`;
    // Else the fixtures' own option, from the config's `use` (errors on GitHub under 'fail').
    const onLeak = config.projects.map((p) => (p.use as { curfew?: { onLeak?: OnLeak } }).curfew?.onLeak).find(Boolean);
    if (!this.#onLeakGiven && onLeak) this.#collector.onLeak = onLeak;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    for (const attachment of result.attachments) {
      if (attachment.name !== ATTACHMENT || !attachment.body) continue;
      const { title, line, leaks } = JSON.parse(attachment.body.toString('utf8')) as LeakAttachment;
      countLeaks(this.#tally, 'tests', leaks);
      this.#collector.add('test', title, leaks, { file: test.location.file, line });
      this.#blocks.push(formatLeakBlock(title, leaks, painter(false)));
    }
  }

  onEnd(): void {
    const paint = painter(process.stderr.isTTY === true && !process.env.NO_COLOR);
    const summary = formatSummary(this.#tally, paint);
    if (summary) process.stderr.write(`\n${this.#blocks.join('')}${summary}`);
    this.#tally = emptyTally();
    this.#blocks.length = 0;
    this.#collector.finish();
  }

  printsToStdio(): boolean {
    return false;
  }
}
