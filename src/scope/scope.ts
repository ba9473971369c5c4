import { escalate } from '../kill/escalate.js';
import { findContext } from '../kill/context.js';
import { findMembers, type Claim } from '../kill/find.js';
import type { EndedProcess, KillReport } from '../kill/types.js';
import { normalizeEnd, normalizeScopeOptions, type EndOptions, type NormalizedScopeOptions, type ScopeOptions } from '../options.js';
import { getProc, type ProcInfo } from '../proc/index.js';
import type { ProcessGroup } from '../spawn/group.js';
import type { SpawnOptions } from '../spawn/options.js';
import type { Subprocess } from '../spawn/spawn.js';
import { CurfewError, ERROR_CODES } from '../errors.js';
import { getRegistry, orphanOwner, type Registry } from './registry.js';
import { extendChain, newScopeId, TOKEN_ENV } from './token.js';

/** What a teardown did. */
export interface TeardownReport extends KillReport {
  /** The ended processes that were leaks: everything except members of a spawn whose leader was still running. */
  leaks: EndedProcess[];
}

/** Reads the pid counter, and keeps it for the next scope to open (it saves that scope the read). */
function readCounter(): number | null {
  return (getRegistry().lastPid = getProc().lastPid());
}

/** Removes item from list, looking from the end: scopes mostly close newest first. */
function removeNewest<T>(list: T[], item: T): void {
  const at = list.lastIndexOf(item);
  // pop() when it is the last (nearly always): splice() allocates the array it returns.
  if (at === list.length - 1) list.pop();
  else if (at >= 0) list.splice(at, 1);
}

// A scope's open children are the open scopes whose parent it is: registry.open already lists
// them, oldest first, and a child always opens after its parent. No list per parent: one that
// went from empty to one test's scope and back, per test, allocated a backing store each time.
// Scopes from another copy of curfew in this realm (the bundled Vitest worker entry, the
// package a test imports) share registry.open, so they are found the same way.
function hasOpenChild(scope: Scope): boolean {
  const open = getRegistry().open;
  for (let i = open.length - 1; i >= 0; i--) if (open[i].parent === scope) return true;
  return false;
}

/** scope, then every open scope nested in it, at any depth. */
function withOpenDescendants(scope: Scope): Scope[] {
  const scopes = [scope];
  for (const other of getRegistry().open) if (other.parent !== undefined && !scopes.includes(other) && scopes.includes(other.parent)) scopes.push(other);
  return scopes;
}

function releaseOne(registry: Registry, scope: Scope): void {
  scope.markClosed();
  removeNewest(registry.open, scope);
  registry.watchdog?.unwatchScope(scope);
}

const EMPTY = (): TeardownReport => ({ ended: [], survivors: [], leaks: [], escalated: false, durationMs: 0, problems: [] });

/**
 * A set of spawned groups and a token, torn down together. Scopes nest: a child's token chain
 * holds its parent's id, so tearing down a parent ends what its children started too.
 */
export class Scope {
  readonly id: string;
  /** The token chain given to everything started in this scope. */
  readonly token: string;
  readonly parent: Scope | undefined;
  /** @internal */
  readonly options: NormalizedScopeOptions;
  /** @internal clock ticks since boot when the scope opened. */
  readonly createdTicks: number;
  // Made on the first spawn: most scopes (one per test under the integrations) never get one.
  #groups: Set<ProcessGroup> | undefined;
  #lastPid: number | null;
  /** Whether the last teardown ended everything it found (nothing older than #lastPid is left). */
  #allEnded = true;
  #closed = false;

