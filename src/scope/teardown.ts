import type { ProcessGroup } from '../group/group.js';
import type { Claim } from '../kill/claim.js';
import { escalate } from '../kill/escalate.js';
import { findMembers } from '../kill/find.js';
import { normalizeEnd } from '../options.js';
import { getRegistry } from '../registry/registry.js';
import { findContext } from '../registry/scan-context.js';
import { watchdogFor } from '../registry/watchdog-link.js';
import { ownershipPolicy, type OwningScope, type TeardownOptions } from './ownership.js';
import type { TeardownReport } from './report.js';
import { spawnSiteOf } from './spawn-site.js';

interface Teardown {
  groups: readonly ProcessGroup[];
  claim: Claim;
  /** The pid counter from before the scope opened, when nothing older can be in the claim. */
  sinceLastPid: number | null;
  options: TeardownOptions | undefined;
}

// Loaded by Scope#teardown on the first teardown that has something to look at: a test worker
// whose scopes all close idle never reads this code (its source is most of what curfew costs a
// fresh worker; see rolldown.config.mjs).

/** One teardown of a scope: find, let settle, end with the ladder, then say what leaked. */
export async function runTeardown(scope: OwningScope, t: Teardown): Promise<TeardownReport> {
  const registry = getRegistry();
  const { groups, claim, options } = t;
  const end = options && (options.grace !== undefined || options.signals !== undefined) ? normalizeEnd(options, scope.options) : scope.options;
  const managed = new Set(groups.filter((g) => g.leaderRunning).map((g) => g.pgid));
  const context = findContext();
  if (t.sinceLastPid !== null) context.memory = { lastPid: t.sinceLastPid, keep: new Set(), sinceOpened: true };
  const policy = ownershipPolicy(scope, options?.owned ?? 'keep', managed);
  const report = await escalate(() => findMembers(claim, context), end.ladder, {
    afterPoll: () => registry.subreaper.reapOrphans(),
    lazyFfi: groups.length === 0,
    settleMs: scope.options.settle,
    policy,
  });
  for (const group of groups) {
    if (group.cgroup) report.problems.push(...((await registry.cgroups?.remove(group.cgroup)) ?? []));
    group.retire();
  }
  registry.subreaper.reapOrphans();
  // What is left running for its owner is still ended if this process dies.
  if (scope.options.watchdog && report.kept.length > 0) {
    const watchdog = watchdogFor(registry);
    for (const k of report.kept) watchdog.hold(k.pid, k.startTicks, scope.options.settle);
  }
  const leaks = report.ended.filter((p) => !(p.foundBy === 'group' && managed.has(p.pgid)) && !policy.excused.has(p.pid));
  for (const p of [...leaks, ...report.survivors]) {
    const site = spawnSiteOf(p, registry.subreaper.known);
    if (site) p.spawnedAt = site;
  }
  return { ...report, leaks };
}
