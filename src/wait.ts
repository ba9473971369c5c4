import { realTimers } from './clock.js';

// The first checks come fast (a cooperative tree is gone within milliseconds), later ones back
// off so a long grace period does not become a busy loop.
const FIRST_POLL_MS = 1;
const POLL_FACTOR = 1.5;
// Polls after the first are cheap (kept members and new pids only), so the first half second is
// watched closely; a long grace then backs off.
const EARLY_MAX_POLL_MS = 5;
const EARLY_MS = 500;
const MAX_POLL_MS = 40;

// Node's own clock and timers (see clock.ts): a test that left fake timers on must not freeze
// the teardown that is to end its processes.
const { now, sleep } = realTimers;

/** Resolves true once check() holds, false when `withinMs` passes first. */
export async function waitFor(check: () => boolean, withinMs: number): Promise<boolean> {
  if (check()) return true;
  const start = now();
  const deadline = start + withinMs;
  for (let delay = FIRST_POLL_MS; ; delay = Math.min(delay * POLL_FACTOR, now() - start < EARLY_MS ? EARLY_MAX_POLL_MS : MAX_POLL_MS)) {
    const left = deadline - now();
    if (left <= 0) return false;
    await sleep(Math.min(delay, left));
    if (check()) return true;
  }
}
