// `mocha --require curfew/mocha` (or `require: ['curfew/mocha']` in .mocharc): Mocha loads this in
// its own process and, with --parallel, in every worker. Options come from the environment
// (CURFEW_ON_LEAK, CURFEW_SETTLE, CURFEW_GRACE, CURFEW_SIGNALS, CURFEW_REPORT), which the workers inherit.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CurfewError, ERROR_CODES } from '../../errors.js';
import { optionsFromEnv } from '../shared/env-options.js';
import { MochaSession } from './session.js';
import type { MochaClass, MochaInstance, RunnerClass, RunnerLike } from './types.js';

// Loaded twice in one process (the ESM and a bundled copy, say), it patches once.
const KEY = Symbol.for('curfew.mocha.session.v1');
const PATCHED = Symbol.for('curfew.mocha.patched');

type Patched = { [PATCHED]?: true };

/**
 * The Mocha that runs this process: its modules, already loaded by its CLI (or worker) when it
 * requires plugins (lib/mocha.js in Mocha 10 and 11, lib/mocha.cjs in the ES-module Mocha 12). Several copies (a monorepo's) are all patched; none found, the project's own.
 */
function loadedMochas(): { Mocha: MochaClass; Runner: RunnerClass }[] {
  const require = createRequire(import.meta.url);
  const found = Object.keys(require.cache)
    .filter((id) => /[\\/]mocha[\\/]lib[\\/]mocha\.c?js$/.test(id))
    .map((id) => require(id) as MochaClass & { Runner: RunnerClass });
  if (found.length === 0) {
    try {
      found.push(createRequire(join(process.cwd(), 'package.json'))('mocha') as MochaClass & { Runner: RunnerClass });
    } catch {
      // Not a Mocha process (a test imported the plugin by mistake): nothing to patch.
    }
  }
  return found.map((Mocha) => ({ Mocha, Runner: Mocha.Runner }));
}

function patch(session: MochaSession, { Mocha, Runner }: { Mocha: MochaClass; Runner: RunnerClass }): void {
  const proto = Mocha.prototype as MochaClass['prototype'] & Patched;
  if (proto[PATCHED]) return;
  proto[PATCHED] = true;
  // Files load before the runner exists: the top level's unit opens first. Mocha's main process
  // under --parallel loads no test file (and runs none), so it gets no unit.
  for (const name of ['loadFiles', 'loadFilesAsync'] as const) {
    const original = proto[name];
    if (!original) continue;
    proto[name] = function (this: { options?: { isWorker?: boolean } }, ...args: unknown[]) {
      session.openTop(this.options?.isWorker === true);
      return original.apply(this, args);
    };
  }
  // The main process's run ends in the callback Mocha's CLI passes (it exits the process there):
  // the report is written first. A worker's runs are its files: each writes its part at its end.
  const mochaRun = proto.run;
  proto.run = function (this: MochaInstance, ...args: unknown[]) {
    const done = args[0];
    if (this.isWorker) return mochaRun.apply(this, args);
    const endRun = () => {
      try {
        session.endRun(this.options?.parallel === true);
      } catch (error) {
        process.stderr.write(`curfew: could not write the report: ${(error as Error).message}\n`);
        process.exitCode = 1;
      }
    };
    // Run through the API without a callback: the runner's end is the run's.
    if (typeof done !== 'function') {
      const runner = mochaRun.apply(this, args) as { once?(event: 'end', listener: () => void): unknown } | undefined;
      runner?.once?.('end', endRun);
      return runner;
    }
    const wrapped = (...results: unknown[]) => {
      endRun();
      return (done as (...r: unknown[]) => unknown)(...results);
    };
    return mochaRun.call(this, wrapped, ...args.slice(1));
  };
  // The parallel runner of the main process has a `run` of its own: only runs of tests come here.
  const run = Runner.prototype.run;
  Runner.prototype.run = function (this: RunnerLike, ...args: unknown[]) {
    session.attach(this);
    return run.apply(this, args);
  };
}

function register(): void {
  const holder = globalThis as unknown as Record<symbol, MochaSession | undefined>;
  if (holder[KEY]) return;
  const session = new MochaSession(optionsFromEnv());
  const mochas = loadedMochas().filter(({ Mocha, Runner }) => typeof Runner?.prototype?.run === 'function' && typeof Mocha?.prototype === 'object');
  // Without a Mocha to patch the plugin would do nothing, silently.
  if (mochas.length === 0) throw new CurfewError(ERROR_CODES.UNSUPPORTED_RUNNER, "curfew/mocha found no Mocha (10 to 12) loaded in this process: load it with Mocha's `--require curfew/mocha`, or run the suite under `curfew run`.");
  holder[KEY] = session;
  for (const mocha of mochas) patch(session, mocha);
}

/**
 * What makes this module a root-hook plugin for Mocha's `--require`. Mocha calls it once per
 * process (and per --parallel worker) before it loads the test files: it patches that Mocha, whose
 * runs then add curfew's hooks to their root suite when they start (after the test files' own
 * root hooks, so they run last). A bad CURFEW_* variable throws here, where Mocha reports it (a
 * module that throws while Node 22.12 loads it by require(esm) can be imported without the error).
 */
export function mochaHooks(): Record<string, never> {
  register();
  return {};
}
