import { normalizeIntegrationOptions, type NormalizedIntegrationOptions } from './options.js';

/** The variables the runners without a config hook (node:test, Mocha) take their options from. */
export const OPTION_VARIABLES = {
  onLeak: 'CURFEW_ON_LEAK',
  settle: 'CURFEW_SETTLE',
  grace: 'CURFEW_GRACE',
  signals: 'CURFEW_SIGNALS',
  report: 'CURFEW_REPORT',
} as const;

function invalidVariable(name: string, expected: string, value: string): never {
  throw new TypeError(`The \`${name}\` environment variable must be ${expected}, got ${JSON.stringify(value)}.`);
}

function milliseconds(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value.trim())) invalidVariable(name, 'a non-negative integer of milliseconds', value);
  return Number(value.trim());
}

/**
 * The integration options that `CURFEW_ON_LEAK` ('warn' | 'fail' | 'ignore'), `CURFEW_SETTLE` and
 * `CURFEW_GRACE` (milliseconds), `CURFEW_SIGNALS` (comma-separated names) and `CURFEW_REPORT` (the
 * report file's path) set; an empty or unset variable keeps the default. A bad value is a TypeError naming the variable and the value.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): NormalizedIntegrationOptions {
  const options: Record<string, unknown> = {};
  const onLeak = env[OPTION_VARIABLES.onLeak]?.trim();
  if (onLeak) {
    if (onLeak !== 'warn' && onLeak !== 'fail' && onLeak !== 'ignore') invalidVariable(OPTION_VARIABLES.onLeak, "'warn', 'fail' or 'ignore'", onLeak);
    options.onLeak = onLeak;
  }
  const settle = milliseconds(OPTION_VARIABLES.settle, env[OPTION_VARIABLES.settle]);
  if (settle !== undefined) options.settle = settle;
  const grace = milliseconds(OPTION_VARIABLES.grace, env[OPTION_VARIABLES.grace]);
  if (grace !== undefined) options.grace = grace;
  const report = env[OPTION_VARIABLES.report]?.trim();
  if (report) {
    // A folder is no report file: every process would write its own report over it.
    if (report.endsWith('/')) invalidVariable(OPTION_VARIABLES.report, 'the path of a file', report);
    options.report = report;
  }
  const signals = env[OPTION_VARIABLES.signals]?.trim();
  if (signals) {
    options.signals = signals.split(',').map((s) => s.trim());
    try {
      return normalizeIntegrationOptions(options);
    } catch (error) {
      // The option's own message names `signals[i]`; the user wrote a variable.
      if (error instanceof TypeError && /`signals/.test(error.message)) invalidVariable(OPTION_VARIABLES.signals, 'comma-separated signal names such as "SIGTERM,SIGINT"', signals);
      throw error;
    }
  }
  return normalizeIntegrationOptions(options);
}
