import { rmdirSync } from 'node:fs';
import { Cgroups } from '../cgroup/manager.js';
import { isMainThread } from '../main-thread.js';
import { getNative } from '../native/index.js';
import { getProc } from '../proc/index.js';

export interface Doctor {
  platform: string;
  node: string;
  processGroups: boolean;
  proc: boolean;
  subreaper: boolean;
  pidfd: boolean;
  cgroup: { mount: string | null; base: string | null; hybrid: boolean; writable: boolean; kill: boolean; usable: boolean; advice?: string };
  layers: string[];
}

function probe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** Tries each layer for real (a subreaper flag on this short-lived process, a cgroup made and removed). */
export function diagnose(): Doctor {
  const native = probe(() => getNative(), undefined);
  const processGroups = native !== undefined && native.getpgid(0) !== null;
  const proc = probe(() => getProc().stat(process.pid) !== null, false);
  const subreaper = native !== undefined && isMainThread() && probe(() => native.setChildSubreaper(), false);
  const fd = native ? probe(() => native.pidfdOpen(process.pid), null) : null;
  if (fd !== null) native!.closeFd(fd);
  const cgroups = Cgroups.detect();
  let usable = false;
  if (cgroups) {
    const dir = cgroups.create();
    if (dir) {
      usable = true;
      rmdirSync(dir);
    }
  }
  const cgroup = {
    mount: cgroups?.site.mount ?? null,
    base: cgroups?.site.base ?? null,
    hybrid: cgroups?.site.hybrid ?? false,
    writable: cgroups?.site.writable ?? false,
    kill: cgroups?.site.hasKill ?? false,
    usable,
    advice: usable ? undefined : 'run as root, in a delegated subtree, or under `systemd-run --user --scope -p Delegate=yes curfew run -- ...`',
  };
  const layers = ['process groups'];
  if (proc || process.platform === 'darwin') layers.push('token sweep');
  if (subreaper) layers.push('child subreaper');
  if (usable) layers.push('cgroup v2');
  layers.push('crash watchdog');
  return { platform: `${process.platform} ${process.arch}`, node: process.version, processGroups, proc, subreaper, pidfd: fd !== null, cgroup, layers };
}

export function formatDoctor(d: Doctor): string {
  const mark = (ok: boolean) => (ok ? 'yes' : 'no ');
  const lines = [
    `curfew doctor (${d.platform}, Node ${d.node})`,
    `  ${mark(d.processGroups)}  process groups and sessions (killpg)`,
    `  ${mark(d.proc)}  /proc readable (token sweep, descendant walk)${d.platform.startsWith('darwin') ? ' — macOS uses ps instead' : ''}`,
    `  ${mark(d.subreaper)}  child subreaper (prctl PR_SET_CHILD_SUBREAPER)${d.subreaper ? '' : ' — Linux only; orphans with a scrubbed environment can escape'}`,
    `  ${mark(d.pidfd)}  pidfd (signals immune to pid reuse)`,
    `  ${mark(d.cgroup.usable)}  cgroup v2 ${d.cgroup.mount ? `at ${d.cgroup.mount}${d.cgroup.hybrid ? ' (hybrid layout)' : ''}` : '(not mounted)'}${d.cgroup.usable ? `, writable${d.cgroup.kill ? ', cgroup.kill' : ', freeze-and-kill'}` : ''}`,
  ];
  if (d.cgroup.advice) lines.push(`       to get one: ${d.cgroup.advice}`);
  lines.push(`  layers in use: ${d.layers.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
