import { bindPosix } from './common.js';
import type { Native } from './types.js';

type Koffi = typeof import('koffi');

// macOS has process groups and sessions but no subreaper and no pidfd: those layers report
// themselves unavailable instead of pretending.
export function createDarwinNative(koffi: Koffi): Native {
  const posix = bindPosix(koffi, koffi.load('libSystem.B.dylib'));
  return {
    platform: 'darwin',
    ...posix,
    setChildSubreaper: () => false,
    reapChild: () => false,
    pidfdOpen: () => null,
    pidfdSignal: () => 'gone',
    closeFd: () => {},
  };
}
