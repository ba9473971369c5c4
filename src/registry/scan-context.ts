import { newFindContext, type FindContext } from '../kill/context.js';
import { getProc } from '../proc/index.js';
import { getRegistry } from './registry.js';
import { getSelf } from './self.js';

/** Entries of the first-empty-environment record past which old ones are forgotten. */
const EMPTY_SINCE_MAX = 256;

/**
 * The scan context of this thread: with the subreaper when it is on. When each process was first
 * seen with an empty environment is kept across scans (a process mid-exec shows one, and is only
 * believed empty after a while): separate one-shot scans (`members()`) must not each start that
 * while anew and never judge it.
 */
export function findContext(): FindContext {
  const registry = getRegistry();
  const emptySince = (registry.emptySince ??= new Map());
  if (emptySince.size > EMPTY_SINCE_MAX) emptySince.clear();
  return newFindContext(getProc(), getSelf(), registry.subreaper, { emptySince });
}
