import { getRegistry } from '../registry/registry.js';
import type { RegisteredScope, Registry } from '../registry/types.js';

/** What closing needs of a scope (the Scope class, seen from below it). */
export interface ClosableScope extends RegisteredScope {
  markClosed(): void;
}

// A scope's open children are the open scopes whose parent it is: registry.open already lists
// them, oldest first, and a child always opens after its parent. No list per parent: one that
// went from empty to one test's scope and back, per test, allocated a backing store each time.
// Scopes from another copy of curfew in this realm (the bundled Vitest worker entry, the
// package a test imports) share registry.open, so they are found the same way.

/** Removes item from list, looking from the end: scopes mostly close newest first. */
export function removeNewest<T>(list: T[], item: T): void {
  const at = list.lastIndexOf(item);
  // pop() when it is the last (nearly always): splice() allocates the array it returns.
  if (at === list.length - 1) list.pop();
  else if (at >= 0) list.splice(at, 1);
}

export function hasOpenChild(scope: RegisteredScope): boolean {
  const open = getRegistry().open;
  for (let i = open.length - 1; i >= 0; i--) if (open[i].parent === scope) return true;
  return false;
}

/** scope, then every open scope nested in it, at any depth. */
export function withOpenDescendants<S extends RegisteredScope>(scope: S): S[] {
  const scopes: RegisteredScope[] = [scope];
  for (const other of getRegistry<S>().open) if (other.parent !== undefined && !scopes.includes(other) && scopes.includes(other.parent)) scopes.push(other);
  // Every scope but the first came from the registry's `open`, which holds S.
  return scopes as S[];
}

/** Marks the scope (and its open descendants) closed and forgets them. */
export function closeScopes<S extends ClosableScope>(scope: S): void {
  const registry = getRegistry<S>();
  // A scope alone (every test's) without building a list.
  if (!hasOpenChild(scope)) closeOne(registry, scope);
  else for (const s of withOpenDescendants(scope)) closeOne(registry, s);
}

function closeOne<S extends ClosableScope>(registry: Registry<S>, scope: S): void {
  scope.markClosed();
  removeNewest(registry.open, scope);
  registry.watchdog?.unwatchToken(scope.id);
}
