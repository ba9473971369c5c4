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

/** A process a suite means to keep running past a test: matched by its command line. */
export interface AllowRule {
  /** A substring of the command line, or a pattern tested against it. */
  command: string | RegExp;
  /** Why it may outlive the test; shown in reports. */
  reason: string;
}

/** Options of a scope (and defaults for what is spawned in it). */
export interface ScopeOptions extends EndOptions {
  /**
   * Milliseconds a process found at the scope's end gets to exit by itself before it is
   * signalled: one that is already on its way out (its owner stopped it a moment ago) is no
   * leak. Waited only when something is found alive; a clean scope never waits.
   * @default 300
   */
  settle?: number;
  /**
   * Processes allowed to outlive this scope's tests: left running at a test's end, ended
   * without a report when their owner (the file, or the scope closed with `owned: 'close'`) ends.
   * @default []
   */
  allow?: AllowRule[];
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
export const DEFAULT_SETTLE_MS = 300;
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

/** A rule as data: a RegExp travels between threads and processes as its source and flags. */
export interface NormalizedAllowRule {
  command: string | { source: string; flags: string };
  reason: string;
}

export interface NormalizedScopeOptions extends NormalizedEnd {
  cgroup: boolean;
  watchdog: boolean;
  settle: number;
  allow: NormalizedAllowRule[];
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

/** The name of a signal number, from os.constants.signals (null for one Node does not name). */
export function signalName(number: number): NodeJS.Signals | null {
  const signals = process.getBuiltinModule('node:os').constants.signals as Record<NodeJS.Signals, number>;
  return (Object.keys(signals) as NodeJS.Signals[]).find((name) => signals[name] === number) ?? null;
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

/** Validates `allow` (a RegExp becomes plain data); a string must not be empty. */
export function normalizeAllow(value: unknown, option = 'allow'): NormalizedAllowRule[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) invalid(option, 'an array of { command, reason } rules', value);
  return value.map((rule: unknown, i) => {
    const r = rule as { command?: unknown; reason?: unknown } | null;
    if (typeof r !== 'object' || r === null) invalid(`${option}[${i}]`, 'a { command, reason } rule', rule);
    const { command, reason } = r;
    if (typeof reason !== 'string' || reason.trim() === '') invalid(`${option}[${i}].reason`, 'a non-empty string saying why the process may outlive the test', reason);
    if (typeof command === 'string' && command !== '') return { command, reason };
    if (command instanceof RegExp) return { command: { source: command.source, flags: command.flags }, reason };
    // Jest sends its config to workers as JSON, where a RegExp arrives as {}.
    const hint = typeof command === 'object' && command !== null && Object.keys(command).length === 0 ? ' (a RegExp in a Jest config reaches its workers as {}: use a string there)' : '';
    return invalid(`${option}[${i}].command`, `a non-empty string or a RegExp${hint}`, command);
  });
}

/** Whether a command line matches a rule. */
export function allowMatches(rule: NormalizedAllowRule, cmd: string): boolean {
  return typeof rule.command === 'string' ? cmd.includes(rule.command) : new RegExp(rule.command.source, rule.command.flags).test(cmd);
}

export function normalizeScopeOptions(options: ScopeOptions = {}, parent?: NormalizedScopeOptions): NormalizedScopeOptions {
  if (typeof options !== 'object' || options === null) invalid('options', 'an object', options);
  return {
    ...normalizeEnd(options, parent),
    cgroup: validateBoolean('cgroup', options.cgroup) ?? parent?.cgroup ?? false,
    watchdog: validateBoolean('watchdog', options.watchdog) ?? parent?.watchdog ?? true,
    settle: validateMilliseconds('settle', options.settle) ?? parent?.settle ?? DEFAULT_SETTLE_MS,
    allow: normalizeAllow(options.allow) ?? parent?.allow ?? [],
  };
}
