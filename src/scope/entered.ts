import { TOKEN_ENV } from '../ids.js';
import { getRegistry } from '../registry/registry.js';
import type { RegisteredScope } from '../registry/types.js';
import { removeNewest } from './open-scopes.js';

/**
 * Makes scope current (pushes it on the entered stack) and swaps its token into `process.env`;
 * returns the token it replaced, for exitAndRestoreToken().
 */
export function enterAndSwapToken(scope: RegisteredScope & { readonly token: string }): string | undefined {
  const previous = process.env[TOKEN_ENV];
  getRegistry().entered.push(scope);
  process.env[TOKEN_ENV] = scope.token;
  // The subreaper is turned on by the first spawn made while a scope is entered (registry/registry.ts).
  return previous;
}

/** Undoes enterAndSwapToken(): pops scope off the entered stack and restores the token it returned. */
export function exitAndRestoreToken(scope: RegisteredScope, previous: string | undefined): void {
  removeNewest(getRegistry().entered, scope);
  if (previous === undefined) delete process.env[TOKEN_ENV];
  else process.env[TOKEN_ENV] = previous;
}
