import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where cgroup v2 is mounted and where this process sits in it. */
export interface CgroupSite {
  /** The cgroup2 mount point: /sys/fs/cgroup (unified) or /sys/fs/cgroup/unified (hybrid). */
  mount: string;
  /** Our own cgroup directory, under which new cgroups are made. */
  base: string;
  hybrid: boolean;
  writable: boolean;
  /** cgroup.kill exists (Linux 5.14+); otherwise a freeze-and-kill loop is used. */
  hasKill: boolean;
}

// mountinfo fields: id parent major:minor root mountpoint options - fstype source superopts.
export function findCgroup2Mount(mountinfo: string): string | null {
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!right || !right.startsWith('cgroup2 ')) continue;
    return left.split(' ')[4] ?? null;
  }
  return null;
}

/** Our path in the v2 hierarchy: the "0::/path" line of /proc/self/cgroup. */
export function ownCgroupPath(selfCgroup: string): string | null {
  const line = selfCgroup.split('\n').find((l) => l.startsWith('0::'));
  return line ? line.slice(3) : null;
}

export function detectCgroup(): CgroupSite | null {
  if (process.platform !== 'linux') return null;
  let mount: string | null;
  let path: string | null;
  try {
    mount = findCgroup2Mount(readFileSync('/proc/self/mountinfo', 'utf8'));
    path = ownCgroupPath(readFileSync('/proc/self/cgroup', 'utf8'));
  } catch {
    return null;
  }
  if (!mount || path === null) return null;
  const base = join(mount, path);
  let writable = true;
  try {
    accessSync(base, constants.W_OK);
    accessSync(join(base, 'cgroup.procs'), constants.W_OK);
  } catch {
    writable = false;
  }
  let hasKill = true;
  try {
    accessSync(join(mount, 'cgroup.kill'), constants.F_OK);
  } catch {
    try {
      accessSync(join(base, 'cgroup.kill'), constants.F_OK);
    } catch {
      hasKill = false;
    }
  }
  return { mount, base, hybrid: mount.endsWith('/unified'), writable, hasKill };
}
