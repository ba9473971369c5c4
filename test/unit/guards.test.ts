import { describe, expect, it } from 'vitest';
// Internal module: the guards are pure functions, tested directly as well as end to end.
import { maySignalGroup, maySignalPid } from '../../dist/kill/guards.js';

const self = { pid: 5000, pgid: 4000, sid: 3000 };

describe('guards', () => {
  it('never a pid <= 1, ourselves or an ancestor', () => {
    for (const pid of [-1, 0, 1, 5000, 42, 1.5, Number.NaN]) expect(maySignalPid(pid, self, new Set([42]))).toBe(false);
    expect(maySignalPid(5001, self, new Set([42]))).toBe(true);
  });

  it('never a pgid <= 1, our own group or our session', () => {
    for (const pgid of [-1, 0, 1, 4000, 3000, 2.5]) expect(maySignalGroup(pgid, self)).toBe(false);
    expect(maySignalGroup(4001, self)).toBe(true);
  });
});
