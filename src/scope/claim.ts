import type { ProcessGroup } from '../group/group.js';
import type { Claim } from '../kill/claim.js';
import type { ProcInfo } from '../proc/index.js';
import { orphanOwner } from '../registry/orphans.js';
import { getRegistry } from '../registry/registry.js';
import type { RegisteredScope } from '../registry/types.js';
import { hasOpenChild, withOpenDescendants } from './open-scopes.js';

/** A scope as its claim sees it: its place among the open scopes, and its groups. */
export interface GroupedScope extends RegisteredScope {
  readonly groups: readonly ProcessGroup[];
}

/** The groups of scope and of its open descendants, and those scopes. */
export function groupsWithin<S extends GroupedScope>(scope: S): { groups: readonly ProcessGroup[]; scopes: S[] } {
  // The common case under the integrations, without building arrays: a test's scope alone.
  if (!hasOpenChild(scope)) return { groups: scope.groups, scopes: [scope] };
  const scopes = withOpenDescendants(scope);
  return { groups: scopes.flatMap((s) => s.groups), scopes };
}

/** The claim of a scope: its groups and its open children's, its token, and orphans that are its own. */
export function scopeClaim(scope: RegisteredScope, groups: readonly ProcessGroup[], scopes: readonly RegisteredScope[]): Claim {
  const mine = new Set(scopes);
  const ids = new Set(scopes.map((s) => s.id));
  // Only groups placed in a cgroup have pids there; without one, cgroups are not even detected.
  const placed = groups.filter((g) => g.cgroup !== undefined);
  return {
    groups: [...groups],
    tokens: [scope.id],
    sinceTicks: scope.createdTicks,
    claimOrphan: (info: ProcInfo, environ: string | null) => {
      const owner = orphanOwner(getRegistry(), info, environ);
      return owner !== undefined && mine.has(owner);
    },
    children: () => getRegistry().subreaper.known.runningIn(ids),
    cgroupPids: placed.length > 0 ? () => placed.flatMap((g) => getRegistry().cgroups?.pids(g.cgroup!) ?? []) : undefined,
  };
}
