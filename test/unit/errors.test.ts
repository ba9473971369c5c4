import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CurfewError, ERROR_CODES, isCurfewError } from 'curfew';

describe('CurfewError', () => {
  it('carries a stable code and is recognised by isCurfewError', () => {
    const error = new CurfewError(ERROR_CODES.PROC_UNREADABLE, 'failed to read /proc');
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ERR_CURFEW_PROC_UNREADABLE');
    expect(error.name).toBe('CurfewError');
    expect(isCurfewError(error)).toBe(true);
    expect(isCurfewError(new Error('x'))).toBe(false);
    expect(isCurfewError(null)).toBe(false);
  });

  it('is recognised across realms, where instanceof on the class alone would fail', () => {
    // What Jest does to modules: the same class evaluated in another context.
    const foreign = runInNewContext(`const e = new Error('from another realm'); e[Symbol.for('curfew.error')] = true; e.code = 'ERR_CURFEW_FFI_UNAVAILABLE'; e`);
    expect(foreign instanceof Error).toBe(false);
    expect(isCurfewError(foreign)).toBe(true);
    expect(foreign instanceof CurfewError).toBe(true);
  });
});
