import { basename } from 'node:path';
import { Writable } from 'node:stream';
import type { CurfewVitestOptions } from 'curfew/vitest';
import { loadCurfewPlugin, loadStartVitest } from './frameworks.js';
import { FIXTURE_PROJECTS, leakedPids, withFixtureEnv, type FixtureRun, type Outcome } from './fixture-run.js';

export interface VitestRunOptions {
  pool?: 'forks' | 'threads' | 'vmThreads' | 'vmForks';
  /** Vitest's `isolate` (a fresh worker per test file; the default). */
  isolate?: boolean;
  /** The plugin's options; `false` runs without the plugin. */
  curfew?: CurfewVitestOptions | false;
  /** A config file in the project instead of the plugin passed in (the one-line set-up). */
  configFile?: string;
  /** A custom `runner` module, relative to the project. */
  runner?: string;
  /** Test files run at once (Vitest's default here is the cores less one: 1 on a two-core machine). */
  maxWorkers?: number;
}

type Meta = { curfew?: { processes: { pid: number }[] } };
type Errors = { message: string }[] | undefined;

function outcome(state: string, errors: Errors, meta: Meta): Outcome {
  return { state, errors: (errors ?? []).map((e) => e.message), leaked: leakedPids(meta.curfew) };
}

function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

/** Runs real Vitest (the flavor's major) on a fixture project under fixtures/vitest/. */
export async function runVitest(project: string, options: VitestRunOptions = {}): Promise<FixtureRun> {
  const [startVitest, curfew] = await Promise.all([loadStartVitest(), loadCurfewPlugin()]);
  const root = options.configFile ? project : `${FIXTURE_PROJECTS}vitest/${project}`;
  const out = collector();
  return withFixtureEnv(async () => {
    // An empty reporter object stands in for the default one: the output holds only curfew's.
    const cli = { root, watch: false, reporters: [{}], ...(options.configFile ? { config: options.configFile } : { config: false as const, globals: true, pool: options.pool ?? 'forks', ...(options.isolate === undefined ? {} : { isolate: options.isolate }), ...(options.runner ? { runner: options.runner } : {}), ...(options.maxWorkers ? { maxWorkers: options.maxWorkers } : {}) }) };
    const plugins = options.configFile || options.curfew === false ? [] : [curfew(options.curfew ?? {})];
    const vitest = await startVitest('test', [], cli as never, { plugins }, { stdout: out.stream, stderr: out.stream } as never);
    try {
      const run: Omit<FixtureRun, 'started' | 'marker'> = { tests: new Map(), suites: new Map(), files: new Map(), output: '' };
      for (const module of vitest.state.getTestModules()) {
        const file = basename(module.moduleId);
        run.files.set(file, outcome(module.state(), module.errors() as Errors, module.meta() as Meta));
        for (const suite of module.children.allSuites()) run.suites.set(`${file} > ${suite.fullName}`, outcome(suite.state(), suite.errors() as Errors, suite.meta() as Meta));
        for (const test of module.children.allTests()) {
          const result = test.result();
          run.tests.set(`${file} > ${test.fullName}`, outcome(result.state, result.errors as Errors, test.meta() as Meta));
        }
      }
      run.output = out.text();
      return run;
    } finally {
      await vitest.close();
    }
  });
}
