import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, newMarker, procInfo, signalSurvivors, survivors, waitUntil } from '../helpers/processes.js';
import { track, useCleanup } from '../helpers/cleanup.js';
import {
  ESCAPERS,
  cannotRun,
  comm,
  describeEnviron,
  nsPids,
  readEnviron,
  removeFixtureDir,
  startEscaper,
  uidOf,
  unprivilegedUser,
  type EscaperLine,
  type RunAs,
} from '../helpers/escapers.js';

// Validates the escaper fixtures (fixtures/escapers.json) with plain child_process and process.kill, no curfew:
// each one starts, its processes are alive and escape the way the list says, and ending them by pid leaves none.
// Run as root, every fixture also runs as `nobody`, for the non-root variants (non-dumpable agents, user
// namespaces). A fixture that exits 77 (program missing, not allowed for this user) is skipped with its reason.

const dirs: string[] = [];
// Registered before useCleanup(): Vitest runs after-hooks in reverse order, so the temp dirs go after the kill.
afterEach(() => {
  for (const dir of dirs.splice(0)) removeFixtureDir(dir);
});
useCleanup();

const self = procInfo(process.pid)!;
const root = process.getuid?.() === 0;
const nobody = unprivilegedUser();
const RUNS: { label: string; as?: RunAs }[] = [{ label: `as ${userInfo().username}` }, ...(nobody ? [{ label: `as ${nobody.name}`, as: nobody }] : [])];

function role(line: EscaperLine, pid: number): string {
  if (pid === line.deadline) return 'deadline';
  for (const key of ['master', 'server', 'pane', 'outer', 'inner']) if (line[key] === pid) return key;
  if (Array.isArray(line.workers) && line.workers.includes(pid)) return 'worker';
  return 'daemon';
}

describe.each(ESCAPERS)('$name', (fx) => {
  it.for(RUNS)('$label: reports live escapees with the listed properties; ending them by pid leaves none', async ({ label, as }, ctx) => {
    if (as) {
      const why = cannotRun(fx.name, as);
      if (why) {
        console.warn(`skipping ${fx.name} ${label}: ${why}`);
        ctx.skip(why);
      }
    }
    const fixtureRoot = root && !as;
    const marker = newMarker();
    const started = await startEscaper(fx.name, marker, as);
    if (started.skipped !== undefined) {
      console.warn(`skipping ${fx.name} ${label}: ${started.skipped}`);
      ctx.skip(started.skipped);
    }
    const line = started.line!;
    track(line.pids, marker);
    if (line.dir) dirs.push(line.dir);

    const escapees = line.pids.filter((pid) => pid !== line.deadline);
    expect(escapees.length).toBeGreaterThan(0);
    if (line.deadline !== undefined) expect(line.pids).toContain(line.deadline);
    for (const pid of line.pids) expect(isAlive(pid), `${role(line, pid)} ${pid} alive`).toBe(true);

    // What was measured, one line per process: who it is, where it sits, what its environ shows to its
    // owner (as a non-root user) and to this process.
    const table = line.pids.map((pid) => {
      const p = procInfo(pid)!;
      const owner = fixtureRoot ? 'root-run' : describeEnviron(readEnviron(pid, as), marker);
      const here = as || root ? `; as root: ${describeEnviron(readEnviron(pid), marker)}` : '';
      return `  ${role(line, pid)} ${pid} (${comm(pid)}) uid=${uidOf(pid)} ppid=${p.ppid} pgid=${p.pgid} sid=${p.sid}${p.sid === self.sid ? '(ours)' : ''} nspid=${nsPids(pid).join('/')} environ as owner: ${owner}${here}`;
    });
    console.log(`${fx.name} ${label} (our pgid ${self.pgid}, sid ${self.sid}):\n${table.join('\n')}`);

    for (const pid of escapees) {
      const p = procInfo(pid)!;
      const what = `${role(line, pid)} ${pid}`;
      if (fx.escapes.includes('session')) {
        expect(p.sid, `${what} is in a session of its own`).not.toBe(self.sid);
        expect(p.pgid, `${what} is not in our group`).not.toBe(self.pgid);
      }
      // Read by this process: root reads any environ, a non-root user its own dumpable processes.
      const mine = readEnviron(pid);
      if (fx.escapes.includes('title')) {
        expect(mine.ok, `${what}: environ readable here`).toBe(true);
        expect(describeEnviron(mine, marker), `${what}: the title hides the marker`).not.toBe('marker');
      } else if (mine.ok) {
        expect(describeEnviron(mine, marker), `${what}: environ keeps the marker`).toBe('marker');
      }
      if (fx.escapes.includes('nondumpable')) {
        if (fixtureRoot) {
          // A root reader passes the dumpable check; only a process's own report tells here.
          if (line.dumpable !== undefined) expect(line.dumpable).toBe(0);
        } else {
          const owner = readEnviron(pid, as);
          expect(owner.ok ? 'readable' : owner.error, `${what}: its owner can't read its environ`).toBe('EACCES');
        }
      }
    }
    if (fx.escapes.includes('pidns')) {
      const inner = line.inner as number;
      expect(escapees).toContain(inner);
      const ns = nsPids(inner);
      expect(ns.length, `inner ${inner} is one pid namespace down (NSpid ${ns.join('/')})`).toBe(nsPids(process.pid).length + 1);
      expect(ns.at(-1)).toBe(1);
    }

    // The cleanup, by pid only: SIGTERM, which must end them unless the list says only SIGKILL does; then
    // SIGKILL for whatever is left; then nothing may be alive, neither a reported pid nor a marker carrier.
    const termAt = Date.now();
    signalSurvivors(line.pids, 'SIGTERM');
    if (fx.needsKill) {
      await new Promise((r) => setTimeout(r, 1000));
      expect(escapees.filter((pid) => !isAlive(pid)), 'ended by SIGTERM').toEqual([]);
      console.log(`${fx.name} ${label}: all alive 1 s after SIGTERM`);
    } else {
      expect(await waitUntil(() => escapees.every((pid) => !isAlive(pid)), 5000), `SIGTERM ends ${escapees.join(' ')}`).toBe(true);
      console.log(`${fx.name} ${label}: SIGTERM ended them in ${Date.now() - termAt} ms`);
    }
    signalSurvivors(line.pids, 'SIGKILL');
    expect(await waitUntil(() => survivors(line.pids, marker).length === 0, 5000)).toBe(true);
    expect(survivors(line.pids, marker)).toEqual([]);
    if (line.dir) {
      removeFixtureDir(line.dir);
      expect(existsSync(line.dir)).toBe(false);
    }
  });
});
