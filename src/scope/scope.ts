import { CurfewError, ERROR_CODES } from '../errors.js';
import type { ProcessGroup } from '../group/group.js';
import type { Subprocess } from '../group/subprocess.js';
import { extendChain, newScopeId, TOKEN_ENV } from '../ids.js';
import type { Claim } from '../kill/claim.js';
import { findMembers } from '../kill/find.js';
import { normalizeScopeOptions, type NormalizedScopeOptions, type ScopeOptions } from '../options.js';
import { getProc, type ProcInfo } from '../proc/index.js';
import { getRegistry, readAndRecordLastPid } from '../registry/registry.js';
import { findContext } from '../registry/scan-context.js';
import { groupsWithin, scopeClaim } from './claim.js';
import { nothingStartedSince } from './idle.js';
import { keepProcess } from './keep.js';
import { enterAndSwapToken, exitAndRestoreToken } from './entered.js';
import { closeScopes, hasOpenChild } from './open-scopes.js';
import type { TeardownOptions } from './ownership.js';
import { emptyReport, type TeardownReport } from './report.js';
import type { SpawnOptionsOf } from './spawn-options.js';

export type { TeardownReport } from './report.js';
export type { Owned, TeardownOptions } from './ownership.js';

/** Options of `spawn`: every execa option, plus curfew's own. */
export type SpawnOptions = SpawnOptionsOf<Scope>;

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
    const registry = getRegistry<Scope>();
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
    // Looked up, not imported: a test worker whose tests spawn nothing should not load execa.
    return getRegistry<Scope>().spawn!(file, args, { ...options, scope: this }) as Subprocess;
  }

  /** @internal */
  assertOpen(): void {
    if (this.#closed) throw new CurfewError(ERROR_CODES.SCOPE_CLOSED, `failed to spawn: scope ${this.id} was already disposed`);
  }

  /** @internal a group spawned in this scope. */
  addGroup(group: ProcessGroup): void {
    (this.#groups ??= new Set()).add(group);
  }

  /** @internal a group that is ended, or whose scope took over: no longer this scope's to end. */
  forgetGroup(group: ProcessGroup): void {
    this.#groups?.delete(group);
  }

  /**
   * Keeps a process (and its descendants) running past this scope's teardowns: the enclosing
   * scope owns it and ends it when it closes, without calling it a leak (modelled on goleak's
   * IgnoreCurrent). For a helper a test starts and later tests use. Returns the undo.
   */
  keep(target: number | { readonly pid?: number }, reason = 'kept with keep()'): () => void {
    return keepProcess(this, target, reason);
  }

  /**
   * Makes this the current scope for `spawn()` and puts its token in `process.env`, so that
   * processes started with plain child_process (or any library) carry it too. Returns the undo.
   */
  enter(): () => void {
    const previous = this.enterAndSwapToken();
    return () => this.exitAndRestoreToken(previous);
  }

  /** @internal enter() without the closure (one per test under the integrations): see entered.ts. */
  enterAndSwapToken(): string | undefined {
    return enterAndSwapToken(this);
  }

  /** @internal undoes enterAndSwapToken(), restoring the token it returned. */
  exitAndRestoreToken(previous: string | undefined): void {
    exitAndRestoreToken(this, previous);
  }

  /** Runs fn with this scope current (see enter()); the environment change is process-wide. */
  async run<T>(fn: () => T | Promise<T>): Promise<T> {
    const exit = this.enter();
    try {
      return await getRegistry<Scope>().als.run(this, fn);
    } finally {
      exit();
    }
  }

  /** @internal the claim: our groups and our children's, our token, and orphans that are ours. */
  claim(): Claim {
    const { groups, scopes } = groupsWithin(this);
    return scopeClaim(this, groups, scopes);
  }

  /** The live processes that belong to this scope. */
  members(): ProcInfo[] {
    // A sweep first: what is found here is then also named to the crash watchdog.
    getRegistry().subreaper.reapOrphans();
    return findMembers(this.claim(), findContext()).members.map((m) => m.info);
  }

  /**
   * Ends every group of this scope (and of its child scopes) and every process found to belong
   * to it, with the escalation ladder, after the settle window for what may be exiting by
   * itself. The scope stays open for further spawns. See `TeardownOptions.owned` for what is
   * left running.
   */
  async teardown(options?: TeardownOptions): Promise<TeardownReport> {
    const { groups, scopes } = groupsWithin(this);
    const lastPid = readAndRecordLastPid();
    if (groups.length === 0 && this.#nothingStarted(lastPid)) return emptyReport();
    // Without groups, only processes started since the scope opened (or since a teardown that
    // ended all it found) can be ours: the first scan probes just the pids handed out since.
    const since = groups.length === 0 && this.#lastPid !== null && this.#allEnded ? this.#lastPid : null;
    const { runTeardown } = await import('./teardown.js');
    const report = await runTeardown(this, { groups, claim: scopeClaim(this, groups, scopes), sinceLastPid: since, options });
    this.#allEnded = report.survivors.length === 0 && report.kept.length === 0;
    // The counter from before this teardown: a plain spawn made while it awaited has a later pid
    // but was not looked for, so the next teardown must not skip it (fast path) or probe past it.
    this.#lastPid = lastPid;
    readAndRecordLastPid();
    return report;
  }

  // Nothing was registered and no process took a pid since the last look (idle.ts).
  #nothingStarted(lastPid: number | null): boolean {
    if (!this.#allEnded || !nothingStartedSince(this.#lastPid, lastPid)) return false;
    this.#lastPid = lastPid;
    return true;
  }

  /** Tears down and closes the scope: later spawns into it throw. */
  async close(options?: TeardownOptions): Promise<TeardownReport> {
    if (this.#closed) return emptyReport();
    const report = await this.teardown(options);
    closeScopes(this);
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
    if (!this.#nothingStarted(readAndRecordLastPid())) return false;
    closeScopes(this);
    return true;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
