import { afterEach } from 'vitest';
import { killSurvivors, rememberIdentities } from './processes.js';

const started: { pids: number[]; marker?: string }[] = [];

/** Remembers what a test started so afterEach can end it even when the test failed. */
export function track(pids: number[], marker?: string): void {
  rememberIdentities(pids);
  started.push({ pids, marker });
}

/** Registers the afterEach that ends survivors (by pid or this test's marker, nothing else). */
export function useCleanup(): void {
  afterEach(() => {
    const left = started.splice(0).flatMap(({ pids, marker }) => killSurvivors(pids, marker));
    if (left.length > 0) console.warn(`cleanup ended survivors left by the test: ${left.join(' ')}`);
  });
}
