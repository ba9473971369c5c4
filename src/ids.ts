/**
 * The environment variable every spawn carries and every descendant inherits. Its value is a
 * chain of scope ids, outermost first, so a parent scope also finds what its child scopes started
 * (and a `curfew run` supervisor finds everything below it).
 */
export const TOKEN_ENV = 'CURFEW_TOKEN';

/** Marks a crash watchdog sidecar's environment with its owner's pid. */
export const WATCHDOG_ENV = 'CURFEW_WATCHDOG';

// A prefix per module instance (our pid, which no live process shares, and 48 random bits for
// copies of curfew within one process), then a counter. Not node:crypto: loading it costs more
// than a `curfew run` of a short command should, and the ids need uniqueness, not secrecy.
const PREFIX = `${process.pid.toString(36)}${randomDigits()}`;
let next = 0;

/** A new scope (or group) id, unique on this machine while this process lives. */
export function newScopeId(): string {
  return `${PREFIX}${(next++).toString(36)}`;
}

/** The token chain of something started under `parent` (a chain, or nothing): the parent's ids, then `id`. */
export function extendChain(parent: string | undefined, id: string): string {
  return parent ? `${parent}:${id}` : id;
}

/** 48 random bits as 10 base-36 digits (V8 seeds Math.random per isolate from the OS). */
export function randomDigits(): string {
  return Math.floor(Math.random() * 2 ** 48).toString(36).padStart(10, '0');
}
