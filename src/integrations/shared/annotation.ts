import type { LeakList } from './leaks.js';

/** The type (name) of the annotation a leaking test carries in every runner that has them. */
export const ANNOTATION_TYPE = 'curfew';

/** What a test's leak annotation (and so a JUnit property) says: one line per process. */
export function annotationMessage(leaks: LeakList): string {
  const count = leaks.processes.length;
  const lines = leaks.processes.map((p) => `${p.pid} ${p.cmd} [${p.escape}; ${p.alive ? `still alive after ${p.signal}` : `ended by ${p.signal}`}]`);
  return [`left ${count} process${count === 1 ? '' : 'es'} running:`, ...lines, ...leaks.problems.map((p) => `problem: ${p}`)].join('\n');
}
