import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CurfewError, ERROR_CODES } from '../../errors.js';
import { normalizeIntegrationOptions, type IntegrationOptions } from '../shared/options.js';
import { sharedLoadavgFd, type SharedLoadavg } from '../../proc/counters.js';
import { CUSTOM_RUNNER_KEY, LOADAVG_KEY, OPTIONS_KEY, OWNER_ENDS_WITH_FILE_KEY } from './meta.js';
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
    config: { setupFiles: string[]; runner?: string; pool?: string; isolate?: boolean; poolOptions?: Record<string, { isolate?: boolean } | undefined> };
    provide(key: typeof OPTIONS_KEY, value: ReturnType<typeof normalizeIntegrationOptions>): void;
    provide(key: typeof CUSTOM_RUNNER_KEY | typeof OWNER_ENDS_WITH_FILE_KEY, value: boolean): void;
    provide(key: typeof LOADAVG_KEY, value: SharedLoadavg | null): void;
  };
}

/** The Vite plugin object; `configureVitest` is the Vitest (3.1+) plugin hook. */
export interface CurfewVitestPlugin {
  name: 'curfew';
  config(): void;
  configureVitest(context: CurfewVitestContext): void;
}

/** The oldest Vitest whose `configureVitest` hook the plugin works through. */
const OLDEST_VITEST: [number, number] = [3, 1];

// The version of the Vitest that this plugin sees (the project's), or undefined if not found.
function vitestVersion(): string | undefined {
  try {
    for (let dir = dirname(fileURLToPath(import.meta.resolve('vitest'))); dir !== dirname(dir); dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'vitest') return pkg.version;
    }
  } catch {
    // Not resolvable from here: configureVitest decides (it is not called before 3.1).
  }
  return undefined;
}

/** Vitest before 3.1 never calls configureVitest: the plugin would silently do nothing. */
function assertVitestSupported(): void {
  const version = vitestVersion();
  const [major, minor] = (version ?? '').split('.').map(Number);
  if (version === undefined || major > OLDEST_VITEST[0] || (major === OLDEST_VITEST[0] && minor >= OLDEST_VITEST[1])) return;
  throw new CurfewError(ERROR_CODES.UNSUPPORTED_RUNNER, `curfew's Vitest plugin needs Vitest ${OLDEST_VITEST.join('.')} or later, and this is Vitest ${version}: it would do nothing here. Upgrade Vitest, or run the suite under \`curfew run\`.`);
}

/**
 * Whether a test file's modules (and the helpers they hold, such as esbuild's service) end with
 * the file: a fresh worker per file (`isolate`, the default), or a VM context per file (the vm
 * pools). Vitest 4 and 5 have a top-level `isolate` (false for the vm pools); 3 has one per pool.
 */
function moduleGraphPerFile(config: CurfewVitestContext['project']['config']): boolean {
  const pool = config.pool ?? 'forks';
  if (pool === 'vmThreads' || pool === 'vmForks') return true;
  // Vitest 3 takes a pool's own setting over the top-level one (which defaults to true there).
  return (config.poolOptions?.[pool]?.isolate ?? config.isolate) !== false;
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
    // A Vite hook every Vitest calls: the one place an older Vitest can be told apart.
    config() {
      assertVitestSupported();
    },
    configureVitest({ vitest, project }) {
      // First: the file's unit opens before other setup files run (and a custom runner's test units before the user's hooks).
      if (!project.config.setupFiles.includes(SETUP_FILE)) project.config.setupFiles.unshift(SETUP_FILE);
      project.provide(OPTIONS_KEY, normalized);
      project.provide(CUSTOM_RUNNER_KEY, Boolean(project.config.runner));
      project.provide(OWNER_ENDS_WITH_FILE_KEY, moduleGraphPerFile(project.config));
      // Worker threads (the threads and vmThreads pools) read the pid counter through this process's descriptor.
      project.provide(LOADAVG_KEY, sharedLoadavgFd());
      const reporters = vitest.config.reporters;
      if (!reporters.some((r) => (r as Record<symbol, unknown> | null)?.[REPORTER_MARK])) {
        reporters.push(Object.assign(new CurfewReporter(normalized), { [REPORTER_MARK]: true }));
      }
    },
  };
}

export { curfew };
