import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CURFEW_DIR, FLAVOR, mochaBin } from './frameworks.js';
import { installProject, withFixtureEnv, type FixtureRun, type Outcome } from './fixture-run.js';

const EVENTS_REPORTER = fileURLToPath(new URL('./node-test-events.mjs', import.meta.url));
const RUN_LIMIT_MS = 150_000;

export interface RunnerRun extends FixtureRun {
  exitCode: number;
  /** What the runner's own reporter printed (stdout) and what went to stderr. */
  stdout: string;
  stderr: string;
  /** Every failure's error, tests' and hooks' (node:test names a failed root hook after its module). */
  failures: string[];
}

/** Runs a command to its end (killed by its pid after the limit), with the fixtures' variables. */
function runCommand(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env: { ...process.env, ...env }, timeout: RUN_LIMIT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      if (error && typeof code !== 'number') reject(Object.assign(error, { stdout, stderr }));
      else resolve({ exitCode: typeof code === 'number' ? code : 0, stdout, stderr });
    });
  });
}

function outcome(state: string, error?: string): Outcome {
  return { state, errors: error ? [error] : [], leaked: [] };
}

export interface NodeTestOptions {
  /** CURFEW_* variables (onLeak and the like). */
  env?: Record<string, string>;
  /** More arguments to `node --test` (`--test-shard=1/2`, say). */
  args?: string[];
}

/**
 * Real `node --test --import curfew/node-test` on a fixture project under fixtures/node-test/,
 * installed in a temporary folder as a user's would be. The output holds the diagnostics' text.
 */
export async function runNodeTest(project: string, options: NodeTestOptions = {}): Promise<RunnerRun> {
  const installed = installProject('node-test', project, CURFEW_DIR);
  const events = join(installed.dir, '..', `events-${project}.jsonl`);
  try {
    return await withFixtureEnv(async () => {
      const args = ['--test', '--import', 'curfew/node-test', '--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${EVENTS_REPORTER}`, `--test-reporter-destination=${events}`, ...(options.args ?? [])];
      const result = await runCommand(process.execPath, args, installed.dir, options.env ?? {});
      const run: Omit<RunnerRun, 'started' | 'marker'> = { tests: new Map(), suites: new Map(), files: new Map(), output: '', failures: [], ...result };
      const diagnostics: string[] = [];
      for (const line of readFileSync(events, 'utf8').split('\n').filter(Boolean)) {
        const event = JSON.parse(line) as { type: string; kind?: string; name?: string; file?: string; error?: string; message?: string };
        // The run's own diagnostics (its totals) are not curfew's.
        if (event.type === 'test:diagnostic') {
          if (event.message!.startsWith('curfew:')) diagnostics.push(event.message!);
          continue;
        }
        if (event.error) run.failures.push(event.error); (event.kind === 'suite' ? run.suites : run.tests).set(`${basename(event.file ?? '')} > ${event.name}`, outcome(event.type === 'test:pass' ? 'passed' : 'failed', event.error));
      }
      run.output = diagnostics.join('\n');
      return run;
    });
  } finally {
    installed.remove();
  }
}

export interface MochaOptions {
  parallel?: boolean;
  env?: Record<string, string>;
}

interface MochaJsonTest {
  title: string;
  fullTitle: string;
  file?: string;
  err: { message?: string; code?: string };
}

/**
 * Real Mocha (the flavor's major) with `--require curfew/mocha` on a fixture project under
 * fixtures/mocha/, serially or with --parallel; its JSON reporter's results, and curfew's blocks
 * (stderr) as the output.
 */
export async function runMocha(project: string, options: MochaOptions = {}): Promise<RunnerRun> {
  const installed = installProject('mocha', project, CURFEW_DIR);
  // Mocha imports a --require module from its own folder. Under oldest/, the staged curfew is
  // installed beside Mocha, as in a user's project: the bare name resolves. The repository's
  // own Mocha has no curfew beside it: the plugin is named by the path it resolves to.
  const plugin = FLAVOR === 'oldest' ? 'curfew/mocha' : createRequire(join(installed.dir, 'package.json')).resolve('curfew/mocha');
  try {
    return await withFixtureEnv(async () => {
      const args = [mochaBin(), '--require', plugin, '--reporter', 'json', ...(options.parallel ? ['--parallel', '--jobs', '2'] : []), '*.test.js'];
      const result = await runCommand(process.execPath, args, installed.dir, options.env ?? {});
      // No report when Mocha stopped before running (a plugin that threw, say).
      const start = result.stdout.indexOf('{');
      const json = (start < 0 ? { passes: [], failures: [] } : JSON.parse(result.stdout.slice(start))) as { passes: MochaJsonTest[]; failures: MochaJsonTest[] };
      const run: Omit<RunnerRun, 'started' | 'marker'> = { tests: new Map(), suites: new Map(), files: new Map(), output: result.stderr, failures: [], ...result };
      // `fullTitle` joins the titles with spaces: the fixtures' describe blocks are one level deep.
      const path = (t: MochaJsonTest) => (t.fullTitle === t.title || t.title.startsWith('"') ? t.fullTitle : `${t.fullTitle.slice(0, -t.title.length - 1)} > ${t.title}`);
      const key = (t: MochaJsonTest) => `${basename(t.file ?? '')} > ${path(t)}`;
      for (const test of json.passes) run.tests.set(key(test), outcome('passed'));
      // A test that leaks under 'fail' passed first: its failure comes after, and wins.
      for (const test of json.failures) {
        run.failures.push(`${test.err.code ?? ''} ${test.err.message ?? ''}`.trim());
        const hook = /^"after all" hook/.test(test.title);
        (hook ? run.suites : run.tests).set(key(test), outcome('failed', `${test.err.code ?? ''} ${test.err.message ?? ''}`.trim()));
      }
      return run;
    });
  } finally {
    installed.remove();
  }
}
