import type { Reporter, TestModule, Vitest } from 'vitest/node';
import type { NormalizedIntegrationOptions } from '../shared/options.js';
import { afterFirstWorkerStarts } from '../shared/first-worker.js';
import type { RunReport } from './run-report.js';

/**
 * Prints, after each test file, every test, describe block and file that left processes running,
 * and one line at the end of the run; ends what the run's unit holds (run-report.ts does all
 * that). Runs in the main process; does nothing per test. A file that leaked nothing prints nothing.
 */
export class CurfewReporter implements Reporter {
  #vitest: Vitest | undefined;
  readonly #options: NormalizedIntegrationOptions;
  #report: RunReport | undefined;
  #loading: Promise<RunReport> | undefined;

  constructor(options: NormalizedIntegrationOptions = { onLeak: 'warn' }) {
    this.#options = options;
  }

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
  }

  // The run's report (most of the plugin's code: ~6 ms to compile) and the native layer its unit
  // opens with (~5 ms) load when the first worker starts, while this process waits for it to
  // boot; not in the config's import, nor when a file is queued, which that worker waits on.
  onTestRunStart(): void {
    if (this.#report) this.#report.start();
    else if (!this.#loading)
      afterFirstWorkerStarts(() => {
        // A failure to load is thrown where the report is awaited (onTestModuleQueued, onTestRunEnd).
        this.#load().then((report) => report.prepare(), () => undefined);
      });
  }

  // Queued after global setup: the run's unit opens with the first file.
  onTestModuleQueued(): void | Promise<void> {
    if (this.#report) return this.#report.queued();
    return this.#load().then((report) => report.queued());
  }

  async onTestModuleEnd(module: TestModule): Promise<void> {
    (this.#report ?? (await this.#load())).moduleEnd(module);
  }

  async onTestRunEnd(): Promise<void> {
    await (this.#report ?? (await this.#load())).end();
  }

  #load(): Promise<RunReport> {
    this.#loading ??= import('./run-report.js').then(({ RunReport }) => (this.#report = new RunReport(this.#options, this.#vitest)));
    return this.#loading;
  }
}
