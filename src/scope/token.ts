import { randomBytes } from 'node:crypto';

/**
 * The environment variable every spawn carries and every descendant inherits. Its value is a
 * chain of scope ids, outermost first, so a parent scope also finds what its child scopes started
 * (and a `curfew run` supervisor finds everything below it).
 */
export const TOKEN_ENV = 'CURFEW_TOKEN';

// A random prefix per module instance, then a counter: as unique across processes as a random
// id per scope, without reading the system's random source for every scope (the test-runner
// integrations open one per test).
const PREFIX = randomBytes(6).toString('hex');
let next = 0;

export function newScopeId(): string {
  return `${PREFIX}${(next++).toString(36)}`;
}

export function extendChain(parent: string | undefined, id: string): string {
  return parent ? `${parent}:${id}` : id;
}