  /** @internal use createScope() */
  constructor(parent: Scope | undefined, options?: ScopeOptions) {
    // A child with no options of its own (one per test under the integrations) shares its parent's.
    this.options = options === undefined && parent ? parent.options : normalizeScopeOptions(options, parent?.options);
    this.id = newScopeId();
    this.parent = parent;
    this.token = extendChain(parent ? parent.token : process.env[TOKEN_ENV], this.id);
    const proc = getProc();
    this.createdTicks = proc.nowTicks();
    const registry = getRegistry();
    this.#lastPid = registry.lastPid ?? proc.lastPid();
    registry.open.push(this);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** @internal */
  markClosed(): void {
    this.#closed = true;
  }

  /** The groups spawned in this scope that were not yet ended. */
  get groups(): readonly ProcessGroup[] {
    return this.#groups ? [...this.#groups] : [];
  }

  /** `spawn(file, args, options)` registered in this scope. */
  spawn(file: string | URL, args?: readonly string[], options?: SpawnOptions): Subprocess {
    // Looked up, not imported: the test-runner integrations make a scope per test, and a worker
    // whose tests spawn nothing should not load execa. The public entry always loads spawn.ts.
    return getRegistry().spawn!(file, args, { ...options, scope: this });
  }

  /** @internal */
  assertOpen(): void {
    if (this.#closed) throw new CurfewError(ERROR_CODES.SCOPE_CLOSED, `failed to spawn: scope ${this.id} was already disposed`);
  }

  /** @internal */
  register(group: ProcessGroup): void {
    (this.#groups ??= new Set()).add(group);
  }

  /** @internal */
  release(group: ProcessGroup): void {
    this.#groups?.delete(group);
  }

  /**
   * Makes this the current scope for `spawn()` and puts its token in `process.env`, so that
   * processes started with plain child_process (or any library) carry it too. Returns the undo.
   */
  enter(): () => void {
    const previous = this.enterTokenOnly();
    return () => this.leaveTokenOnly(previous);
  }

  /** @internal enter() without the closure (one per test under the integrations); returns the token to restore. */
  enterTokenOnly(): string | undefined {
    const previous = process.env[TOKEN_ENV];
    getRegistry().entered.push(this);
    process.env[TOKEN_ENV] = this.token;
    // The subreaper is turned on by the first spawn made while a scope is entered (registry.ts).
    return previous;
  }

  /** @internal undoes enterTokenOnly(), restoring what it returned. */
  leaveTokenOnly(previous: string | undefined): void {
    removeNewest(getRegistry().entered, this);
    if (previous === undefined) delete process.env[TOKEN_ENV];
    else process.env[TOKEN_ENV] = previous;
  }

  /** Runs fn with this scope current (see enter()); the environment change is process-wide. */
  async run<T>(fn: () => T | Promise<T>): Promise<T> {
    const exit = this.enter();
    try {
      return await getRegistry().als.run(this, fn);
    } finally {
      exit();
    }
  }

  #all(): { groups: ProcessGroup[]; scopes: Scope[] } {
    // The common case under the integrations, without building arrays: a test's scope alone.
    if (!hasOpenChild(this)) return { groups: this.#groups ? [...this.#groups] : [], scopes: [this] };
    const scopes = withOpenDescendants(this);
    return { groups: scopes.flatMap((s) => [...s.groups]), scopes };
  }

  /** @internal the claim: our groups and our children's, our token, and orphans that are ours. */
  claim(): Claim {
    const { groups, scopes } = this.#all();
    const mine = new Set(scopes);
    // Only groups placed in a cgroup have pids there; without one, cgroups are not even detected.
    const placed = groups.filter((g) => g.cgroup !== undefined);
    return {
      groups,
      tokens: [this.id],
      sinceTicks: this.createdTicks,
      claimOrphan: (info: ProcInfo, environ: string | null) => {
        const owner = orphanOwner(info.startTicks, environ);
        return owner !== undefined && mine.has(owner);
      },
      cgroupPids: placed.length > 0 ? () => placed.flatMap((g) => getRegistry().cgroups?.pids(g.cgroup!) ?? []) : undefined,
    };
  }

  /** The live processes that belong to this scope. */
  members(): ProcInfo[] {
    return findMembers(this.claim(), findContext()).members.map((m) => m.info);
  }

  /**
   * Ends every group of this scope (and of its child scopes) and every process found to belong
   * to it, with the escalation ladder. The scope stays open for further spawns.
   */
  async teardown(options?: EndOptions): Promise<TeardownReport> {
    const registry = getRegistry();
    const { groups } = this.#all();
    const lastPid = readCounter();
    if (groups.length === 0 && this.#nothingStarted(lastPid)) return EMPTY();
    const end = options ? normalizeEnd(options, this.options) : this.options;
    const managed = new Set(groups.filter((g) => g.leaderRunning).map((g) => g.pgid));
    const claim = this.claim();
    const context = findContext();
    // Without groups, only processes started since the scope opened (or since a teardown that
    // ended all it found) can be ours: the first scan probes just the pids handed out since,
    // instead of the whole table (the common case: the counter moved because others forked).
    if (groups.length === 0 && this.#lastPid !== null && this.#allEnded) context.memory = { lastPid: this.#lastPid, keep: new Set(), sinceOpened: true };
    const report = await escalate(() => findMembers(claim, context), end.ladder, () => registry.subreaper.reapOrphans(), { lazyFfi: groups.length === 0 });
    this.#allEnded = report.survivors.length === 0;
    for (const group of groups) {
      if (group.cgroup) report.problems.push(...((await registry.cgroups?.remove(group.cgroup)) ?? []));
      group.release();
    }
    registry.subreaper.reapOrphans();
    // The counter from before this teardown: a plain spawn made while it awaited has a later pid
    // but was not looked for, so the next teardown must not skip it (fast path) or probe past it.
    this.#lastPid = lastPid;
    readCounter();
    const leaks = report.ended.filter((p) => !(p.foundBy === 'group' && managed.has(p.pgid)));
    return { ...report, leaks };
  }

  // Nothing was registered and no pid was allocated anywhere since the last look: nothing can
  // carry our token or be our orphan, so no scan is needed (this keeps trivial tests free).
  #nothingStarted(lastPid: number | null): boolean {
    return lastPid !== null && lastPid === this.#lastPid && !getRegistry().subreaper.hasOrphans();
  }

  /** Tears down and closes the scope: later spawns into it throw. */
  async close(options?: EndOptions): Promise<TeardownReport> {
    if (this.#closed) return EMPTY();
    const report = await this.teardown(options);
    this.#release();
    return report;
  }

  /**
   * @internal Closes the scope at once, without a promise, when it has nothing to end (no
   * groups, no child scopes, no pid handed out since it last looked); returns false, leaving it
   * open, otherwise. Every test of a trivial suite takes this path under the integrations.
   */
  closeIfIdle(): boolean {
    if (this.#closed) return true;
    if (hasOpenChild(this) || (this.#groups?.size ?? 0) > 0) return false;
    if (!this.#nothingStarted(readCounter())) return false;
    this.#release();
    return true;
  }

  #release(): void {
    const registry = getRegistry();
    // A scope alone (every test's) without building a list; #all() would also collect groups.
    if (!hasOpenChild(this)) releaseOne(registry, this);
    else for (const scope of withOpenDescendants(this)) releaseOne(registry, scope);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
