import type { Options as ExecaOptions } from 'execa';
import type { EndOptions } from '../options.js';

/**
 * Options of `spawn` into a scope of type S: every execa option, plus curfew's own. Generic so
 * that this file need not import the Scope class, which takes them (scope.ts names the result
 * `SpawnOptions`).
 */
export type SpawnOptionsOf<S> = ExecaOptions &
  EndOptions & {
    /**
     * End the whole group (with the ladder) after this many milliseconds; the subprocess's
     * promise rejects with `timedOut: true`, as execa's does.
     */
    timeout?: number;
    /** The scope to register in. @default the current scope */
    scope?: S;
    /** Put this spawn in a cgroup v2 of its own where the machine allows it. @default the scope's */
    cgroup?: boolean;
  };
