/** A signal name such as 'SIGTERM'. */
export type SignalName = NodeJS.Signals;

/** How to end processes: the escalation ladder. */
export interface EndOptions {
  /**
   * Milliseconds to wait after each polite signal before the next rung.
   * `0` sends SIGKILL at once.
   * @default 1000
   */
  grace?: number;
  /**
   * The polite signals to try in order before SIGKILL, which always ends the ladder.
   * @default ['SIGTERM']
   */
  signals?: SignalName[];
}

/** Options of a scope (and defaults for what is spawned in it). */
export interface ScopeOptions extends EndOptions {
  /**
   * Put each spawn in a cgroup v2 of its own, where the machine allows it (root or a delegated
   * subtree); elsewhere this silently falls back to the other layers.
   * @default false
   */
  cgroup?: boolean;
  /**
   * Start the crash watchdog (a detached sidecar that ends what this thread registered if it dies).
   * @default true
   */
  watchdog?: boolean;
}

export const DEFAULT_GRACE_MS = 1000;
export const DEFAULT_SIGNALS: readonly SignalName[] = ['SIGTERM'];
/** After SIGKILL nothing can refuse; a process still there after this is stuck (D state) and reported. */
export const KILL_WAIT_MS = 3000;

export interface Rung {
  name: SignalName;
  signal: number;
  /** How long to wait for the targets to go before the next rung. */
  waitMs: number;
}

export interface NormalizedEnd {
  grace: number;
  ladder: Rung[];
}

export interface NormalizedScopeOptions extends NormalizedEnd {
  cgroup: boolean;
  watchdog: boolean;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Throws a TypeError naming the option and showing the value. */
export function invalid(option: string, expected: string, value: unknown): never {
  throw new TypeError(`The \`${option}\` option must be ${expected}, got ${describe(value)}.`);
}

export function validateMilliseconds(option: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    invalid(option, 'a non-negative integer of milliseconds', value);
  }
  return value;
}

export function validateBoolean(option: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') invalid(option, 'a boolean', value);
  return value;
}

/** POSIX fixes SIGKILL's number, as it does SIGTERM's (see signalNumber). */
export const SIGKILL = 9;
// The default ladder's two signals, fixed by POSIX: the others come from node:os, which is
// loaded only when another name is asked for (a test worker has no other use for it).
const FIXED_SIGNALS: Readonly<Record<string, number>> = { SIGTERM: 15, SIGKILL };

/** The number of a signal name, from os.constants.signals. */
export function osSignal(name: string): number | undefined {
  return (process.getBuiltinModule('node:os').constants.signals as Record<string, number>)[name];
}

export function signalNumber(option: string, name: unknown): number {
  const number = typeof name === 'string' && /^SIG[A-Z0-9]+$/.test(name) ? (FIXED_SIGNALS[name] ?? osSignal(name)) : undefined;
  if (number === undefined) invalid(option, 'a known signal name such as "SIGTERM"', name);
  return number;
}

/** Builds the ladder: each polite signal waits `grace`, then SIGKILL waits for the stragglers. */
export function normalizeEnd(options: EndOptions = {}, defaults?: NormalizedEnd): NormalizedEnd {
  const grace = validateMilliseconds('grace', options.grace) ?? defaults?.grace ?? DEFAULT_GRACE_MS;
  let names: unknown = options.signals;
  if (names === undefined && options.grace === undefined && defaults) return defaults;
  names ??= defaults ? defaults.ladder.slice(0, -1).map((r) => r.name) : DEFAULT_SIGNALS;
  if (!Array.isArray(names)) invalid('signals', 'an array of signal names', names);
  const polite = grace === 0 ? [] : (names as unknown[]).filter((n) => n !== 'SIGKILL');
  const ladder: Rung[] = polite.map((name, i) => ({ name: name as SignalName, signal: signalNumber(`signals[${i}]`, name), waitMs: grace }));
  for (const [i, name] of (names as unknown[]).entries()) signalNumber(`signals[${i}]`, name);
  ladder.push({ name: 'SIGKILL', signal: SIGKILL, waitMs: KILL_WAIT_MS });
  return { grace, ladder };
}

export function normalizeScopeOptions(options: ScopeOptions = {}, parent?: NormalizedScopeOptions): NormalizedScopeOptions {
  if (typeof options !== 'object' || options === null) invalid('options', 'an object', options);
  return {
    ...normalizeEnd(options, parent),
    cgroup: validateBoolean('cgroup', options.cgroup) ?? parent?.cgroup ?? false,
    watchdog: validateBoolean('watchdog', options.watchdog) ?? parent?.watchdog ?? true,
  };
}
