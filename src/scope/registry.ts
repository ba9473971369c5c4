import { AsyncLocalStorage } from 'node:async_hooks';
import { findEnv, getProc } from '../proc/index.js';
import { Subreaper } from '../reaper/subreaper.js';
import { readSelf, type Self } from '../kill/guards.js';
import { Cgroups } from '../cgroup/manager.js';
import { WatchdogClient } from '../watchdog/client.js';
import type { ProcessGroup } from '../spawn/group.js';
import type { spawn } from '../spawn/spawn.js';
import type { Scope } from './scope.js';
import { TOKEN_ENV } from './token.js';

/**
 * Process-wide (per realm) state. Test runners can load a package twice, so it lives under a
 * registered symbol on globalThis and every copy of curfew in this realm shares it.
 */
export interface Registry {
  readonly subreaper: Subreaper;
  /** Scopes made current by `enter()`, innermost last. */
  readonly entered: Scope[];
  /**
   * Every open scope, oldest first: orphans are attributed among them. An array, not a Set: a
   * scope opens and closes per test, newest last, and a push and a pop from the end cost less
   * than hashing a new object into a Set and out again (measured).
   */
  readonly open: Scope[];
  readonly als: AsyncLocalStorage<Scope>;
  /** The cgroup v2 layer, where this machine has one (usable or not). */
  readonly cgroups: Cgroups | undefined;
  root?: Scope;
  self?: Self;
  watchdog?: WatchdogLink;
  /**
   * The pid counter as last read by a teardown. A new scope starts from it instead of reading
   * again: an older value can only send a teardown down the slow path, never skip a process.
   */
  lastPid?: number | null;
  /** `spawn`, set when spawn.ts loads, for `Scope#spawn` (so that scope.ts does not load execa). */
  spawn?: typeof spawn;
}

/** The crash watchdog as the spawn path sees it: told of each group as it comes and goes. */
export interface WatchdogLink {
  register(group: ProcessGroup, scope: Scope): void;
  release(group: ProcessGroup): void;
  watchScope(scope: Scope): void;
  unwatchScope(scope: Scope): void;
}

// v3: scopes keep no list of children (`open` holds them); v2's did, v1's `open` was a Set. A
// registry is shared only by copies that agree on these shapes.
const KEY = Symbol.for('curfew.registry.v3');

export function getRegistry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  if (!holder[KEY]) {
    let cgroups: Cgroups | null | undefined;
    const registry: Registry = {
      subreaper: new Subreaper(),
      entered: [],
      open: [],
      als: new AsyncLocalStorage(),
      // Detected on first use: a test that spawns nothing never reads mountinfo.
      get cgroups() {
        if (cgroups === undefined) cgroups = Cgroups.detect() ?? null;
        return cgroups ?? undefined;
      },
    };
    registry.subreaper.known.onSpawn = () => {
      // Layers that only matter once something runs are turned on by the first spawn of any
      // kind: the channel speaks before the fork, so even the first child's orphans are ours.
      if (registry.entered.length > 0) registry.subreaper.enable();
      // A plain child_process spawn inside an entered scope carries its token: if this thread
      // dies, the watchdog must sweep for it too.
      const scope = registry.entered.at(-1);
      if (scope && !scope.closed && scope.options.watchdog) watchdogFor(registry).watchScope(scope);
    };
    holder[KEY] = registry;
  }
  return holder[KEY];
}

/** The thread's watchdog, created on first need. */
export function watchdogFor(registry: Registry): WatchdogLink {
  registry.watchdog ??= new WatchdogClient();
  return registry.watchdog;
}

/** Our pid, group and session, read once per registry (a process never changes them under us). */
export function getSelf(): Self {
  const registry = getRegistry();
  registry.self ??= readSelf(getProc());
  return registry.self;
}

/**
 * The scope an orphan belongs to: the innermost open scope its token names, else (no token, or
 * only a supervisor's) the newest open scope that already existed when it started. The token
 * comes first because start times tick in 10 ms steps: a suite's daemon started just before a
 * test opened must not count as the test's.
 */
export function orphanOwner(startTicks: number, environ: string | null): Scope | undefined {
  const open = getRegistry().open;
  const chain = environ ? findEnv(environ, TOKEN_ENV)?.split(':') : undefined;
  for (const id of (chain ?? []).reverse()) for (const scope of open) if (scope.id === id) return scope;
  let owner: Scope | undefined;
  for (const scope of open) if (scope.createdTicks <= startTicks) owner = scope;
  return owner;
}

