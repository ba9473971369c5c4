// The cleanup tools compared, each started the way that gives it its best chance, behind one
// shape: start(file, args, marker) resolves to { pid, line, kill(), dispose() }.
import { spawn as nodeSpawn } from 'node:child_process';
import { once } from 'node:events';
import { execa } from 'execa';
import treeKill from 'tree-kill';
import { createScope, spawn } from 'curfew';
import { readLine } from './line.mjs';
import { groupIsOurs, isAlive, MARKER_ENV, readStat, sleep } from './procs.mjs';

const envWith = (marker) => ({ [MARKER_ENV]: marker });

// Waits (bounded) for a subprocess to settle, so no promise or pipe outlives its case.
async function settle(promise, withinMs = 2000) {
  await Promise.race([promise.catch(() => {}), sleep(withinMs)]);
}

// The leader's identity (pid and start time), read at once: guards decide on it later.
function leaderOf(pid) {
  return { pid, start: readStat(pid)?.start ?? -1 };
}

async function withLine(child, stdout, make) {
  const leader = leaderOf(child.pid);
  try {
    return make(await readLine(stdout), leader);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** curfew: spawn into a scope of its own, then `scope.teardown()` (SIGTERM, SIGKILL after grace). */
export function curfewTool({ grace }) {
  return {
    name: 'curfew teardown',
    async start(file, args, marker) {
      const scope = createScope({ grace });
      const sub = spawn(file, args, { scope, env: envWith(marker), stdin: 'ignore', stderr: 'ignore', buffer: false, reject: false });
      return withLine(sub, sub.stdout, (line) => ({
        pid: sub.pid,
        line,
        kill: () => scope.teardown(),
        dispose: async () => {
          await scope.close({ grace: 0 });
          await settle(sub);
        },
      }));
    },
  };
}

/**
 * execa: `subprocess.kill()` (SIGTERM). With `killDescendants` execa starts the child in its own
 * group and signals the group; `forceKillAfterDelay` sends SIGKILL if the subprocess has not
 * settled by then.
 */
export function execaTool({ killDescendants, grace }) {
  return {
    name: killDescendants ? 'execa killDescendants' : 'execa kill',
    async start(file, args, marker) {
      const options = killDescendants ? { killDescendants: true, forceKillAfterDelay: grace } : {};
      const sub = execa(file, args, { ...options, env: envWith(marker), stdin: 'ignore', stderr: 'ignore', buffer: false, reject: false });
      return withLine(sub, sub.stdout, (line, leader) => ({
        pid: sub.pid,
        line,
        kill: () => {
          // execa signals -pid even after the leader exited; only let it when the group is still
          // ours (when it is empty that kill would be a no-op anyway, ESRCH).
          if (!killDescendants || groupIsOurs(leader, marker)) sub.kill();
        },
        dispose: () => settle(sub),
      }));
    },
  };
}

function startDetached(file, args, marker) {
  // A new session and group (setsid), as a group kill needs; harmless for tree-kill.
  const child = nodeSpawn(file, args, { detached: true, env: { ...process.env, ...envWith(marker) }, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit');
  return { child, exited };
}

/** tree-kill on the leader's pid: walks `ps --ppid` from it, then signals every pid found. */
export function treeKillTool({ signal }) {
  return {
    name: `tree-kill ${signal}`,
    async start(file, args, marker) {
      const { child, exited } = startDetached(file, args, marker);
      return withLine(child, child.stdout, (line, leader) => ({
        pid: child.pid,
        line,
        // tree-kill finds nothing below a leader that exited and would then signal its pid, which
        // may already be someone else's: skip that call (its outcome would be the same).
        kill: () => (isAlive(leader.pid, leader.start) ? new Promise((resolve) => treeKill(child.pid, signal, () => resolve())) : undefined),
        dispose: () => settle(exited),
      }));
    },
  };
}

/** A plain `process.kill(-pgid, signal)` of the group the leader was started in (detached). */
export function groupKillTool({ signal }) {
  return {
    name: `process.kill(-pgid, ${signal})`,
    async start(file, args, marker) {
      const { child, exited } = startDetached(file, args, marker);
      return withLine(child, child.stdout, (line, leader) => ({
        pid: child.pid,
        line,
        kill: () => {
          if (!groupIsOurs(leader, marker)) return;
          try {
            process.kill(-child.pid, signal);
          } catch {
            // the group is already empty
          }
        },
        dispose: () => settle(exited),
      }));
    },
  };
}
