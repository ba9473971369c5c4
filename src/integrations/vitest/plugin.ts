import { fileURLToPath } from 'node:url';
import { normalizeIntegrationOptions, type IntegrationOptions } from '../shared/options.js';
import { CUSTOM_RUNNER_KEY, OPTIONS_KEY } from './meta.js';
import { CurfewReporter } from './reporter.js';

export type { IntegrationOptions as CurfewVitestOptions, OnLeak } from '../shared/options.js';

// The worker entry is setup.ts bundled into one file (npm run build): loading ~35 small modules
// in every test file's worker cost more than everything curfew does per test.
const SETUP_FILE = fileURLToPath(new URL('./setup.bundle.js', import.meta.url));
// `extends: true` projects load the config file again, so the plugin (and this module) can exist
// twice: a registered symbol, not `instanceof`, tells that our reporter is already there.
const REPORTER_MARK = Symbol.for('curfew.vitest.reporter');

/** What `configureVitest` receives, narrowed to what the plugin uses (the same in Vitest 3.1 to 5). */
export interface CurfewVitestContext {
  vitest: { config: { reporters: unknown[] } };
  project: {
    config: { setupFiles: string[]; runner?: string };
    provide(key: typeof OPTIONS_KEY, value: ReturnType<typeof normalizeIntegrationOptions>): void;
    provide(key: typeof CUSTOM_RUNNER_KEY, value: boolean): void;
  };
}

/** The Vite plugin object; `configureVitest` is the Vitest (3.1+) plugin hook. */
export interface CurfewVitestPlugin {
  name: 'curfew';
  configureVitest(context: CurfewVitestContext): void;
}

/**
 * The Vitest plugin: every test, describe block and file gets a scope, torn down when it
 * finishes (a test after its afterEach hooks, a describe block after its afterAll hooks), and
 * the processes it left running are reported.
 *
 *     // vitest.config.ts
 *     export default defineConfig({ plugins: [curfew({ onLeak: 'fail' })] });
 *
 * Needs Vitest 3.1 or later. Limits: concurrent tests (and `describe.concurrent` blocks) share
 * the environment variable that marks their processes, so they get no scope of their own: what
 * they start is ended and reported with their describe block (or file). A timed-out test's body
 * keeps running after its processes are ended. With `test.projects` on Vitest 3 and 4, a project
 * sees the plugin only with `extends: true` (or its own `plugins` entry). A custom `runner` that
 * does not extend Vitest's own gets no describe-block scopes (tests and files still have theirs).
 */
export default function curfew(options: IntegrationOptions = {}): CurfewVitestPlugin {
  const normalized = normalizeIntegrationOptions(options);
  return {
    name: 'curfew',
    configureVitest({ vitest, project }) {
      // First: the file's unit opens before other setup files run (and a custom runner's test units before the user's hooks).
      if (!project.config.setupFiles.includes(SETUP_FILE)) project.config.setupFiles.unshift(SETUP_FILE);
      project.provide(OPTIONS_KEY, normalized);
      project.provide(CUSTOM_RUNNER_KEY, Boolean(project.config.runner));
      const reporters = vitest.config.reporters;
      if (!reporters.some((r) => (r as Record<symbol, unknown> | null)?.[REPORTER_MARK])) {
        reporters.push(Object.assign(new CurfewReporter(), { [REPORTER_MARK]: true }));
      }
    },
  };
}

export { curfew };
