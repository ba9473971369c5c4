import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Cgroups } from '../cgroup/manager.js';
import type { Self } from '../kill/guards.js';
import type { Subreaper } from '../reaper/subreaper.js';
import type { WatchdogClient } from '../watchdog/client.js';

/**
 * What the registry knows of a scope: plain facts, not the Scope class (which sits above it).
 * Scopes of every copy of curfew in a realm share one registry, so what it holds is only ever
 * known by this shape anyway.
 */
export interface RegisteredScope {
  readonly id: string;
  readonly parent: RegisteredScope | undefined;
  readonly closed: boolean;
  /** Clock ticks since boot when the scope opened. */
  readonly createdTicks: number;
  readonly options: { readonly watchdog: boolean };
}

/**
 * Process-wide (per realm) state. Test runners can load a package twice, so it lives under a
 * registered symbol on globalThis and every copy of curfew in this realm shares it. `S` is the
 * scope type its user knows (scope/ asks for its Scope; layers below see RegisteredScope).
 */
export interface Registry<S extends RegisteredScope = RegisteredScope> {
  readonly subreaper: Subreaper;
  /** Scopes made current by `enter()`, innermost last. */
  readonly entered: S[];
  /**
   * Every open scope, oldest first: orphans are attributed among them. An array, not a Set: a
   * scope opens and closes per test, newest last, and a push and a pop from the end cost less
   * than hashing a new object into a Set and out again (measured).
   */
  readonly open: S[];
  readonly als: AsyncLocalStorage<S>;
  /** The cgroup v2 layer, where this machine has one (usable or not); undefined until `spawn` loads it. */
  readonly cgroups: Cgroups | undefined;
  /**
   * Finds the cgroup layer: set by spawn.ts, the only code that places processes in cgroups, so
   * that a test worker which never spawns through curfew does not load it.
   */
  detectCgroups?: () => Cgroups | undefined;
  root?: S;
  self?: Self;
  watchdog?: WatchdogLink;
  /**
   * The pid counter as last read by a teardown. A new scope starts from it instead of reading
   * again: an older value can only send a teardown down the slow path, never skip a process.
   */
  lastPid?: number | null;
  /**
   * `spawn`, set when spawn.ts loads, for `Scope#spawn` (so that scope.ts, below spawn/, neither
   * imports it nor loads execa). A method, so that spawn's own signature fits it.
   */
  spawn?(file: string | URL, args: readonly string[] | undefined, options: { scope: S }): unknown;
  /** Orphans already pinned to a scope, by identity (see orphanOwner). */
  pinned?: Map<string, S>;
  /** When each process (pid:startTicks) was first seen with an empty environment (see scan-context.ts). */
  emptySince?: Map<string, number>;
  /** Processes kept with `keep()`, by identity (pid:startTicks); made on the first keep. */
  kept?: Map<string, KeepRecord<S>>;
}

/** A process a scope keeps alive past its own end: its parent scope (the owner) ends it. */
export interface KeepRecord<S extends RegisteredScope = RegisteredScope> {
  pid: number;
  startTicks: number;
  reason: string;
  /** The scope that kept it: its teardowns (and its children's) leave it running. */
  scope: S;
}

/** The crash watchdog as this thread sees it: told of groups, scopes and named processes as they come and go. */
export type WatchdogLink = Pick<WatchdogClient, 'watchGroup' | 'unwatchGroup' | 'watchToken' | 'unwatchToken' | 'hold' | 'ledger'>;
