import { readSelf, type Self } from '../kill/guards.js';
import { getProc } from '../proc/index.js';
import { getRegistry } from './registry.js';

/** Our pid, group and session, read once per registry (a process never changes them under us). */
export function getSelf(): Self {
  const registry = getRegistry();
  registry.self ??= readSelf(getProc());
  return registry.self;
}
