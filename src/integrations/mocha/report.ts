import type { ReportKind } from '../../report/index.js';
import { writeReport, type CurfewReport } from '../../report/index.js';
import type { LeakList } from '../shared/leaks.js';
import type { NormalizedIntegrationOptions } from '../shared/options.js';
import { ReportCollector } from '../shared/report-collector.js';
import { ReportParts, runnerIdentity } from '../shared/report-parts.js';

const RUNNER = 'mocha';

/**
 * A Mocha process's share of the report (CURFEW_REPORT) and its GitHub annotations (on stderr,
 * beside the leak blocks; Mocha's reporter owns stdout). Serially the one process writes the
 * file when the run ends. With --parallel each worker writes a part per test file, keyed by the
 * main process, before Mocha hears that the file is done; the main process, which runs no test,
 * merges the parts when the run ends, and removes them.
 */
export class MochaReport {
  readonly #options: NormalizedIntegrationOptions;
  readonly #collector: ReportCollector;
  #worker = false;
  #file = '';

  constructor(options: NormalizedIntegrationOptions) {
    this.#options = options;
    const { onLeak, report } = options;
    const write = (path: string, written: CurfewReport): string => {
      if (!this.#worker) return writeReport(path, written);
      const runner = runnerIdentity(process.ppid);
      // The main process is gone (killed): nothing would merge the part.
      if (runner) new ReportParts(path, runner).write(this.#file, written);
      return path;
    };
    this.#collector = new ReportCollector({ runner: RUNNER, onLeak, ...(report ? { report } : {}), write });
  }

  add(kind: ReportKind, title: string, leaks: LeakList, file: string | undefined): void {
    this.#collector.add(kind, title, leaks, file ? { file } : {});
  }

  /** A --parallel worker's test file has ended (its root's after-all hooks have run). */
  finishFile(file: string | undefined): void {
    this.#worker = true;
    this.#file = file ?? `${process.pid}-${Date.now()}`;
    this.#print();
  }

  /** The main process's run has ended: serially, the whole report; with --parallel, the workers' parts merged. */
  finishRun(parallel: boolean): void {
    const { report, onLeak } = this.#options;
    if (!parallel) return this.#print();
    const runner = runnerIdentity(process.pid);
    if (!report || !runner) return;
    const parts = new ReportParts(report, runner);
    parts.merge(RUNNER, onLeak);
    parts.remove();
  }

  #print(): void {
    this.#collector.finish((text) => process.stderr.write(text));
  }
}
