import { describe, expect, it } from 'vitest';
// Internal pure parsers.
import { findEnv, parseStat } from '../../dist/proc/index.js';
import { isDead } from '../../dist/proc/types.js';

describe('/proc parsers', () => {
  it('parses stat lines whose command name has spaces and parentheses', () => {
    const line = '4242 (my (odd) cmd) S 1 4240 4239 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 3 0 987654 1000 10 18446744073709551615';
    expect(parseStat(line)).toEqual({ pid: 4242, state: 'S', ppid: 1, pgid: 4240, sid: 4239, threads: 3, startTicks: 987654, comm: 'my (odd) cmd', kernel: false });
  });

  it('tells a kernel thread by its PF_KTHREAD flag', () => {
    const line = '77 (kdamond.0) S 2 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 120 0 0 18446744073709551615';
    expect(parseStat(line)?.kernel).toBe(true);
  });

  it('a zombie is dead only once its other threads are gone', () => {
    const base = { pid: 1, ppid: 1, pgid: 1, sid: 1, startTicks: 1, comm: 'x' };
    expect(isDead({ ...base, state: 'Z', threads: 1 })).toBe(true);
    expect(isDead({ ...base, state: 'Z', threads: 3 })).toBe(false);
    expect(isDead({ ...base, state: 'S', threads: 1 })).toBe(false);
  });

  it('finds one variable in an environment block', () => {
    const block = 'A=1\0CURFEW_TOKEN=ab:cd\0XCURFEW_TOKEN=no\0';
    expect(findEnv(block, 'CURFEW_TOKEN')).toBe('ab:cd');
    expect(findEnv('CURFEW_TOKEN=first\0B=2', 'CURFEW_TOKEN')).toBe('first');
    expect(findEnv('B=2\0', 'CURFEW_TOKEN')).toBeNull();
  });
});
