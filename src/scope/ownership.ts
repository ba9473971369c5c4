import { TOKEN_ENV } from '../ids.js';
import type { MemberPolicy } from '../kill/escalate.js';
import type { Member } from '../kill/types.js';
import { allowMatches, type EndOptions, type NormalizedScopeOptions } from '../options.js';
import { findEnv, getProc, identity } from '../proc/index.js';
import { heldAmong, letGo } from '../reaper/held.js';
import { getRegistry } from '../registry/registry.js';
import type { RegisteredScope } from '../registry/types.js';

/**
 * What a teardown does with processes whose owner may outlive the scope: `'keep'` leaves them
 * running (a test's end: the file, or the process, still owns them); `'close'` is their owner's
 * end (the file's module graph, or the process, is done with them).
 */
export type Owned = 'keep' | 'close';

/** Options of `teardown()` and `close()`: the ladder, and what to do with processes an owner still holds. */
export interface TeardownOptions extends EndOptions {
  /**
   * Processes whose owner may outlive this scope: held by live code in this process (a child
   * whose stdin, another pipe it reads, or IPC channel is still open here), kept with `keep()`,
   * or matched by `allow`. `'keep'` leaves them running for the enclosing scope. `'close'`
   * means their owner's lifetime has ended: kept and allowed ones are ended without being
   * leaks; held ones are let go (this process's ends of their pipes closed, as its exit would
   * close them), and those still running after the settle window are ended and are leaks.
   * @default 'keep'
   */
  owned?: Owned;
}

/** What a teardown needs of its scope: its place among the scopes and its options. */
export interface OwningScope extends RegisteredScope {
  readonly options: NormalizedScopeOptions;
}

function sameOrInside(scope: RegisteredScope, ancestor: RegisteredScope): boolean {
  for (let s: RegisteredScope | undefined = scope; s; s = s.parent) if (s === ancestor) return true;
  return false;
}

/**
 * The teardown's rules for what it finds. Managed spawns (their leader still runs) are ended and
 * are no leak. Processes kept with `keep()`, matched by `allow`, or held by live code in this
 * process are left running under `'keep'`. Under `'close'`, kept and allowed ones are ended
 * without being leaks, and held ones are let go (this process's ends of their pipes closed, as
 * its exit would close them): one that does not exit within the settle window is a leak.
 */
export function ownershipPolicy(scope: OwningScope, owned: Owned, managedGroups: ReadonlySet<number>): MemberPolicy & { excused: Set<number> } {
  const registry = getRegistry();
  const proc = getProc();
  const excused = new Set<number>();
  const keptReasons = new Map<string, string>();
  const endNow = (m: Member, reason: string, excuse: boolean): undefined => {
    keptReasons.set(identity(m.info), reason);
    if (excuse) excused.add(m.info.pid);
    return undefined;
  };
  return {
    excused,
    managed: (m) => m.foundBy === 'group' && managedGroups.has(m.info.pgid),
    spare(m) {
      const record = registry.kept?.get(identity(m.info));
      if (record) return sameOrInside(scope, record.scope) ? `kept: ${record.reason}` : endNow(m, `kept: ${record.reason}`, true);
      const rules = scope.options.allow;
      if (rules.length > 0) {
        const cmd = proc.cmdline(m.info.pid);
        const rule = rules.find((r) => allowMatches(r, cmd));
        if (rule) return owned === 'keep' ? `allowed: ${rule.reason}` : endNow(m, `allowed: ${rule.reason}`, true);
      }
      const held = heldAmong([m.info.pid], registry.subreaper.known, proc).get(m.info.pid);
      if (!held) return undefined;
      // Another thread's child cannot be let go from here: it goes when that thread or this process does.
      if (owned === 'keep' || !held.child) return `held: ${held.reason}`;
      letGo(held.child);
      return endNow(m, `held by the test process until its owner ended (${held.reason.replace(/ is open in the test process$/, '')}), and still running after that was closed`, false);
    },
    keptUntilNow: (m) => keptReasons.get(identity(m.info)),
    stoppedByOwner: (m) => registry.subreaper.known.live(m.info.pid)?.killed === true,
    tokenOf: (m) => findEnv(proc.environ(m.info.pid) ?? '', TOKEN_ENV) ?? undefined,
  };
}
