import { invalid, normalizeEnd, type EndOptions, type SignalName } from '../../options.js';

/** What a leak does to the test (or suite, or file) that left it. The processes are ended whatever the choice. */
export type OnLeak = 'warn' | 'fail' | 'ignore';

/** Options of the Vitest plugin (`curfew(options)`) and of the Jest environment (`testEnvironmentOptions.curfew`). */
export interface IntegrationOptions extends EndOptions {
  /**
   * `'warn'` reports the leak and lets the test pass; `'fail'` fails the test (or suite) with the
   * list of leaked processes; `'ignore'` ends them without a word.
   * @default 'warn'
   */
  onLeak?: OnLeak;
}

/** Validated options, plain data: Vitest sends them to its workers. */
export interface NormalizedIntegrationOptions {
  onLeak: OnLeak;
  grace?: number;
  signals?: SignalName[];
}

const ON_LEAK: readonly OnLeak[] = ['warn', 'fail', 'ignore'];
const KNOWN = new Set(['onLeak', 'grace', 'signals']);

/** Validates once, where the user wrote the options; a typo in a key is an error too. */
export function normalizeIntegrationOptions(options: unknown = {}): NormalizedIntegrationOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) invalid('options', 'an object', options);
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw new TypeError(`Unknown option \`${key}\`: curfew knows ${[...KNOWN].map((k) => `\`${k}\``).join(', ')}.`);
  const { onLeak = 'warn', grace, signals } = options as IntegrationOptions;
  if (!ON_LEAK.includes(onLeak)) invalid('onLeak', "'warn', 'fail' or 'ignore'", onLeak);
  normalizeEnd({ grace, signals });
  return { onLeak, ...(grace === undefined ? {} : { grace }), ...(signals === undefined ? {} : { signals: [...signals] }) };
}
