import { execa, type ResultPromise } from 'execa';
import { Cgroups } from '../cgroup/manager.js';
import { realTimers } from '../clock.js';
import { ProcessGroup } from '../group/group.js';
import type { Subprocess } from '../group/subprocess.js';
import { extendChain, newScopeId, TOKEN_ENV } from '../ids.js';
import { normalizeEnd } from '../options.js';
import { getProc } from '../proc/index.js';
import { getRegistry } from '../registry/registry.js';
import { watchdogFor } from '../registry/watchdog-link.js';
import { currentScope } from '../scope/current.js';
import type { Scope } from '../scope/scope.js';
import { normalizeSpawn, type SpawnOptions } from './options.js';

export type { Subprocess } from '../group/subprocess.js';

// execa's timeout marks `timedOut` and kills the leader alone (its promise may reject before any
// other timer of the same delay runs); whichever comes first, ours or its rejection, ends the group.
function endGroupOnTimeout(subprocess: ResultPromise, group: ProcessGroup, timeout: number): void {
  let done = false;
  const end = () => {
    if (done) return;
    done = true;
    group.kill().catch((error: unknown) => process.emitWarning(`curfew: failed to end group ${group.pgid} after its timeout: ${(error as Error).message}`));
  };
  // Real time, as execa's own timeout is, even in a test that faked the timers.
  const timer = realTimers.setTimeout(end, timeout);
  subprocess.then(
    () => realTimers.clearTimeout(timer),
    (error: { timedOut?: boolean }) => {
      realTimers.clearTimeout(timer);
      if (error?.timedOut) end();
    },
  );
}

/**
 * Starts `file` through execa in a new session and process group, with the scope's token in its
 * environment, registered in the scope before it returns. Takes every execa option.
 */
export function spawn(file: string | URL, args?: readonly string[] | SpawnOptions, options?: SpawnOptions): Subprocess {
  if (args !== undefined && !Array.isArray(args) && typeof args === 'object' && options === undefined) {
    options = args as SpawnOptions;
    args = undefined;
  }
  const n = normalizeSpawn(file, args, options);
  const registry = getRegistry<Scope>();
  const scope = n.scope ?? currentScope();
  const end = normalizeEnd(n.end, scope.options);
  scope.assertOpen();
  registry.subreaper.enable();

  let command = n.file;
  let argv = n.args;
  const cgroup = (n.cgroup ?? scope.options.cgroup) && !n.execa.shell ? registry.cgroups?.create() : undefined;
  if (cgroup) {
    // The child joins its cgroup before exec'ing the real command, so not even its first fork
    // can happen outside it.
    argv = ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', cgroup, String(command), ...argv];
    command = '/bin/sh';
  }
  const proc = getProc();
  const sinceTicks = proc.nowTicks();
  // The group's own id ends the token chain: what the group starts is provably the group's,
  // even after its leader has exited and where no subreaper keeps its orphans below us.
  const groupId = newScopeId();
  const token = extendChain(scope.token, groupId);
  const subprocess = execa(command, argv, {
    ...n.execa,
    env: { ...n.execa.env, [TOKEN_ENV]: token },
    // Node's `detached` is setsid(): a new session and a new process group led by the child.
    detached: true,
    timeout: n.timeout,
    killSignal: end.ladder[0].name,
    forceKillAfterDelay: end.grace > 0 ? end.grace : false,
  });

  const pid = subprocess.pid;
  const started = pid !== undefined;
  const group = new ProcessGroup({
    pid: pid ?? 0,
    id: groupId,
    token,
    leaderStart: started ? (proc.stat(pid)?.startTicks ?? sinceTicks) : 0,
    sinceTicks,
    end,
    cgroup,
    onRetire: (g) => {
      scope.forgetGroup(g);
      registry.watchdog?.unwatchGroup(g.pgid);
    },
  });
  if (started) {
    scope.addGroup(group);
    if (scope.options.watchdog) {
      const watchdog = watchdogFor(registry);
      watchdog.watchToken(scope.id, scope.createdTicks);
      watchdog.watchGroup({ pgid: group.pgid, leaderStart: group.leaderStart, sinceTicks: scope.createdTicks, graceMs: scope.options.grace, cgroup: group.cgroup });
    }
    subprocess.nodeChildProcess.once('exit', () => group.markLeaderExited());
    if (n.timeout) endGroupOnTimeout(subprocess, group, n.timeout);
  } else {
    // A command that could not start leaves nothing registered; execa's promise rejects.
    void registry.cgroups?.remove(cgroup);
    group.markLeaderExited();
  }
  return Object.assign(subprocess, { group });
}

const registry = getRegistry<Scope>();
registry.spawn = spawn;
registry.detectCgroups ??= () => Cgroups.detect();
