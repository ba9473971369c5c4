// The crash watchdog: a detached process that reads its owner's registrations from stdin. When
// stdin closes (the owner died, was SIGKILLed, called process.exit(), or its worker thread was
// terminated) with anything still registered, it ends all of it with the same escalation, then
// exits. It ends nothing it was not told about.
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cgroups } from '../cgroup/manager.js';
import { escalate } from '../kill/escalate.js';
import { findMembers, newFindContext } from '../kill/find.js';
import { readSelf } from '../kill/guards.js';
import type { Rung } from '../options.js';
import { getProc } from '../proc/index.js';
import { applyLine, isEmpty, newWatchState } from './protocol.js';

/** The owner is gone and the machine waits: polite signals get at most this long. */
const CRASH_GRACE_MS = 300;
/** Looks again this long after the kill ended, up to this many times, before exiting. */
const AFTER_PASS_DELAY_MS = 200;
const AFTER_PASSES = 3;

const state = newWatchState();
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) applyLine(state, line);
});
process.stdin.on('end', () => void endAll().finally(() => process.exit(0)));
// A SIGHUP from a dying terminal must not stop the cleanup.
process.on('SIGHUP', () => {});

async function endAll(): Promise<void> {
  if (pending) applyLine(state, pending);
  if (isEmpty(state)) return;
  const proc = getProc();
  const self = readSelf(proc);
  const groups = [...state.groups.values()];
  const since = Math.min(...groups.map((g) => g.sinceTicks), ...state.tokens.values());
  const grace = Math.min(CRASH_GRACE_MS, ...groups.map((g) => g.graceMs));
  const cgroups = groups.some((g) => g.cgroup) ? Cgroups.detect() : undefined;
  const cgroupPaths = groups.flatMap((g) => (g.cgroup ? [g.cgroup] : []));
  const claim = {
    groups,
    tokens: [...state.tokens.keys()],
    sinceTicks: since,
    cgroupPids: cgroups ? () => cgroupPaths.flatMap((p) => cgroups.pids(p)) : undefined,
  };
  const ladder: Rung[] = grace > 0 ? [{ name: 'SIGTERM', signal: constants.signals.SIGTERM, waitMs: grace }] : [];
  ladder.push({ name: 'SIGKILL', signal: constants.signals.SIGKILL, waitMs: 2000 });
  // Nobody cleans up after the sidecar, so before it exits it looks once more, a moment later:
  // a respawner's child forked while the last scan ran was once seen to outlive it under load.
  for (let pass = 0; pass < AFTER_PASSES; pass++) {
    const context = newFindContext(proc, self);
    if (pass > 0) {
      await sleep(AFTER_PASS_DELAY_MS);
      if (findMembers(claim, context).members.length === 0) break;
    }
    await escalate(() => findMembers(claim, context), pass === 0 ? ladder : ladder.slice(-1));
  }
  for (const path of cgroupPaths) await cgroups?.remove(path);
}
