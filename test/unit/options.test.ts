import { describe, expect, it } from 'vitest';
import { createScope, spawn } from 'curfew';

describe('bad input throws a TypeError naming the option and the value', () => {
  it.each([
    [{ grace: -1 }, /`grace`.*-1/],
    [{ grace: 1.5 }, /`grace`.*1\.5/],
    [{ grace: '100' }, /`grace`.*"100"/],
    [{ signals: ['SIGNOPE'] }, /`signals\[0\]`.*"SIGNOPE"/],
    [{ signals: 'SIGTERM' }, /`signals`.*"SIGTERM"/],
    [{ timeout: -5 }, /`timeout`.*-5/],
    [{ cgroup: 'yes' }, /`cgroup`.*"yes"/],
    [{ scope: {} }, /`scope`/],
  ])('spawn(%j)', (options, message) => {
    expect(() => spawn('true', [], options as never)).toThrow(TypeError);
    expect(() => spawn('true', [], options as never)).toThrow(message);
  });

  it('an empty command', () => {
    expect(() => spawn('')).toThrow(TypeError);
    expect(() => spawn('  ')).toThrow(/`file`.*"  "/);
    expect(() => spawn(42 as never)).toThrow(/`file`.*42/);
  });

  it('args that are not strings', () => {
    expect(() => spawn('echo', [1] as never)).toThrow(/`args`.*\[1\]/);
  });

  it('scope options', () => {
    expect(() => createScope({ grace: -1 })).toThrow(/`grace`/);
    expect(() => createScope({ watchdog: 1 } as never)).toThrow(/`watchdog`.*1/);
  });

  it('group.kill options', async () => {
    await using scope = createScope();
    const sub = spawn('true', [], { scope });
    await sub;
    await expect(sub.group.kill({ signals: ['KILLME' as never] })).rejects.toThrow(/`signals\[0\]`.*"KILLME"/);
  });
});
