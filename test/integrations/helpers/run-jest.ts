import { basename } from 'node:path';
import { loadRunCLI, resolveCurfew } from './frameworks.js';
import { FIXTURE_PROJECTS, withFixtureEnv, type FixtureRun } from './fixture-run.js';

export interface JestRunOptions {
  /** In the runner's process, or in Jest's worker processes. */
  inBand?: boolean;
  /** Jest's workers as threads of its own process (`workerThreads`), not processes. */
  workerThreads?: boolean;
  /** `testEnvironmentOptions.curfew`. */
  curfew?: Record<string, unknown>;
  /** The whole `testEnvironmentOptions` instead (to put options where they do not belong). */
  environmentOptions?: Record<string, unknown>;
  /** Add curfew's reporter (for the end-of-run summary). */
  reporter?: boolean;
  /** A jest.config.js in the project instead of the options above (the one-line set-up). */
  configFile?: string;
}

export interface JestRun extends FixtureRun {
  /** The raw failure details of each test, by key (errors as Jest kept them). */
  details: Map<string, unknown[]>;
}

// Jest reporters (and in-band environments) write to the process's stderr: keep it for the
// assertions instead of printing it into this run's output.
async function captureStderr<T>(body: () => Promise<T>): Promise<{ value: T; text: string }> {
  const write = process.stderr.write;
  let text = '';
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    text += String(chunk);
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof process.stderr.write;
  try {
    return { value: await body(), text };
  } finally {
    process.stderr.write = write;
  }
}

/** Runs real Jest (the flavor's major) with runCLI on a fixture project under fixtures/jest/. */
export async function runJest(project: string, options: JestRunOptions = {}): Promise<JestRun> {
  const runCLI = loadRunCLI();
  const root = options.configFile ? project : `${FIXTURE_PROJECTS}jest/${project}`;
  const config = options.configFile ?? JSON.stringify({ rootDir: root, testEnvironment: resolveCurfew('curfew/jest-environment'), testEnvironmentOptions: options.environmentOptions ?? { curfew: options.curfew ?? {} } });
  const reporters = options.configFile ? undefined : options.reporter === false ? [] : [resolveCurfew('curfew/jest-reporter')];
  const workers = options.workerThreads ? { maxWorkers: 2, workerThreads: true } : options.inBand === false ? { maxWorkers: 2, workerIdleMemoryLimit: '800MB' } : { runInBand: true };
  const argv = { $0: 'jest', _: [], config, silent: true, watchman: false, cache: false, ...(reporters ? { reporters } : {}), ...workers };
  const details = new Map<string, unknown[]>();
  // In band, fixture files run one after another: one must not wait for another (see fixtures/helpers.cjs).
  const sequential = process.env.CURFEW_IT_SEQUENTIAL;
  if (!options.workerThreads && options.inBand !== false) process.env.CURFEW_IT_SEQUENTIAL = '1';
  const run = await withFixtureEnv(async () => {
    const { value: results, text } = await captureStderr(async () => (await runCLI(argv as never, [root])).results);
    const out: Omit<JestRun, 'started' | 'marker'> = { tests: new Map(), suites: new Map(), files: new Map(), output: text, details };
    for (const file of results.testResults) {
      const name = basename(file.testFilePath);
      out.files.set(name, { state: file.testExecError || file.failureMessage ? 'failed' : 'passed', errors: file.testExecError ? [file.testExecError.message || String(file.testExecError.stack)] : [], leaked: [] });
      for (const test of file.testResults) {
        const key = `${name} > ${[...test.ancestorTitles, test.title].join(' > ')}`;
        out.tests.set(key, { state: test.status, errors: test.failureMessages, leaked: [] });
        details.set(key, test.failureDetails);
      }
    }
    return out;
  }).finally(() => {
    if (sequential === undefined) delete process.env.CURFEW_IT_SEQUENTIAL;
    else process.env.CURFEW_IT_SEQUENTIAL = sequential;
  });
  return run;
}
