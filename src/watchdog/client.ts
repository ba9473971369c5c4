import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Socket } from 'node:net';
import { ERROR_CODES } from '../errors.js';
import { getProc } from '../proc/index.js';
import { TOKEN_ENV, WATCHDOG_ENV } from '../ids.js';
import { encodeGroup, encodeHeld, encodeHeldGone, encodeLedger, encodeLedgerGone, encodeUnwatchGroup, encodeState, encodeToken, encodeTokenClosed, identityKey, isEmpty, newWatchState, type Identity, type WatchedGroup } from './protocol.js';

export type { WatchedGroup } from './protocol.js';

export { WATCHDOG_ENV } from '../ids.js';

/** A watchdog that keeps dying is not restarted forever: past this many, the loss is reported. */
const MAX_RESTARTS = 5;
/** Past this many named processes, the ones that are gone are forgotten (checked by identity). */
const PRUNE_AT = 256;

// Found through the package itself, not next to this file: this code may also run from the
// bundled Vitest worker entry, which lives elsewhere in dist/.
function sidecarPath(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('curfew/package.json')), 'dist', 'watchdog', 'sidecar.js');
  } catch {
    return fileURLToPath(new URL('./sidecar.js', import.meta.url));
  }
}

function warn(message: string): void {
  process.emitWarning(message, { code: ERROR_CODES.WATCHDOG_FAILED });
}

/**
 * The owner's end of the watchdog: one sidecar per thread, started on the first registration.
 * Writes are fire-and-forget into a pipe; only the pipe closing (this thread or process dying)
 * means anything to the sidecar. Everything registered is also kept here, so that when the
 * sidecar dies (the OOM killer, a stray kill), a new one is started at once and told all of it;
 * a sidecar that cannot be started or keeps dying is reported, never silently lost.
 */
export class WatchdogClient {
  #child: ChildProcess | undefined;
  #failed = false;
  #restarts = 0;
  readonly #state = newWatchState();
  readonly #onStart: ((sidecar: ChildProcess) => void) | undefined;

  /** `onStart` is told of each sidecar process once it is spawned (it is curfew's, not the code under test's). */
  constructor(options: { onStart?: (sidecar: ChildProcess) => void } = {}) {
    this.#onStart = options.onStart;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** A spawned group: ended (its members proven by its leader or token) if we die. */
  watchGroup(group: WatchedGroup): void {
    this.#state.groups.set(group.pgid, group);
    this.#send(encodeGroup(group));
  }

  unwatchGroup(pgid: number): void {
    if (this.#state.groups.delete(pgid)) this.#send(encodeUnwatchGroup(pgid));
  }

  hold(pid: number, startTicks: number, settleMs: number): void {
    const held = { pid, startTicks, settleMs };
    const key = identityKey(held);
    if (this.#state.held.has(key)) return;
    this.#state.held.set(key, held);
    this.#send(encodeHeld(held));
    this.#pruneIfLarge();
  }

  /** A child started in a scope, or an orphan adopted as subreaper: ended by identity if we die. */
  ledger(pid: number, startTicks: number): void {
    const entry = { pid, startTicks };
    const key = identityKey(entry);
    if (this.#state.ledger.has(key)) return;
    this.#state.ledger.set(key, entry);
    this.#send(encodeLedger(entry));
    this.#pruneIfLarge();
  }

  /** Carriers of this scope id (started since `sinceTicks`) are to be ended if we die. */
  watchToken(id: string, sinceTicks: number): void {
    if (this.#state.tokens.has(id)) return;
    this.#state.tokens.set(id, sinceTicks);
    this.#send(encodeToken(id, sinceTicks));
  }

  unwatchToken(id: string): void {
    if (this.#state.tokens.delete(id)) this.#send(encodeTokenClosed(id));
  }

  #send(line: string): void {
    const child = this.#child ?? this.#start();
    child?.stdin?.write(line);
  }

  // Named processes that are gone are forgotten here and by the sidecar (a pid is only a name
  // together with its start time, so a stale entry could never hit another process anyway).
  #pruneIfLarge(): void {
    if (this.#state.held.size + this.#state.ledger.size < PRUNE_AT) return;
    const proc = getProc();
    const gone = (p: Identity) => proc.stat(p.pid)?.startTicks !== p.startTicks;
    for (const [key, p] of this.#state.held) {
      if (!gone(p)) continue;
      this.#state.held.delete(key);
      this.#send(encodeHeldGone(p));
    }
    for (const [key, p] of this.#state.ledger) {
      if (!gone(p)) continue;
      this.#state.ledger.delete(key);
      this.#send(encodeLedgerGone(p));
    }
  }

  #start(): ChildProcess | undefined {
    if (this.#failed) return undefined;
    const env: NodeJS.ProcessEnv = { ...process.env, [WATCHDOG_ENV]: String(process.pid) };
    delete env[TOKEN_ENV];
    delete env.NODE_OPTIONS;
    let child: ChildProcess;
    try {
      // Loaded here, not at the top: a worker thread that never registers anything (most of
      // Vitest's threads-pool workers) would otherwise pay ~2 ms to load it for nothing.
      const { spawn } = process.getBuiltinModule('node:child_process');
      child = spawn(process.execPath, [sidecarPath()], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env });
    } catch (error) {
      this.#fail(`failed to start the crash watchdog (${(error as Error).message})`);
      return undefined;
    }
    this.#onStart?.(child);
    child.on('error', (error) => this.#fail(`failed to start the crash watchdog (${error.message})`));
    child.once('exit', (code, signal) => this.#lost(child, code, signal));
    // Neither the sidecar nor the pipe may keep this process alive.
    child.unref();
    (child.stdin as Socket | null)?.unref();
    // A write to a sidecar that just died fails with EPIPE; its 'exit' starts the next one.
    child.stdin?.on('error', () => {});
    this.#child = child;
    // A replacement is told everything still registered before anything new.
    if (!isEmpty(this.#state)) child.stdin?.write(encodeState(this.#state));
    return child;
  }

  // The sidecar exited while we live: killed, or crashed. Start another one with everything.
  #lost(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
    if (++this.#restarts > MAX_RESTARTS) return this.#fail(`the crash watchdog ${how} ${this.#restarts} times; it is not restarted again`);
    const next = this.#start();
    if (next) warn(`curfew: the crash watchdog (pid ${child.pid}) ${how}; started another (pid ${next.pid}) with everything registered`);
  }

  // Crash safety is lost, not the spawn: say so loudly, once.
  #fail(why: string): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#child = undefined;
    warn(`curfew: ${why}; processes will not be ended if this process dies`);
  }
}
