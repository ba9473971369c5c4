// One error class for a broken environment; misuse gets a TypeError instead (see options.ts).
// Jest loads modules once per test file realm, so `instanceof` fails across realms: the brand is
// a registered symbol and `isCurfewError` checks it.

const BRAND = Symbol.for('curfew.error');

/** Stable codes: match on these, never on messages. */
export const ERROR_CODES = {
  /** koffi or libc could not be loaded, or a libc call failed in a way that is not "process gone". */
  FFI_UNAVAILABLE: 'ERR_CURFEW_FFI_UNAVAILABLE',
  /** /proc (or `ps` on macOS) could not be read, so membership cannot be proven. */
  PROC_UNREADABLE: 'ERR_CURFEW_PROC_UNREADABLE',
  /** This platform has no process groups (Windows). */
  UNSUPPORTED_PLATFORM: 'ERR_CURFEW_UNSUPPORTED_PLATFORM',
  /** `spawn` into a scope that was already disposed. */
  SCOPE_CLOSED: 'ERR_CURFEW_SCOPE_CLOSED',
  /** The crash watchdog could not be started. */
  WATCHDOG_FAILED: 'ERR_CURFEW_WATCHDOG_FAILED',
  /** A test runner too old for the integration (which would otherwise silently do nothing). */
  UNSUPPORTED_RUNNER: 'ERR_CURFEW_UNSUPPORTED_RUNNER',
  /** A test (or suite, or file) left processes running under the test-runner integrations' `onLeak: 'fail'`. */
  LEAKED: 'ERR_CURFEW_LEAKED',
} as const;

export type CurfewErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export class CurfewError extends Error {
  readonly code: CurfewErrorCode;

  constructor(code: CurfewErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CurfewError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return isCurfewError(value);
  }
}

/** True for any CurfewError, from any realm or copy of the package. */
export function isCurfewError(value: unknown): value is CurfewError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
