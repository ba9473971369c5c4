import { ANNOTATION_TYPE, annotationMessage } from '../shared/annotation.js';
import type { LeakList } from '../shared/leaks.js';

interface Annotation {
  type: string;
  message: string;
}
export interface AnnotatingRunner {
  onTestAnnotate?: (test: unknown, annotation: Annotation) => Promise<Annotation | undefined>;
}

/**
 * Leaves a test's leaks as a test annotation too (Vitest 3.2+): the blob reporter keeps
 * annotations, so `vitest --merge-reports` still names the leaking test, and the junit reporter
 * writes each as a `<property name="curfew">`. The same path `context.annotate` takes, which
 * refuses a test whose result is already in (as it is when the test's unit ends). Loaded only
 * when a test leaks (see rolldown.config.mjs).
 */
export async function annotateLeaks(runner: AnnotatingRunner | undefined, test: { annotations?: Annotation[] }, leaks: LeakList): Promise<void> {
  if (!runner?.onTestAnnotate || !Array.isArray(test.annotations)) return;
  try {
    const resolved = await runner.onTestAnnotate(test, { type: ANNOTATION_TYPE, message: annotationMessage(leaks) });
    if (resolved) test.annotations.push(resolved);
  } catch (error) {
    process.emitWarning(`curfew: failed to annotate a leaking test: ${(error as Error).message}`);
  }
}
