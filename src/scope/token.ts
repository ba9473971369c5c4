import { randomBytes } from 'node:crypto';

/**
 * The environment variable every spawn carries and every descendant inherits. Its value is a
 * chain of scope ids, outermost first, so a parent scope also finds what its child scopes started
 * (and a `curfew run` supervisor finds everything below it).
 */
export const TOKEN_ENV = 'CURFEW_TOKEN';

export function newScopeId(): string {
  return randomBytes(6).toString('hex');
}

export function extendChain(parent: string | undefined, id: string): string {
  return parent ? `${parent}:${id}` : id;
}
