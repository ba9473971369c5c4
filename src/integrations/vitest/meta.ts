import type { LeakList } from '../shared/leaks.js';
import type { SharedLoadavg } from '../../proc/counters.js';
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
    'curfew.ownerEndsWithFile': boolean;
    'curfew.loadavg': SharedLoadavg | null;
  }
}

/** The key the plugin provides the options under, for the setup file to inject. */
export const OPTIONS_KEY = 'curfew';
/** Whether the project configures its own `runner`, which need not extend Vitest's (that curfew patches). */
export const CUSTOM_RUNNER_KEY = 'curfew.customRunner';
/** Whether a test file's module graph ends with the file (see WorkerState.ownerEndsWithFile). */
export const OWNER_ENDS_WITH_FILE_KEY = 'curfew.ownerEndsWithFile';

/** The main process's descriptor of /proc/loadavg, which its worker threads read the pid counter through (proc/counters.ts). */
export const LOADAVG_KEY = 'curfew.loadavg';

export type { LeakList };
