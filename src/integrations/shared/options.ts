import { invalid, normalizeAllow, normalizeEnd, validateMilliseconds, type AllowRule, type EndOptions, type NormalizedAllowRule, type ScopeOptions, type SignalName } from '../../options.js';

/** What a leak does to the test (or suite, or file) that left it. The processes are ended whatever the choice. */
export type OnLeak = 'warn' | 'fail' | 'ignore';

/** Options of the Vitest plugin (`curfew(options)`) and of the Jest environment (`testEnvironmentOptions.curfew`). */
export interface IntegrationOptions extends EndOptions {
  /**
   * `'warn'` reports the leak and lets the test pass; `'fail'` fails the test (or suite) with the
   * list of leaked processes; `'ignore'` ends them without a word. In every mode a process that
   * live code in the test process still holds is left to its owner, not ended early.
   * @default 'warn'
   */
  onLeak?: OnLeak;
  /**
   * Milliseconds a process found at a test's end gets to exit by itself before it counts as a
   * leak (one its test stopped a moment ago is on its way out). Waited only when something is
   * found alive.
   * @default 300
   */
  settle?: number;
  /** Processes the suite means to keep past a test (matched by command line, with the reason reports show). */
  allow?: AllowRule[];
  /**
   * Also write the run's leaks to this file as a versioned JSON report (docs/reports.md), which
   * `curfew merge` combines across CI shards. Relative to the directory the runner started in.
   * Written also when nothing leaked. On GitHub Actions, leaks are annotations either way.
   */
  report?: string;
}

/** Validated options, plain data: Vitest sends them to its workers. */
export interface NormalizedIntegrationOptions {
  onLeak: OnLeak;
  grace?: number;
  signals?: SignalName[];
  settle?: number;
  allow?: NormalizedAllowRule[];
  report?: string;
}

const ON_LEAK: readonly OnLeak[] = ['warn', 'fail', 'ignore'];
/** Every option the integrations know, for typos and for options put in the wrong place. */
export const INTEGRATION_KEYS: ReadonlySet<string> = new Set(['onLeak', 'grace', 'signals', 'settle', 'allow', 'report']);

/** Validates once, where the user wrote the options; a typo in a key is an error too. */
export function normalizeIntegrationOptions(options: unknown = {}): NormalizedIntegrationOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) invalid('options', 'an object', options);
  for (const key of Object.keys(options)) if (!INTEGRATION_KEYS.has(key)) throw new TypeError(`Unknown option \`${key}\`: curfew knows ${[...INTEGRATION_KEYS].map((k) => `\`${k}\``).join(', ')}.`);
  const { onLeak = 'warn', grace, signals, settle } = options as IntegrationOptions;
  if (!ON_LEAK.includes(onLeak)) invalid('onLeak', "'warn', 'fail' or 'ignore'", onLeak);
  normalizeEnd({ grace, signals });
  validateMilliseconds('settle', settle);
  const allow = normalizeAllow((options as IntegrationOptions).allow);
  const { report } = options as IntegrationOptions;
  if (report !== undefined && (typeof report !== 'string' || report === '')) invalid('report', 'a file path', report);
  return {
    onLeak,
    ...(grace === undefined ? {} : { grace }),
    ...(signals === undefined ? {} : { signals: [...signals] }),
    ...(settle === undefined ? {} : { settle }),
    ...(allow === undefined ? {} : { allow }),
    ...(report === undefined ? {} : { report }),
  };
}

/** The scope options of a test file's unit (tests and describe blocks inherit them), or undefined for the defaults. */
export function fileScopeOptions(options: NormalizedIntegrationOptions): ScopeOptions | undefined {
  const { grace, signals, settle, allow } = options;
  if (grace === undefined && signals === undefined && settle === undefined && allow === undefined) return undefined;
  const rules = allow?.map((r) => ({ reason: r.reason, command: typeof r.command === 'string' ? r.command : new RegExp(r.command.source, r.command.flags) }));
  return { grace, signals, settle, allow: rules };
}
