import { getProc } from '../proc/index.js';
import { getRegistry, getSelf } from '../scope/registry.js';
import { newFindContext, type FindContext } from './find.js';

/** The scan context of this thread: with the subreaper when it is on. */
export function findContext(): FindContext {
  return newFindContext(getProc(), getSelf(), getRegistry().subreaper);
}
