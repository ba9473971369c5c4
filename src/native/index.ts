import { CurfewError, ERROR_CODES } from '../errors.js';
import { createDarwinNative } from './darwin.js';
import { createLinuxNative } from './linux.js';
import { loadKoffi } from './load.js';
import type { Native } from './types.js';

export type { ChildExit, Native, SessionSpawn, SignalResult } from './types.js';

// The platform is chosen once, on first use, so that importing curfew stays cheap for processes
// that never end anything (koffi's load is the slowest part of start-up).
let cached: Native | undefined;

export function getNative(): Native {
  if (cached) return cached;
  const { platform } = process;
  if (platform !== 'linux' && platform !== 'darwin') {
    throw new CurfewError(ERROR_CODES.UNSUPPORTED_PLATFORM, `process groups are not available on ${platform}`);
  }
  let koffi: typeof import('koffi');
  try {
    koffi = loadKoffi(import.meta.url);
  } catch (cause) {
    throw new CurfewError(ERROR_CODES.FFI_UNAVAILABLE, 'failed to load koffi, the FFI used to call libc', { cause });
  }
  try {
    cached = platform === 'linux' ? createLinuxNative(koffi) : createDarwinNative(koffi);
  } catch (cause) {
    throw new CurfewError(ERROR_CODES.FFI_UNAVAILABLE, `failed to bind libc on ${platform}`, { cause });
  }
  return cached;
}
