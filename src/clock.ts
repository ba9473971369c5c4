import { setTimeout as sleepUnfaked } from 'node:timers/promises';

/** Node's own clock and timers, as they were before any test could fake them. */
export interface RealTimers {
  now(): number;
  sleep(ms: number): Promise<void>;
  setTimeout(fn: () => void, ms: number): NodeJS.Timeout;
  setInterval(fn: () => void, ms: number): NodeJS.Timeout;
  clearTimeout(timer: NodeJS.Timeout | undefined): void;
}

// A test that leaves `vi.useFakeTimers()` on (which fakes performance, the global timers and
// node:timers/promises) would freeze the teardown that is to end its processes. So the first
// copy of curfew to load in a realm (a runner's entry, before any test) keeps the real ones
// here, and every later copy uses them: a part loaded lazily, after a test faked the timers,
// must not take the fakes.
const KEY = Symbol.for('curfew.clock.v1');
const holder = globalThis as unknown as Record<symbol, RealTimers | undefined>;

// The monotonic clock of performance.now() (from another zero), read through process.uptime():
// the `performance` global loads perf_hooks on first touch, ~1.5 ms of every `curfew` start.
const uptime = process.uptime.bind(process);

export const realTimers: RealTimers = (holder[KEY] ??= {
  now: () => uptime() * 1000,
  sleep: (ms) => sleepUnfaked(ms),
  setTimeout: globalThis.setTimeout.bind(globalThis) as RealTimers['setTimeout'],
  setInterval: globalThis.setInterval.bind(globalThis) as RealTimers['setInterval'],
  clearTimeout: globalThis.clearTimeout.bind(globalThis),
});
