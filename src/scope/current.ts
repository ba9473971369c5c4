import type { ScopeOptions } from '../options.js';
import { getRegistry } from '../registry/registry.js';
import { Scope, type TeardownReport } from './scope.js';

/** The scope `spawn()` registers in: the one `run()` or `enter()` made current, else the root scope. */
export function currentScope(): Scope {
  const registry = getRegistry<Scope>();
  const store = registry.als.getStore();
  if (store && !store.closed) return store;
  for (let i = registry.entered.length - 1; i >= 0; i--) if (!registry.entered[i].closed) return registry.entered[i];
  if (!registry.root || registry.root.closed) registry.root = new Scope(undefined);
  return registry.root;
}

/**
 * A new scope, nested in the current one (so a forgotten scope is still torn down with its
 * parent). `await using scope = createScope()` tears it down at the end of the block.
 */
export function createScope(options?: ScopeOptions): Scope {
  return new Scope(currentScope(), options);
}

/**
 * Keeps a process (and its descendants) running past the current scope's end, for the scope
 * around it to end without calling it a leak: under the test-runner integrations, a helper one
 * test starts and later tests of the file use. Returns the undo. See `Scope#keep`.
 */
export function keep(target: number | { readonly pid?: number }, reason?: string): () => void {
  return currentScope().keep(target, reason);
}

/** Ends everything spawned in the current scope; resolves to a report of what had to be ended. */
export function teardown(): Promise<TeardownReport> {
  return currentScope().teardown();
}

/**
 * Runs fn in a fresh scope, entered (so plain child_process spawns carry its token too), and tears
 * the scope down when fn settles, whichever way. Made for pool tasks (tinypool, piscina) and any
 * unit of work whose subprocesses must not outlive it:
 *
 *     export default (input) => withScope(() => work(input));
 *
 * If the worker running it is terminated or its process dies first, the crash watchdog ends
 * what the scope started. The `process.env` change is process-wide: with several tasks at once
 * in one worker, plain spawns carry the newest task's token (curfew's own `spawn` is exact).
 */
export async function withScope<T>(fn: (scope: Scope) => T | Promise<T>, options?: ScopeOptions & { onTeardown?: (report: TeardownReport) => void }): Promise<T> {
  const { onTeardown, ...scopeOptions } = options ?? {};
  const scope = createScope(scopeOptions);
  try {
    return await scope.run(() => fn(scope));
  } finally {
    const report = await scope.close();
    onTeardown?.(report);
  }
}
