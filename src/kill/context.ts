import { getProc } from '../proc/index.js';
import { getRegistry, getSelf } from '../scope/registry.js';
import { readAncestors } from './guards.js';
import type { FindContext } from './find.js';

/** The facts a scan needs, read fresh for each kill (ancestors can change by re-parenting). */
export function findContext(): FindContext {
  const registry = getRegistry();
  const proc = getProc();
  const self = getSelf();
  return {
    proc,
    self,
    ancestors: readAncestors(self, proc),
    walk: registry.subreaper.active,
    orphans: () => (registry.subreaper.active ? registry.subreaper.orphans() : []),
    tokenCache: new Map(),
    memory: { lastPid: null, keep: new Set() },
  };
}
