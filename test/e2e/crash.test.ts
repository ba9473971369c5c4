import { spawn as nodeSpawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readLine } from '../helpers/fixtures.js';
import { describePids, isAlive, MARKER_ENV, newMarker, procInfo, survivors, waitUntil, withVariable } from '../helpers/processes.js';
import { track, useCleanup } from '../helpers/cleanup.js';

useCleanup();

// The crash paths: the owner dies (SIGKILL) while one of each kind of escapee runs, with no
// cgroup. What the owner's subreaper adopted, what carries its token, what rewrote its title
// over its environment or made itself unreadable: all of it must end with the owner.
const driver = fileURLToPath(new URL('../drivers/crash-escapees.mjs', import.meta.url));
const KINDS = [
  'setsid-fork.sh',
  'double-fork-daemon.mjs',
  'scrubbed-env-daemon.sh',
  'new-group-grandchild.sh',
  'background-grandchild.sh',
  'stopped-grandchild.sh',
  'sigterm-ignoring-grandchild.sh',
  'stdout-holding-grandchild.sh',
  'fork-storm.sh',
  ...(JSON.parse(readFileSync(new URL('../../fixtures/escapers.json', import.meta.url), 'utf8')) as { name: string }[]).map((e) => e.name),
];

const isRoot = process.getuid?.() === 0;
/** An unprivileged user to run the owner as, made here when missing (root only). */
function unprivileged(): { uid: number; gid: number; name: string } | undefined {
  if (!isRoot) return undefined;
  try {
    execFileSync('id', ['-u', 'curfewtest'], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', 'curfewtest'], { stdio: 'ignore' });
  }
  const uid = Number(execFileSync('id', ['-u', 'curfewtest'], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', 'curfewtest'], { encoding: 'utf8' }));
  return { uid, gid, name: 'curfewtest' };
}
const other = unprivileged();
const users = [{ label: isRoot ? 'root' : `uid ${process.getuid?.()} (not root)`, as: undefined }, ...(other ? [{ label: `an unprivileged user (${other.name})`, as: other }] : [])];
if (!isRoot) console.log('crash tests run as this (non-root) user only: running them as root too needs root');

/** The owner's watchdog sidecar, once on duty: its child whose environment names the owner, named curfew-watchdog. */
function watchdogOf(owner: number): number | undefined {
  return withVariable('CURFEW_WATCHDOG', String(owner)).find((pid) => procInfo(pid)?.ppid === owner && readFileSync(`/proc/${pid}/comm`, 'latin1').trim() === 'curfew-watchdog');
}

describe.each(users)('the owner dies with one of each kind of escapee running, as $label', ({ as }) => {
  it.each([
    ['the owner is SIGKILLed', false],
    ['its watchdog is SIGKILLed first, then the owner', true],
  ])('%s: nothing is left', async (_, killWatchdogFirst) => {
    const marker = newMarker();
    const env = { ...process.env, [MARKER_ENV]: marker, ...(as ? { HOME: '/tmp', TMPDIR: '/tmp', USER: as.name } : {}) };
    const owner = nodeSpawn(process.execPath, [driver, ...KINDS], { env, stdio: ['ignore', 'pipe', 'inherit'], ...(as ? { uid: as.uid, gid: as.gid } : {}) });
    track([owner.pid!], marker);
    const line = (await readLine(owner.stdout!, 60_000)) as unknown as { pids: number[]; skipped: Record<string, string>; missed: number[] };
    track(line.pids, marker);
    for (const [name, why] of Object.entries(line.skipped)) console.log(`skipped ${name}: ${why}`);
    expect(describePids(line.missed), 'processes curfew did not see while the owner lived').toEqual([]);
    expect(line.pids.length).toBeGreaterThan(20);

    if (killWatchdogFirst) {
      expect(await waitUntil(() => watchdogOf(owner.pid!) !== undefined, 10_000), 'the owner has a watchdog on duty').toBe(true);
      const first = watchdogOf(owner.pid!);
      process.kill(first!, 'SIGKILL');
      // The owner notices at once and starts another, told everything still registered.
      expect(await waitUntil(() => (watchdogOf(owner.pid!) ?? first) !== first, 10_000)).toBe(true);
    }
    const died = once(owner, 'exit');
    owner.kill('SIGKILL');
    await died;
    const t0 = performance.now();
    // The target is 1 s (the benchmark measures it); here only "all gone" is asserted, with slack for a loaded machine.
    await waitUntil(() => survivors(line.pids, marker).length === 0, 15_000);
    const left = survivors(line.pids, marker);
    console.log(`${as ? as.name : 'this user'}, ${killWatchdogFirst ? 'watchdog then owner' : 'owner'} SIGKILLed: ${line.pids.length} processes, all gone ${Math.round(performance.now() - t0)} ms after the owner died`);
    expect(describePids(left)).toEqual([]);
  }, 120_000);
});

it('the watchdog resists what ends jobs and terminals (SIGHUP, SIGINT, SIGTERM)', async () => {
  const marker = newMarker();
  const owner = nodeSpawn(process.execPath, [driver, 'setsid-fork.sh'], { env: { ...process.env, [MARKER_ENV]: marker }, stdio: ['ignore', 'pipe', 'inherit'] });
  track([owner.pid!], marker);
  const line = (await readLine(owner.stdout!, 30_000)) as unknown as { pids: number[] };
  track(line.pids, marker);
  expect(await waitUntil(() => watchdogOf(owner.pid!) !== undefined, 10_000), 'the owner has a watchdog on duty').toBe(true);
  const sidecar = watchdogOf(owner.pid!)!;
  for (const signal of ['SIGHUP', 'SIGINT', 'SIGTERM'] as const) process.kill(sidecar, signal);
  // Still the same process, still on duty: the owner's crash is still cleaned up.
  expect(await waitUntil(() => !isAlive(sidecar), 300)).toBe(false);
  expect(watchdogOf(owner.pid!)).toBe(sidecar);
  const died = once(owner, 'exit');
  owner.kill('SIGKILL');
  await died;
  expect(await waitUntil(() => survivors(line.pids, marker).length === 0, 15_000)).toBe(true);
});
