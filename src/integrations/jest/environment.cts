// CommonJS on purpose: Jest requires test environments. The rest of curfew (ES modules) is
// required in setup() as one CommonJS bundle of them, so no flag and no require(esm) is needed.
import jestEnvironmentNode = require('jest-environment-node');
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import type { JestSession } from './session.js';

/**
 * `testEnvironment: 'curfew/jest-environment'`: jest-environment-node, plus a scope for every
 * test, describe block and test file, torn down when it finishes (a test after its afterEach
 * hooks, a describe block after its afterAll hooks). Processes left running are ended and
 * reported; options go in `testEnvironmentOptions: { curfew: { onLeak: 'fail' } }`.
 * Add `reporters: ['default', 'curfew/jest-reporter']` for a summary at the end of the run.
 * Limits: `test.concurrent` tests share the environment, so what they start is ended and
 * reported with their describe block (Jest 29 starts them before the block: with the file); a timed-out test's body keeps running after its
 * processes are ended; test files cannot `require('curfew')` (an ES module) without Jest's ESM mode.
 */
class CurfewEnvironment extends jestEnvironmentNode.TestEnvironment {
  readonly #options: Record<string, unknown> | undefined;
  readonly #testPath: string;
  readonly #rootDir: string;
  #session: JestSession | undefined;

  // Never assign `this.context`: jest-environment-node keeps the test file's vm context there.
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.#options = config.projectConfig.testEnvironmentOptions as Record<string, unknown> | undefined;
    this.#testPath = context.testPath;
    this.#rootDir = config.projectConfig.rootDir;
  }

  override async setup(): Promise<void> {
    await super.setup();
    // The bundled copy (npm run build): one file instead of ~30 modules in every Jest worker, and
    // CommonJS, so that the worker's ESM loader is never started (rolldown.config.mjs).
    const { JestSession } = require('./session.bundle.cjs') as typeof import('./session.js');
    this.#session = new JestSession(this.#options, this.#testPath, this.#rootDir, (name, value) => this.#mirror(name, value));
    this.#session.start();
    // Test files are CommonJS and cannot import curfew (an ES module): keep() is a global.
    (this.global as { curfew?: unknown }).curfew = Object.freeze({ keep: this.#session.keep });
  }

  // Not async: jest-circus awaits whatever this returns, and most events need no promise (session.ts).
  handleTestEvent(event: Circus.AsyncEvent, state: Circus.State): Promise<void> | undefined {
    return this.#session?.handle(event, state);
  }

  override async teardown(): Promise<void> {
    await this.#session?.finish();
    this.#session = undefined;
    await super.teardown();
  }

  // Children inherit the real process.env (set by the scope); the test's `process.env` is a copy
  // Jest made, and code that spreads it into a spawn's env must pass the token on too.
  #mirror(name: string, value: string | undefined): void {
    const env = (this.global as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    if (!env) return;
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
}

export = CurfewEnvironment;
