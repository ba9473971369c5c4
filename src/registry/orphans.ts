import { isMainThread } from '../main-thread.js';
import { TOKEN_ENV } from '../ids.js';
import { findEnv, getProc } from '../proc/index.js';
import { isOwnWatchdog, othersRunCurfew } from '../reaper/threads.js';
import type { RegisteredScope, Registry } from './types.js';

/** Orphans pinned to a scope are remembered up to this many (then the memory starts again). */
const PINNED_MAX = 1024;

/**
 * The scope an orphan belongs to: the innermost open scope its token names, else (no token, or
 * only a supervisor's) the newest open scope that already existed when it started. The token
 * comes first because start times tick in 10 ms steps: a suite's daemon started just before a
 * test opened must not count as the test's. Once pinned, an orphan stays its scope's (or that
 * scope's nearest open ancestor's): a later look, with less to go on, must not change the answer.
 */
export function orphanOwner<S extends RegisteredScope>(registry: Registry<S>, info: { pid: number; startTicks: number }, environ: string | null): RegisteredScope | undefined {
  const pinned = (registry.pinned ??= new Map());
  const key = `${info.pid}:${info.startTicks}`;
  const before = pinned.get(key);
  if (before) {
    for (let scope: RegisteredScope | undefined = before; scope; scope = scope.parent) if (!scope.closed) return scope;
  }
  const owner = judgeOrphan(registry.open, info.startTicks, environ);
  if (owner) {
    if (pinned.size >= PINNED_MAX) pinned.clear();
    pinned.set(key, owner);
  }
  return owner;
}

function judgeOrphan<S extends RegisteredScope>(open: readonly S[], startTicks: number, environ: string | null): S | undefined {
  // A crash watchdog of this process (any thread's: each has its own, a child of that thread or,
  // once it is gone, of the main thread) is nobody's orphan: ending it would only make its owner
  // start another (seen on a real suite in Vitest's threads pool).
  if (isOwnWatchdog(environ)) return undefined;
  const chain = environ ? findEnv(environ, TOKEN_ENV)?.split(':') : undefined;
  for (const id of (chain ?? []).reverse()) for (const scope of open) if (scope.id === id) return scope;
  // On a worker thread the orphans of every thread land on the main thread: while another thread
  // runs curfew, one without our token may be that thread's (another test file's live helper),
  // and time decides nothing; the runner's main process ends it when the run ends.
  if (!isMainThread() && othersRunCurfew(getProc())) return undefined;
  let owner: S | undefined;
  for (const scope of open) if (scope.createdTicks <= startTicks) owner = scope;
  return owner;
}
