import { spawn as nodeSpawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readLine } from '../helpers/fixtures.js';
import { isAlive, procInfo } from '../helpers/processes.js';
import { track, useCleanup } from '../helpers/cleanup.js';

useCleanup();

const driver = (name: string) => fileURLToPath(new URL(`../drivers/${name}`, import.meta.url));
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.log('skipping the forced pid-reuse test: writing /proc/sys/kernel/ns_last_pid needs root');

const PID_COUNTER = '/proc/sys/kernel/ns_last_pid';
const readCounter = () => Number(readFileSync(PID_COUNTER, 'utf8'));

// Makes the kernel hand out `pid` next, then starts an unrelated session leader; retries when
// another process on the machine takes the pid first. Then puts the counter back where it was:
// left rewound, it would hand the pids just freed by other test files (running meanwhile) to
// their next processes, and their checks of "that pid is gone" would see a stranger.
function startBystanderAt(pid: number): ChildProcess | null {
  const before = readCounter();
  const restore = () => {
    if (readCounter() < before) writeFileSync(PID_COUNTER, String(before));
  };
  try {
    for (let attempt = 0; attempt < 500; attempt++) {
      writeFileSync(PID_COUNTER, String(pid - 1));
      const child = nodeSpawn('sleep', ['300'], { detached: true, stdio: 'ignore', env: { PATH: process.env.PATH } });
      if (child.pid === pid) return child;
      child.kill('SIGKILL');
      restore();
      // Another process took the pid and still holds it: no use trying again.
      if (procInfo(pid) !== null) return null;
    }
    return null;
  } finally {
    restore();
  }
}

describe('guards', () => {
  it.skipIf(!isRoot).for(['main', 'worker'])('never signals a recycled pgid: a stranger that took it survives teardown (%s thread)', async (thread, ctx) => {
    let owner: ChildProcess | undefined;
    let ownerExited: Promise<unknown> | undefined;
    let pgid = 0;
    let bystander: ChildProcess | null = null;
    // Other test files fork meanwhile and may take the pid first; then a fresh owner gives a fresh pgid.
    for (let attempt = 0; attempt < 5 && !bystander; attempt++) {
      if (owner) {
        owner.kill('SIGKILL');
        await ownerExited;
      }
      owner = nodeSpawn(process.execPath, [driver('teardown-after-go.mjs'), thread], { stdio: ['pipe', 'pipe', 'inherit'] });
      track([owner.pid!]);
      ownerExited = once(owner, 'exit');
      ({ pgid } = (await readLine(owner.stdout!)) as unknown as { pgid: number });
      expect(isAlive(pgid)).toBe(false);
      bystander = startBystanderAt(pgid);
    }
    if (!owner || !bystander) {
      // Other processes on a busy machine took the pid every time: the setup failed, not the library.
      console.log(`skipping: could not make the kernel hand out a freed pgid again (5 owners tried)`);
      owner?.kill('SIGKILL');
      return ctx.skip();
    }
    track([bystander!.pid!]);
    try {
      expect(procInfo(pgid)!.pgid).toBe(pgid); // the stranger now leads a group with our old pgid
      const reportLine = readLine(owner.stdout!);
      owner.stdin!.write('go\n');
      const report = (await reportLine) as unknown as { ended: { pid: number }[] };
      expect(report.ended).toEqual([]);
      expect(isAlive(bystander!.pid!)).toBe(true);
      await ownerExited;
    } finally {
      const exited = once(bystander!, 'exit');
      bystander!.kill('SIGKILL');
      await exited;
    }
  });

  it('a broken environment is a CurfewError with a stable code', () => {
    const out = execFileSync(process.execPath, [driver('without-koffi.mjs')], { encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result).toMatchObject({ threw: true, curfew: true, code: 'ERR_CURFEW_FFI_UNAVAILABLE' });
    expect(result.message).toMatch(/koffi/);
  });
});
