import { existsSync } from 'node:fs';
import { CurfewError, ERROR_CODES } from '../errors.js';
import { linuxProc } from './linux.js';
import { psProc } from './ps.js';
import type { ProcSource } from './source.js';

export type { ProcInfo } from './types.js';
export type { ProcSource } from './source.js';
export { dyingBySignal, identity, isDead, isExiting, type SignalMasks } from './types.js';
export { findEnv, parseStat } from './stat.js';

let chosen: ProcSource | undefined;

/** The process table source for this platform, chosen once. */
export function getProc(): ProcSource {
  if (chosen) return chosen;
  if (process.platform === 'linux') {
    // Without /proc nothing can be proven ours, so refuse rather than guess.
    if (!existsSync('/proc/self/stat')) {
      throw new CurfewError(ERROR_CODES.PROC_UNREADABLE, 'failed to read /proc: is procfs mounted?');
    }
    chosen = linuxProc;
  } else {
    chosen = psProc;
  }
  return chosen;
}
