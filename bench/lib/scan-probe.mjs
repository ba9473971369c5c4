// One measurement of curfew's scan, shared by the scanner's main thread (where curfew is the
// child subreaper and walks its own subtree) and its worker thread (where the subreaper layer is
// off and curfew reads the whole process table).
import { fileURLToPath } from 'node:url';
import { createScope, spawn } from 'curfew';
import { readLine } from './line.mjs';
import { MARKER_ENV } from './procs.mjs';

export const TREE = fileURLToPath(new URL('../trees/tree.sh', import.meta.url));
export const TREE_SIZE = 3;

/** Starts a small tree in a fresh scope, times `scope.members()`, then ends the tree. */
export async function curfewScan(marker) {
  const scope = createScope({ grace: 0 });
  const sub = spawn(TREE, [String(TREE_SIZE)], { scope, env: { [MARKER_ENV]: marker }, stdin: 'ignore', stderr: 'ignore', buffer: false, reject: false });
  try {
    // The tree's children exist (forked) by the time it prints.
    const { pids } = await readLine(sub.stdout);
    const t0 = performance.now();
    const members = scope.members();
    const scanMs = performance.now() - t0;
    return { scanMs, found: members.length, pids };
  } finally {
    await scope.close({ grace: 0 });
    await sub.catch(() => {});
  }
}
