import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Socket } from 'node:net';
import type { ProcessGroup } from '../spawn/group.js';
import type { Scope } from '../scope/scope.js';
import type { WatchdogLink } from '../scope/registry.js';
import { TOKEN_ENV } from '../scope/token.js';
import { encodeGroup, encodeRelease, encodeToken, encodeTokenClosed } from './protocol.js';

/** Marks the sidecar's environment, so a supervisor can tell a watchdog finishing its job from a leak. */
export const WATCHDOG_ENV = 'CURFEW_WATCHDOG';

// Found through the package itself, not next to this file: this code may also run from the
// bundled Vitest worker entry, which lives elsewhere in dist/.
function sidecarPath(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('curfew/package.json')), 'dist', 'watchdog', 'sidecar.js');
  } catch {
    return fileURLToPath(new URL('./sidecar.js', import.meta.url));
  }
}

/**
 * The owner's end of the watchdog: one sidecar per thread, started on the first registration.
 * Writes are fire-and-forget into a pipe; only the pipe closing (this thread or process dying)
 * means anything to the sidecar.
 */
export class WatchdogClient implements WatchdogLink {
  #child: ChildProcess | undefined;
  #failed = false;
  readonly #scopes = new Set<string>();

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  register(group: ProcessGroup, scope: Scope): void {
    this.watchScope(scope);
    this.#send(encodeGroup({ pgid: group.pgid, leaderStart: group.leaderStart, sinceTicks: scope.createdTicks, graceMs: scope.options.grace, cgroup: group.cgroup }));
  }

  release(group: ProcessGroup): void {
    if (this.#child) this.#send(encodeRelease(group.pgid));
  }

  /** Carriers of this scope's token are to be ended if we die. */
  watchScope(scope: Scope): void {
    if (this.#scopes.has(scope.id)) return;
    this.#scopes.add(scope.id);
    this.#send(encodeToken(scope.id, scope.createdTicks));
  }

  unwatchScope(scope: Scope): void {
    if (this.#scopes.delete(scope.id)) this.#send(encodeTokenClosed(scope.id));
  }

  #send(line: string): void {
    const child = this.#child ?? this.#start();
    child?.stdin?.write(line);
  }

  #start(): ChildProcess | undefined {
    if (this.#failed) return undefined;
    const env: NodeJS.ProcessEnv = { ...process.env, [WATCHDOG_ENV]: String(process.pid) };
    delete env[TOKEN_ENV];
    delete env.NODE_OPTIONS;
    try {
      const child = spawn(process.execPath, [sidecarPath()], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env });
      child.on('error', (error) => this.#fail(error));
      // Neither the sidecar nor the pipe may keep this process alive.
      child.unref();
      (child.stdin as Socket | null)?.unref();
      child.stdin?.on('error', () => {});
      this.#child = child;
      return child;
    } catch (error) {
      this.#fail(error);
      return undefined;
    }
  }

  // Crash safety is lost, not the spawn: say so loudly, once.
  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#child = undefined;
    process.emitWarning(`curfew: failed to start the crash watchdog (${(error as Error).message}); processes will not be ended if this process dies`, { code: 'ERR_CURFEW_WATCHDOG_FAILED' });
  }
}
