import pRetry from 'p-retry';

// The first checks come fast (a cooperative tree is gone within milliseconds), later ones back
// off so a long grace period does not become a busy loop.
const FIRST_POLL_MS = 1;
const MAX_POLL_MS = 40;
const POLL_FACTOR = 1.5;

class NotYet extends Error {}

/** Resolves true once check() holds, false when `withinMs` passes first. */
export async function waitFor(check: () => boolean, withinMs: number): Promise<boolean> {
  if (check()) return true;
  if (withinMs <= 0) return false;
  try {
    await pRetry(
      () => {
        if (!check()) throw new NotYet();
      },
      { retries: Number.POSITIVE_INFINITY, minTimeout: FIRST_POLL_MS, maxTimeout: MAX_POLL_MS, factor: POLL_FACTOR, randomize: false, maxRetryTime: withinMs },
    );
    return true;
  } catch (error) {
    if (error instanceof NotYet) return false;
    throw error;
  }
}
