import { describe, expect, it } from 'vitest';
import { optionsFromEnv } from '../../dist/integrations/shared/env-options.js';

// The options of curfew/node-test and curfew/mocha, read from the variables their runs inherit.
describe('optionsFromEnv', () => {
  it('unset or empty variables keep the defaults', () => {
    expect(optionsFromEnv({})).toEqual({ onLeak: 'warn' });
    expect(optionsFromEnv({ CURFEW_ON_LEAK: '', CURFEW_GRACE: '', CURFEW_SETTLE: '', CURFEW_SIGNALS: '', CURFEW_REPORT: ' ' })).toEqual({ onLeak: 'warn' });
  });

  it('reads every option', () => {
    expect(optionsFromEnv({ CURFEW_ON_LEAK: 'fail', CURFEW_SETTLE: '50', CURFEW_GRACE: '0', CURFEW_SIGNALS: 'SIGINT, SIGTERM', CURFEW_REPORT: 'reports/curfew.json' })).toEqual({ onLeak: 'fail', settle: 50, grace: 0, signals: ['SIGINT', 'SIGTERM'], report: 'reports/curfew.json' });
    expect(optionsFromEnv({ CURFEW_ON_LEAK: 'ignore' }).onLeak).toBe('ignore');
  });

  it.each([
    [{ CURFEW_ON_LEAK: 'loud' }, 'The `CURFEW_ON_LEAK` environment variable must be \'warn\', \'fail\' or \'ignore\', got "loud".'],
    [{ CURFEW_GRACE: 'soon' }, 'The `CURFEW_GRACE` environment variable must be a non-negative integer of milliseconds, got "soon".'],
    [{ CURFEW_SETTLE: '-5' }, 'The `CURFEW_SETTLE` environment variable must be a non-negative integer of milliseconds, got "-5".'],
    [{ CURFEW_GRACE: '1.5' }, '`CURFEW_GRACE`'],
    [{ CURFEW_SIGNALS: 'SIGTERM,SIGNOPE' }, 'The `CURFEW_SIGNALS` environment variable must be comma-separated signal names such as "SIGTERM,SIGINT", got "SIGTERM,SIGNOPE".'],
    [{ CURFEW_REPORT: 'reports/' }, 'The `CURFEW_REPORT` environment variable must be the path of a file, got "reports/".'],
  ])('%j is a TypeError naming the variable and the value', (env, message) => {
    expect(() => optionsFromEnv(env)).toThrow(TypeError);
    expect(() => optionsFromEnv(env)).toThrow(message);
  });
});
