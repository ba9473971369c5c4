// The crash watchdog: a detached process that reads its owner's registrations from stdin. When
// stdin closes (the owner died, was SIGKILLed, called process.exit(), or its worker thread was
// terminated) with anything still registered, it ends all of it with the same escalation, then
// exits. It ends nothing it was not told about: groups, carriers of watched tokens, and
// processes named by identity (held for their owner, or in the ledger of what the owner
// started and adopted).
import { writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { Cgroups } from '../cgroup/manager.js';
import { escalate } from '../kill/escalate.js';
import { newFindContext } from '../kill/context.js';
import { findMembers } from '../kill/find.js';
import { readSelf } from '../kill/guards.js';
import type { Rung } from '../options.js';
import { getProc } from '../proc/index.js';
import { applyLine, isEmpty, newWatchState } from './protocol.js';

/** The owner is gone and the machine waits: polite signals get at most this long. */
const CRASH_GRACE_MS = 300;
/** An exit status that says the watchdog itself failed (its owner sees it, if alive). */
const EXIT_FAILED = 70;

const state = newWatchState();
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) applyLine(state, line);
});
process.stdin.on('end', () => {
  endAll().then(
    () => process.exit(0),
    (error: unknown) => {
      // Nobody reads our stdio (it would keep the owner's runner waiting on a pipe): the status says it.
      process.exitCode = EXIT_FAILED;
      process.stderr.write(`curfew watchdog: ${(error as Error).stack ?? String(error)}\n`);
      process.exit();
    },
  );
});
// It must outlive what ends its owner: a dying terminal's SIGHUP, a job's SIGINT or SIGTERM sent
// to everything. It goes when its owner does (stdin closes), or by SIGKILL.
for (const signal of ['SIGHUP', 'SIGINT', 'SIGTERM'] as const) process.on(signal, () => {});
// Named in ps and /proc/<pid>/comm (its environment, which names its owner, stays as it was),
// once the handlers above are in place: a process by that name is on duty.
process.title = 'curfew-watchdog';
// Lower its odds with the OOM killer where it may (root; others may only raise theirs).
try {
  writeFileSync('/proc/self/oom_score_adj', '-1000');
} catch {}

async function endAll(): Promise<void> {
  if (pending) applyLine(state, pending);
  if (isEmpty(state)) return;
  const proc = getProc();
  const self = readSelf(proc);
  const groups = [...state.groups.values()];
  const named = [...state.held.values(), ...state.ledger.values()];
  const since = Math.min(...groups.map((g) => g.sinceTicks), ...state.tokens.values(), ...named.map((p) => p.startTicks));
  const grace = Math.min(CRASH_GRACE_MS, ...groups.map((g) => g.graceMs));
  const cgroups = groups.some((g) => g.cgroup) ? Cgroups.detect() : undefined;
  const cgroupPaths = groups.flatMap((g) => (g.cgroup ? [g.cgroup] : []));
  const claim = {
    groups,
    tokens: [...state.tokens.keys()],
    sinceTicks: since,
    cgroupPids: cgroups ? () => cgroupPaths.flatMap((p) => cgroups.pids(p)) : undefined,
    processes: named,
  };
  // Nobody checks the watchdog's verdict: its reads settle (see settledRead).
  const context = newFindContext(proc, self, undefined, { settle: true });
  const ladder: Rung[] = grace > 0 ? [{ name: 'SIGTERM', signal: constants.signals.SIGTERM, waitMs: grace }] : [];
  ladder.push({ name: 'SIGKILL', signal: constants.signals.SIGKILL, waitMs: 2000 });
  // No settle window: what the owner held exits on its own now that its pipes are closed, and a
  // SIGTERM on the way out does it no harm; nothing here is reported, so nothing needs judging.
  await escalate(() => findMembers(claim, context), ladder);
  for (const path of cgroupPaths) await cgroups?.remove(path);
}
