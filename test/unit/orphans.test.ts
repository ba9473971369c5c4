import { describe, expect, it } from 'vitest';
// Internal module: who an orphan belongs to, decided from its start and environment. The case
// below (another thread's crash watchdog seen as an orphan by a worker thread) was seen once on a
// real suite in Vitest's threads pool and cannot be timed from a test; the rule is tested here.
import { orphanOwner } from '../../dist/registry/orphans.js';

const scope = { id: 'file1', parent: undefined, closed: false, createdTicks: 100, options: { watchdog: true } };
const registry = () => ({ open: [scope] }) as unknown as Parameters<typeof orphanOwner>[0];

describe('orphan attribution', () => {
  it('gives an orphan without a token to the newest scope open when it started', () => {
    expect(orphanOwner(registry(), { pid: 4001, startTicks: 150 }, 'PATH=/bin\0')).toBe(scope);
    expect(orphanOwner(registry(), { pid: 4002, startTicks: 50 }, 'PATH=/bin\0')).toBeUndefined();
  });

  it("never gives away a crash watchdog of this process (another thread's), only another process's", () => {
    expect(orphanOwner(registry(), { pid: 4003, startTicks: 150 }, `PATH=/bin\0CURFEW_WATCHDOG=${process.pid}\0`)).toBeUndefined();
    // A curfew run inside a test (its own watchdog, naming its own process) is that test's.
    expect(orphanOwner(registry(), { pid: 4004, startTicks: 150 }, `CURFEW_WATCHDOG=${process.pid + 1}\0`)).toBe(scope);
  });
});
