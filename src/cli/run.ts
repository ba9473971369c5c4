import { writeFileSync } from 'node:fs';
import { realTimers } from '../clock.js';
import { Cgroups } from '../cgroup/manager.js';
import { escalate } from '../kill/escalate.js';
import type { Claim } from '../kill/claim.js';
import { newFindContext } from '../kill/context.js';
import { findMembers } from '../kill/find.js';
import { readSelf } from '../kill/guards.js';
import { waitFor } from '../wait.js';
import { normalizeEnd, osSignal } from '../options.js';
import { findEnv, getProc } from '../proc/index.js';
import { Subreaper } from '../reaper/subreaper.js';
import { extendChain, newScopeId, TOKEN_ENV, WATCHDOG_ENV } from '../ids.js';
import { reportOfRun, writeReport } from '../report/index.js';
import type { RunArgs } from './args.js';
import { EXIT_INTERNAL, EXIT_LEAKED, EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND, EXIT_OK, SIGNAL_EXIT_BASE } from './exit-codes.js';
import { escapeOf } from '../format/leak.js';
import { forwardSignals, guardCleanup, type Interrupts } from './signals.js';
import { startCommand } from './start.js';
import { formatAnnotations, formatText, type Leak, type RunReport } from './report.js';

/** A watchdog sidecar finishing its owner's cleanup is not a leak: give it this long. */
const WATCHDOG_WAIT_MS = 3000;

function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal) return SIGNAL_EXIT_BASE + (osSignal(signal) ?? 0);
  return code ?? EXIT_INTERNAL;
}

type Out = { stderr: NodeJS.WritableStream; color: boolean; github: boolean };

/** A command that has exited, with what is needed to find what it left. */
interface Exited {
  subreaper: Subreaper;
  cgroups: Cgroups | undefined;
  cgroup: string | undefined;
  pid: number | undefined;
  leaderStart: number;
  sinceTicks: number;
  runId: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  elapsedMs: () => number;
}

export async function run(args: RunArgs, out: Out): Promise<number> {
  const started = realTimers.now();
  const proc = getProc();
  const subreaper = new Subreaper();
  subreaper.enable();
  const runId = newScopeId();
  const cgroups = args.cgroup ? Cgroups.detect() : undefined;
  const cgroup = cgroups?.create();
  const sinceTicks = proc.nowTicks();
  let command: number | undefined;
  const stopForwarding = forwardSignals(() => command, args.grace, out.stderr);
  const env = { ...process.env, [TOKEN_ENV]: extendChain(process.env[TOKEN_ENV], runId) };
  let launched: ReturnType<typeof startCommand>;
  try {
    launched = startCommand(args.command, cgroup, env, (pid) => subreaper.known.waitedFor(pid));
  } catch (error) {
    // Nothing started: the cgroup made for it must not outlive the run.
    stopForwarding();
    await cgroups?.remove(cgroup);
    throw error;
  }
  const pid = (command = launched.pid);
  const leaderStart = pid ? (proc.stat(pid)?.startTicks ?? sinceTicks) : 0;
  const { code, signal, error, notMoved } = await launched.ended;
  if (error) out.stderr.write(`curfew: failed to start ${args.command[0]}: ${error.message}\n`);
  if (notMoved) {
    // Run outside its cgroup, the command would lose the one layer nothing escapes: not at all.
    stopForwarding();
    out.stderr.write(`curfew: could not move the command into its cgroup ${cgroup}, so it was not run\n`);
    return EXIT_INTERNAL;
  }
  stopForwarding();
  const elapsedMs = () => realTimers.now() - started;
  const status = error ? (error.code === 'ENOENT' ? EXIT_NOT_FOUND : error.code === 'EACCES' ? EXIT_NOT_EXECUTABLE : EXIT_INTERNAL) : code;
  return settle({ subreaper, cgroups, cgroup, pid, leaderStart, sinceTicks, runId, code: status, signal, elapsedMs }, args, out);
}

// What is left of the command is a leak: reported, ended with the ladder, reaped.
async function settle(exited: Exited, args: RunArgs, out: Out): Promise<number> {
  const guard = guardCleanup(out.stderr);
  try {
    return await finish(exited, args, out, guard.interrupts);
  } finally {
    guard.stop();
  }
}

async function finish(exited: Exited, args: RunArgs, out: Out, interrupts: Interrupts): Promise<number> {
  const { subreaper, cgroups, cgroup, pid, code, signal } = exited;
  const proc = getProc();
  const self = readSelf(proc);
  const context = newFindContext(proc, self, subreaper, { settle: true });
  const claim: Claim = {
    groups: pid ? [{ pgid: pid, leaderStart: exited.leaderStart }] : [],
    tokens: [exited.runId],
    sinceTicks: exited.sinceTicks,
    // Everything re-parented to us came from the command: we started nothing else.
    claimOrphan: () => true,
    cgroupPids: cgroup && cgroups ? () => cgroups.pids(cgroup) : undefined,
  };
  const isWatchdog = (p: number) => findEnv(proc.environ(p) ?? '', WATCHDOG_ENV) !== null;
  // The ladder's first look is the wait's last one, taken a moment before: one scan less per run.
  let last: ReturnType<typeof findMembers> | undefined;
  await waitFor(() => interrupts.signal !== undefined || !(last = findMembers(claim, context)).members.some((m) => isWatchdog(m.info.pid)), WATCHDOG_WAIT_MS);
  const look = () => {
    const snapshot = last ?? findMembers(claim, context);
    last = undefined;
    return snapshot;
  };

  const report = await escalate(look, normalizeEnd({ grace: args.grace }).ladder, { afterPoll: () => subreaper.reapOrphans(), hurry: () => interrupts.hurry });
  report.problems.push(...((await cgroups?.remove(cgroup)) ?? []));
  subreaper.reapOrphans();
  const commandGroup = { pgid: pid ?? 0, sid: pid ?? 0 };
  const toLeak = (p: (typeof report.ended)[number]): Leak => ({ ...p, escape: escapeOf(p, commandGroup) });
  const leaks = [...report.ended, ...report.survivors].map(toLeak);
  const commandStatus = exitStatus(code, signal);
  const leakStatus = commandStatus !== EXIT_OK ? commandStatus : leaks.length > 0 && !args.allowLeaks ? EXIT_LEAKED : EXIT_OK;
  // Interrupted while ending leaks: the cleanup was finished, and the status says it was cut short.
  const status = interrupts.signal ? SIGNAL_EXIT_BASE + (osSignal(interrupts.signal) ?? 0) : leakStatus;
  const result: RunReport = {
    version: 1,
    command: args.command,
    exitCode: signal ? null : code,
    signal,
    status,
    leaks,
    survivors: report.survivors.map(toLeak),
    cgroup: cgroup !== undefined,
    problems: report.problems,
    durationMs: exited.elapsedMs(),
  };
  if (!args.quiet || leaks.length > 0 || result.problems.length > 0) out.stderr.write(formatText(result, out.color));
  if (out.github && leaks.length > 0) process.stdout.write(formatAnnotations(result, args.allowLeaks));
  if (args.json) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
  if (args.report) writeReport(args.report, reportOfRun({ ...result, commandStatus, allowLeaks: args.allowLeaks }));
  return status;
}
