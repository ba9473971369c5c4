import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
// Internal modules: the scan is scripted, the signals are real.
import { escalate } from '../../dist/kill/escalate.js';
import { getProc } from '../../dist/proc/index.js';
import { isAlive, waitUntil } from '../helpers/processes.js';
import { track, useCleanup } from '../helpers/cleanup.js';

useCleanup();

// A process of our own that ignores SIGTERM: only SIGKILL ends it.
function stubborn(): ChildProcess {
  const child = nodeSpawn('sh', ['-c', "trap '' TERM; exec sleep 60"], { stdio: 'ignore' });
  track([child.pid!]);
  return child;
}

const member = (pid: number) => ({ info: getProc().stat(pid)!, foundBy: 'token' as const });
const ladder = [
  { name: 'SIGTERM' as const, signal: 15, waitMs: 150 },
  { name: 'SIGKILL' as const, signal: 9, waitMs: 1500 },
];

describe('escalate', () => {
  it('does not end the ladder on a look that was not sure nothing is left, once it has signalled', async () => {
    const first = stubborn();
    const second = stubborn();
    // Exec'd sleep (so the shell's trap was set before it), waiting.
    const ready = (pid: number) => getProc().stat(pid)?.state === 'S' && getProc().stat(pid)?.comm === 'sleep';
    await waitUntil(() => ready(first.pid!) && ready(second.pid!), 5000);
    // The first look finds one member; it is signalled and goes (we end it ourselves, as if it
    // had forked its replacement and exited). Then the looks are unsure (a read that did not
    // settle) until the SIGTERM rung is over, and then the replacement shows.
    let looks = 0;
    let started = 0;
    const report = await escalate(() => {
      looks++;
      if (looks === 1) {
        started = performance.now();
        return { members: [member(first.pid!)], groups: [], uncertain: false };
      }
      if (looks === 2) first.kill('SIGKILL');
      // Unsure for longer than the SIGTERM rung lasts.
      if (performance.now() - started < 400) return { members: [], groups: [], uncertain: true };
      return isAlive(second.pid!) ? { members: [member(second.pid!)], groups: [], uncertain: false } : { members: [], groups: [], uncertain: false };
    }, ladder);
    expect(await waitUntil(() => !isAlive(second.pid!), 2000)).toBe(true);
    expect(report.escalated).toBe(true);
    expect(report.ended.map((e) => e.pid)).toContain(second.pid);
  });

  it('a look that is unsure before anything was signalled still ends an empty kill at once', async () => {
    const report = await escalate(() => ({ members: [], groups: [], uncertain: true }), ladder, { lazyFfi: true });
    expect(report.ended).toEqual([]);
    expect(report.durationMs).toBeLessThan(1000);
  });
});
