import { AsyncLocalStorage } from 'node:async_hooks';
import { isMainThread } from '../main-thread.js';
import type { Cgroups } from '../cgroup/manager.js';
import { getProc } from '../proc/index.js';
import { Subreaper } from '../reaper/subreaper.js';
import { orphanOwner } from './orphans.js';
import type { RegisteredScope, Registry } from './types.js';
import { watchdogFor } from './watchdog-link.js';

export type { KeepRecord, RegisteredScope, Registry, WatchdogLink } from './types.js';

// v3: scopes keep no list of children (`open` holds them); v2's did, v1's `open` was a Set. A
// registry is shared only by copies that agree on these shapes.
const KEY = Symbol.for('curfew.registry.v3');

/**
 * The realm's registry. `S` is the scope type the caller knows: only scope/ puts scopes in it,
 * and every copy of curfew that shares this key (see KEY) puts scopes of the same shape.
 */
export function getRegistry<S extends RegisteredScope = RegisteredScope>(): Registry<S> {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  holder[KEY] ??= createRegistry();
  return holder[KEY] as unknown as Registry<S>;
}

/**
 * Reads the pid counter and records it in the registry, where the next scope to open starts from
 * it (saving that scope the read).
 */
export function readAndRecordLastPid(): number | null {
  return (getRegistry().lastPid = getProc().lastPid());
}

function createRegistry(): Registry {
  let cgroups: Cgroups | null | undefined;
  const registry: Registry = {
    subreaper: new Subreaper(),
    entered: [],
    open: [],
    als: new AsyncLocalStorage(),
    // Detected on first use: a test that spawns nothing never reads mountinfo.
    get cgroups() {
      if (cgroups === undefined && registry.detectCgroups) cgroups = registry.detectCgroups() ?? null;
      return cgroups ?? undefined;
    },
  };
  registry.subreaper.known.onSpawn = (child) => {
    // Layers that only matter once something runs are turned on by the first spawn of any
    // kind: the channel speaks before the fork, so even the first child's orphans are ours.
    if (registry.entered.length > 0) registry.subreaper.enable();
    // A plain child_process spawn inside an entered scope carries its token: if this thread
    // dies, the watchdog must sweep for it too, and name it (a child can rewrite its
    // environment over the token) once its pid is known.
    const scope = registry.entered.at(-1);
    if (!scope || scope.closed || !scope.options.watchdog) return;
    const watchdog = watchdogFor(registry);
    watchdog.watchToken(scope.id, scope.createdTicks);
    child.once('spawn', () => {
      const start = child.pid === undefined ? undefined : getProc().stat(child.pid)?.startTicks;
      if (start !== undefined) watchdog.ledger(child.pid!, start);
    });
  };
  // An orphan this process adopted as child subreaper would lose, if we died, the parent by
  // which it is known to be ours: the watchdog keeps its name.
  registry.subreaper.onAdopt = (pid, startTicks) => {
    if (!registry.watchdog && !registry.open.some((s) => s.options.watchdog)) return;
    // A worker thread names only orphans its own scopes' token proves its (see orphanOwner).
    if (!isMainThread() && !orphanOwner(registry, { pid, startTicks }, getProc().environ(pid))) return;
    watchdogFor(registry).ledger(pid, startTicks);
  };
  return registry;
}
