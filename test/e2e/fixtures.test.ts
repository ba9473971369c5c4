import { describe, expect, it } from 'vitest';
import { createScope } from 'curfew';
import { ORPHANING, startPlain, startWithCurfew, type FixtureLine } from '../helpers/fixtures.js';
import { newMarker, stillThere, survivors, waitUntil } from '../helpers/processes.js';
import { track, useCleanup } from '../helpers/cleanup.js';

useCleanup();


const GRACE_MS = 300;

async function expectAllEnded(line: FixtureLine, marker: string, report: Awaited<ReturnType<ReturnType<typeof createScope>['teardown']>>, needsKill?: boolean) {
  expect(survivors(line.pids, marker)).toEqual([]);
  expect(report.survivors).toEqual([]);
  const ended = new Set(report.ended.map((p) => p.pid));
  for (const pid of line.pids) expect(ended, `report names ${pid}`).toContain(pid);
  for (const p of report.ended) expect(p.cmd.length).toBeGreaterThan(0);
  if (needsKill) {
    expect(report.escalated).toBe(true);
    expect(report.ended.some((p) => p.signal === 'SIGKILL')).toBe(true);
  }
  // Zombies the fixture left must be reaped too, not just orphaned to us. By identity: other test
  // files run meanwhile, and one of them rewinds the pid counter, so a reaped zombie's pid may
  // already belong to a stranger.
  if (line.zombies) expect(await waitUntil(() => line.zombies!.every((z) => !stillThere(z)), 3000)).toBe(true);
}

describe.each(ORPHANING)('$name', ({ name, needsKill }) => {
  it('started with spawn, leaves zero survivors after teardown', async () => {
    const marker = newMarker();
    await using scope = createScope({ grace: GRACE_MS });
    const { line } = await startWithCurfew(name, marker, { scope });
    track([...line.pids, ...(line.zombies ?? [])], marker);
    expect(line.pids.length + (line.zombies?.length ?? 0)).toBeGreaterThan(0);
    const report = await scope.teardown();
    await expectAllEnded(line, marker, report, needsKill);
  });

  it('started with plain child_process inside the scope, leaves zero survivors', async () => {
    const marker = newMarker();
    await using scope = createScope({ grace: GRACE_MS });
    const { line } = await scope.run(() => startPlain(name, marker));
    track([...line.pids, ...(line.zombies ?? [])], marker);
    const report = await scope.teardown();
    await expectAllEnded(line, marker, report, needsKill);
  });
});
