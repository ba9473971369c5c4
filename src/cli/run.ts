import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { realTimers } from '../clock.js';
import { Cgroups } from '../cgroup/manager.js';
import { escalate } from '../kill/escalate.js';
import type { Claim } from '../kill/claim.js';
import { newFindContext } from '../kill/context.js';
import { findMembers } from '../kill/find.js';
import { readSelf } from '../kill/guards.js';
import { waitFor } from '../wait.js';
import { getNative } from '../native/index.js';
import { normalizeEnd, osSignal, SIGKILL } from '../options.js';
import { findEnv, getProc } from '../proc/index.js';
import { Subreaper } from '../reaper/subreaper.js';
import { extendChain, newScopeId, TOKEN_ENV } from '../ids.js';
import { reportOfRun, writeReport } from '../report/index.js';
import { WATCHDOG_ENV } from '../watchdog/client.js';
import type { RunArgs } from './args.js';
import { EXIT_INTERNAL, EXIT_LEAKED, EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND, EXIT_OK, SIGNAL_EXIT_BASE } from './exit-codes.js';
import { escapeOf } from '../format/leak.js';
import { startCommand } from './start.js';
import { formatAnnotations, formatText, type Leak, type RunReport } from './report.js';

/** A watchdog sidecar finishing its owner's cleanup is not a leak: give it this long. */
const WATCHDOG_WAIT_MS = 3000;
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal) return SIGNAL_EXIT_BASE + (osSignal(signal) ?? 0);
  return code ?? EXIT_INTERNAL;
}

// Ctrl-C reaches only our group once the command has its own session, so forwarding is our job;
// each forwarded signal escalates to SIGKILL after the grace period, and a second Ctrl-C kills now.
// Installed before the command starts: a signal that arrived between the spawn and the handlers
// would otherwise kill the supervisor and orphan the command.
function forwardSignals(command: () => ChildProcess | undefined, grace: number, stderr: NodeJS.WritableStream): () => void {
  const native = getNative();
  let timer: NodeJS.Timeout | undefined;
  let interrupts = 0;
  const killGroup = (signal: number) => {
    const pid = command()?.pid;
    if (pid) native.signalGroup(pid, signal);
  };
  const handlers = FORWARDED.map((name) => {
    const handler = () => {
      if (name === 'SIGINT' && ++interrupts > 1) return void killGroup(SIGKILL);
      killGroup(osSignal(name) ?? 0);
      killGroup(osSignal('SIGCONT') ?? 0);
      if (name === 'SIGINT') stderr.write(`curfew: sent SIGINT to the command; SIGKILL follows in ${grace} ms, or at once on a second Ctrl-C\n`);
      timer ??= setTimeout(() => killGroup(SIGKILL), grace).unref();
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return () => {
    clearTimeout(timer);
    for (const [name, handler] of handlers) process.off(name, handler);
  };
}

type Out = { stderr: NodeJS.WritableStream; color: boolean; github: boolean };

/** What Ctrl-C (SIGINT, SIGTERM, SIGHUP) asked for while leaks were being ended. */
interface Interrupts {
  /** The first signal: the cleanup goes on, and curfew then exits 128 + its number. */
  signal?: NodeJS.Signals;
  /** A second one: skip the grace period, SIGKILL now. Never abandon. */
  hurry: boolean;
}

// Once the command has exited, a Ctrl-C must not kill curfew halfway through ending what the
// command left (the leak would live on, unreported): it is noted, and a second one hurries.
function guardCleanup(stderr: NodeJS.WritableStream): { interrupts: Interrupts; stop: () => void } {
  const interrupts: Interrupts = { hurry: false };
  const handlers = FORWARDED.map((name) => {
    const handler = () => {
      if (interrupts.signal === undefined) {
        interrupts.signal = name;
        stderr.write(`curfew: ${name}: still ending what the command left; again to hurry (SIGKILL at once)\n`);
      } else if (!interrupts.hurry) {
        interrupts.hurry = true;
        stderr.write(`curfew: ${name} again: SIGKILL now\n`);
      }
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return { interrupts, stop: () => handlers.forEach(([name, handler]) => process.off(name, handler)) };
}

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
  let command: ChildProcess | undefined;
  const stopForwarding = forwardSignals(() => command, args.grace, out.stderr);
  const launched = startCommand(args.command, cgroup, { ...process.env, [TOKEN_ENV]: extendChain(process.env[TOKEN_ENV], runId) });
  const child = (command = launched.child);
  const leaderStart = child.pid ? (proc.stat(child.pid)?.startTicks ?? sinceTicks) : 0;
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
  return settle({ subreaper, cgroups, cgroup, pid: child.pid, leaderStart, sinceTicks, runId, code: status, signal, elapsedMs }, args, out);
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
