import { invalid } from '../options.js';
import { getProc, identity } from '../proc/index.js';
import { getRegistry } from '../registry/registry.js';
import type { RegisteredScope } from '../registry/types.js';

/**
 * Records that `scope` keeps a process (and its descendants) running past its teardowns: the
 * enclosing scope ends it (see `Scope#keep`). Returns the undo.
 */
export function keepProcess(scope: RegisteredScope, target: number | { readonly pid?: number }, reason: string): () => void {
  const pid = typeof target === 'number' ? target : target?.pid;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 1) invalid('target', 'a subprocess or a pid above 1', target);
  if (typeof reason !== 'string' || reason.trim() === '') invalid('reason', 'a non-empty string', reason);
  const info = getProc().stat(pid);
  if (!info) return () => {};
  const key = identity(info);
  const kept = (getRegistry().kept ??= new Map());
  kept.set(key, { pid, startTicks: info.startTicks, reason, scope });
  return () => void kept.delete(key);
}
