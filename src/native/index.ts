import { CurfewError, ERROR_CODES } from '../errors.js';
import { createDarwinNative } from './darwin.js';
import { createLinuxNative } from './linux.js';
import { loadKoffi } from './load.js';
import { bindSessionSpawn } from './spawn-linux.js';
import type { Native, SessionSpawn } from './types.js';

export type { ChildExit, Native, SessionSpawn, SignalResult } from './types.js';

// The platform is chosen once, on first use, so that importing curfew stays cheap for processes
// that never end anything (koffi's load is the slowest part of start-up).
let cached: Native | undefined;
let koffi: typeof import('koffi') | undefined;
let sessionSpawn: SessionSpawn | undefined | null = null;

function loadKoffiOnce(): typeof import('koffi') {
  try {
    return (koffi ??= loadKoffi(import.meta.url));
  } catch (cause) {
    throw new CurfewError(ERROR_CODES.FFI_UNAVAILABLE, 'failed to load koffi, the FFI used to call libc', { cause });
  }
}

export function getNative(): Native {
  if (cached) return cached;
  const { platform } = process;
  if (platform !== 'linux' && platform !== 'darwin') {
    throw new CurfewError(ERROR_CODES.UNSUPPORTED_PLATFORM, `process groups are not available on ${platform}`);
  }
  const koffi = loadKoffiOnce();
  try {
    cached = platform === 'linux' ? createLinuxNative(koffi) : createDarwinNative(koffi);
  } catch (cause) {
    throw new CurfewError(ERROR_CODES.FFI_UNAVAILABLE, `failed to bind libc on ${platform}`, { cause });
  }
  return cached;
}

/**
 * posix_spawn of a session leader and a wait for it off the main thread (spawn-linux.ts), for
 * `curfew run`; undefined off Linux or where libc refuses the attributes. A function of its own, not
 * a member of Native: the test integrations' worker entries, which never start a command, leave it out.
 */
export function getSessionSpawn(): SessionSpawn | undefined {
  if (process.platform !== 'linux') return undefined;
  if (sessionSpawn !== null) return sessionSpawn;
  const koffi = loadKoffiOnce();
  try {
    return (sessionSpawn = bindSessionSpawn(koffi.load('libc.so.6')));
  } catch (cause) {
    throw new CurfewError(ERROR_CODES.FFI_UNAVAILABLE, 'failed to bind posix_spawn in libc', { cause });
  }
}
