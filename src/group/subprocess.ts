import type { ResultPromise } from 'execa';
import type { ProcessGroup } from './group.js';

/** execa's subprocess, plus the group it leads. */
export type Subprocess = ResultPromise & { readonly group: ProcessGroup };
