import type { LeakList } from '../shared/leaks.js';
import type { NormalizedIntegrationOptions } from '../shared/options.js';

// The worker writes what a test, suite or file leaked into its task meta; Vitest delivers task
// meta to the reporters in the main process with the task's result.
declare module 'vitest' {
  interface TaskMeta {
    curfew?: LeakList;
  }
  interface ProvidedContext {
    curfew: NormalizedIntegrationOptions;
    'curfew.customRunner': boolean;
  }
}

/** The key the plugin provides the options under, for the setup file to inject. */
export const OPTIONS_KEY = 'curfew';
/** Whether the project configures its own `runner`, which need not extend Vitest's (that curfew patches). */
export const CUSTOM_RUNNER_KEY = 'curfew.customRunner';

export type { LeakList };
