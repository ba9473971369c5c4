import { getProc } from '../proc/index.js';
import { onlyThreadsSince } from '../proc/threads-since.js';
import { getRegistry } from '../registry/registry.js';

/**
 * Whether no process can have started between two reads of the pid counter: none took a pid
 * (threads may have: see onlyThreadsSince) and no orphan waits to be looked at. Then nothing can
 * carry a scope's token or be its orphan, and its teardown needs no scan: this keeps trivial
 * tests free. Unknown counters (null) say nothing.
 */
export function nothingStartedSince(from: number | null, to: number | null): boolean {
  if (from === null || to === null) return false;
  return onlyThreadsSince(getProc(), from, to) && !getRegistry().subreaper.hasOrphans();
}
