// The crash watchdog: a detached process that reads its owner's registrations from stdin. When
// stdin closes (the owner died, was SIGKILLed, called process.exit(), or its worker thread was
// terminated) with anything still registered, it ends all of it with the same escalation, then
// exits. It ends nothing it was not told about.
import { constants } from 'node:os';
import { Cgroups } from '../cgroup/manager.js';
import { escalate } from '../kill/escalate.js';
import { findMembers, newFindContext } from '../kill/find.js';
import { readSelf } from '../kill/guards.js';
import type { Rung } from '../options.js';
import { getProc } from '../proc/index.js';
import { applyLine, isEmpty, newWatchState } from './protocol.js';

/** The owner is gone and the machine waits: polite signals get at most this long. */
const CRASH_GRACE_MS = 300;

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
  const context = newFindContext(proc, self);
  const ladder: Rung[] = grace > 0 ? [{ name: 'SIGTERM', signal: constants.signals.SIGTERM, waitMs: grace }] : [];
  ladder.push({ name: 'SIGKILL', signal: constants.signals.SIGKILL, waitMs: 2000 });
  await escalate(() => findMembers(claim, context), ladder);
  for (const path of cgroupPaths) await cgroups?.remove(path);
}
