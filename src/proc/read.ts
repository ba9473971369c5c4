import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { CurfewError, ERROR_CODES } from '../errors.js';

// One buffer reused for every read: a scan touches hundreds of small files, and allocating
// per file doubles its cost.
export const buffer = Buffer.alloc(64 * 1024);

// A vanished pid is not an error: it means "gone", which is what a cleanup hopes to see. Any
// other failure (no descriptors left, EMFILE; a permission) is "could not read", never "gone":
// read as gone, a live leak would be reported as ended.
export const GONE = new Set(['ENOENT', 'ESRCH']);
export const DENIED = new Set(['EACCES', 'EPERM']);

/** The error for a /proc file that could not be read (a broken environment, not an outcome). */
export function unreadable(path: string, error: unknown): CurfewError {
  const { code, message } = error as NodeJS.ErrnoException;
  return new CurfewError(ERROR_CODES.PROC_UNREADABLE, `failed to read ${path}: ${code ?? message}`, { cause: error });
}

export function readSmall(path: string, limit = buffer.length): string | null {
  const length = readSmallBytes(path, limit);
  return length === null ? null : buffer.toString('latin1', 0, length);
}

/**
 * Reads a small file into `buffer`: the number of bytes read, or null when the process is gone.
 * Throws the error of any other failure (the callers decide what a permission means).
 */
export function readSmallBytes(path: string, limit: number): number | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (GONE.has((error as NodeJS.ErrnoException).code ?? '')) return null;
    throw error;
  }
  try {
    let total = 0;
    for (;;) {
      const n = readSync(fd, buffer, total, limit - total, null);
      total += n;
      if (n === 0 || total >= limit) break;
    }
    return total;
  } catch (error) {
    if (GONE.has((error as NodeJS.ErrnoException).code ?? '')) return null;
    throw error;
  } finally {
    closeSync(fd);
  }
}

/** readSmall, with a permission read as `denied` (the caller's meaning) and anything else thrown as unreadable. */
export function readOrDenied<T>(path: string, limit: number, denied: T): string | null | T {
  try {
    return readSmall(path, limit);
  } catch (error) {
    if (DENIED.has((error as NodeJS.ErrnoException).code ?? '')) return denied;
    throw unreadable(path, error);
  }
}

export function listDir(path: string): string[] | null {
  try {
    return readdirSync(path);
  } catch (error) {
    if (GONE.has((error as NodeJS.ErrnoException).code ?? '')) return null;
    throw unreadable(path, error);
  }
}
