import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { writeFileSync } from 'node:fs';
import { Cgroups } from '../cgroup/manager.js';
import { escalate } from '../kill/escalate.js';
import { findMembers, newFindContext, type Claim } from '../kill/find.js';
import { readSelf } from '../kill/guards.js';
import { waitFor } from '../kill/wait.js';
import { getNative } from '../native/index.js';
import { normalizeEnd } from '../options.js';
import { findEnv, getProc } from '../proc/index.js';
import { Subreaper } from '../reaper/subreaper.js';
import { extendChain, newScopeId, TOKEN_ENV } from '../scope/token.js';
import { WATCHDOG_ENV } from '../watchdog/client.js';
import type { RunArgs } from './args.js';
import type { Handover } from './handover.js';
import { EXIT_INTERNAL, EXIT_LEAKED, EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND, EXIT_OK, SIGNAL_EXIT_BASE } from './exit-codes.js';
import { escapeOf, formatAnnotations, formatText, type Leak, type RunReport } from './report.js';

/** A watchdog sidecar finishing its owner's cleanup is not a leak: give it this long. */
const WATCHDOG_WAIT_MS = 3000;
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal) return SIGNAL_EXIT_BASE + (constants.signals[signal] ?? 0);
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
      if (name === 'SIGINT' && ++interrupts > 1) return void killGroup(constants.signals.SIGKILL);
      killGroup(constants.signals[name]);
      killGroup(constants.signals.SIGCONT);
      if (name === 'SIGINT') stderr.write(`curfew: sent SIGINT to the command; SIGKILL follows in ${grace} ms, or at once on a second Ctrl-C\n`);
      timer ??= setTimeout(() => killGroup(constants.signals.SIGKILL), grace).unref();
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
  const started = performance.now();
  const proc = getProc();
  const subreaper = new Subreaper();
  subreaper.enable();
  const runId = newScopeId();
  const cgroups = args.cgroup ? Cgroups.detect() : undefined;
  const cgroup = cgroups?.create();
  const [file, ...rest] = args.command;
  const argv = cgroup ? ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', cgroup, file, ...rest] : rest;
  const sinceTicks = proc.nowTicks();
  let command: ChildProcess | undefined;
  const stopForwarding = forwardSignals(() => command, args.grace, out.stderr);
  const child = (command = spawn(cgroup ? '/bin/sh' : file, argv, {
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, [TOKEN_ENV]: extendChain(process.env[TOKEN_ENV], runId) },
  }));
  const leaderStart = child.pid ? (proc.stat(child.pid)?.startTicks ?? sinceTicks) : 0;
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      out.stderr.write(`curfew: failed to start ${file}: ${error.message}\n`);
      resolve([error.code === 'ENOENT' ? EXIT_NOT_FOUND : error.code === 'EACCES' ? EXIT_NOT_EXECUTABLE : EXIT_INTERNAL, null]);
    });
    child.once('exit', (c, s) => resolve([c, s]));
  });
  stopForwarding();
  const elapsedMs = () => performance.now() - started;
  return settle({ subreaper, cgroups, cgroup, pid: child.pid, leaderStart, sinceTicks, runId, code, signal, elapsedMs }, args, out);
}

/** Finishes a run that the Perl front end supervised until its command exited (same pid). */
export async function adopt(handover: Handover, args: RunArgs, out: Out): Promise<number> {
  const subreaper = new Subreaper({ adopted: true });
  subreaper.enable();
  const cgroups = handover.cgroup ? Cgroups.detect() : undefined;
  // /proc's clock ticks (100 a second): 10 ms steps, as the Perl side measured its own runs.
  const elapsedMs = () => (getProc().nowTicks() - handover.sinceTicks) * 10;
  return settle({ ...handover, subreaper, cgroups, cgroup: cgroups && handover.cgroup, elapsedMs }, args, out);
}

// What is left of the command is a leak: reported, ended with the ladder, reaped.
async function settle(exited: Exited, args: RunArgs, out: Out): Promise<number> {
  const { subreaper, cgroups, cgroup, pid, code, signal } = exited;
  const proc = getProc();
  const self = readSelf(proc);
  const context = newFindContext(proc, self, subreaper);
  const claim: Claim = {
    groups: pid ? [{ pgid: pid, leaderStart: exited.leaderStart }] : [],
    tokens: [exited.runId],
    sinceTicks: exited.sinceTicks,
    // Everything re-parented to us came from the command: we started nothing else.
    claimOrphan: () => true,
    cgroupPids: cgroup && cgroups ? () => cgroups.pids(cgroup) : undefined,
  };
  const isWatchdog = (p: number) => findEnv(proc.environ(p) ?? '', WATCHDOG_ENV) !== null;
  await waitFor(() => !findMembers(claim, context).members.some((m) => isWatchdog(m.info.pid)), WATCHDOG_WAIT_MS);

  const report = await escalate(() => findMembers(claim, context), normalizeEnd({ grace: args.grace }).ladder, () => subreaper.reapOrphans());
  await cgroups?.remove(cgroup);
  subreaper.reapOrphans();
  const commandGroup = { pgid: pid ?? 0, sid: pid ?? 0 };
  const toLeak = (p: (typeof report.ended)[number]): Leak => ({ ...p, escape: escapeOf(p, commandGroup) });
  const leaks = [...report.ended, ...report.survivors].map(toLeak);
  const commandStatus = exitStatus(code, signal);
  const status = commandStatus !== EXIT_OK ? commandStatus : leaks.length > 0 && !args.allowLeaks ? EXIT_LEAKED : EXIT_OK;
  const result: RunReport = {
    version: 1,
    command: args.command,
    exitCode: signal ? null : code,
    signal,
    status,
    leaks,
    survivors: report.survivors.map(toLeak),
    cgroup: cgroup !== undefined,
    durationMs: exited.elapsedMs(),
  };
  if (!args.quiet || leaks.length > 0) out.stderr.write(formatText(result, out.color));
  if (out.github && leaks.length > 0) process.stdout.write(formatAnnotations(result, args.allowLeaks));
  if (args.json) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
  return status;
}
