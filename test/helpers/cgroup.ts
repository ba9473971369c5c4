import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Asks the library itself (through `curfew doctor --json`) rather than guessing.
export function cgroupUsable(): boolean {
  try {
    const bin = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
    const out = execFileSync(process.execPath, [bin, 'doctor', '--json'], { encoding: 'utf8' });
    return JSON.parse(out).cgroup?.usable === true;
  } catch {
    return false;
  }
}
