import { execFileSync } from 'node:child_process';
import { CLI_JS } from './cli.js';

interface DoctorCgroup {
  usable: boolean;
  mount: string | null;
  base: string | null;
}

// Asks the library itself (through `curfew doctor --json`) rather than guessing.
function doctor(): DoctorCgroup | undefined {
  try {
    return JSON.parse(execFileSync(process.execPath, [CLI_JS, 'doctor', '--json'], { encoding: 'utf8' })).cgroup as DoctorCgroup;
  } catch {
    return undefined;
  }
}

export function cgroupUsable(): boolean {
  return doctor()?.usable === true;
}

/** Where new cgroups are made: the v2 mount joined with this process's own cgroup path. */
export function cgroupBase(): string | undefined {
  const d = doctor();
  return d?.base ?? undefined;
}

/** Where cgroup v2 is mounted (a process's cgroup directory is this joined with its `0::` path). */
export function cgroupMount(): string | undefined {
  return doctor()?.mount ?? undefined;
}
