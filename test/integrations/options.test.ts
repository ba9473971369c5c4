import { describe, expect, it } from 'vitest';
import curfew from 'curfew/vitest';

describe('curfew/vitest options are checked where they are written', () => {
  it.each([
    [{ onLeak: 'loud' }, /`onLeak`.*"loud"/],
    [{ onLeak: true }, /`onLeak`.*true/],
    [{ grace: -1 }, /`grace`.*-1/],
    [{ signals: ['SIGNOPE'] }, /`signals\[0\]`.*"SIGNOPE"/],
    [{ onleak: 'fail' }, /Unknown option `onleak`/],
    ['fail', /`options`.*"fail"/],
  ])('curfew(%j) throws a TypeError', (options, message) => {
    expect(() => curfew(options as never)).toThrow(TypeError);
    expect(() => curfew(options as never)).toThrow(message);
  });

  it('the defaults and every valid value are accepted', () => {
    for (const onLeak of ['warn', 'fail', 'ignore'] as const) expect(curfew({ onLeak, grace: 500, signals: ['SIGINT', 'SIGTERM'] }).name).toBe('curfew');
    expect(curfew().name).toBe('curfew');
  });
});
