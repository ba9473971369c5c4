import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createScope } from 'curfew';
import { startWithCurfew } from '../helpers/fixtures.js';
import { newMarker, procInfo, survivors } from '../helpers/processes.js';
import { track, useCleanup } from '../helpers/cleanup.js';
import { cgroupBase, cgroupUsable } from '../helpers/cgroup.js';
import { CLI_JS, PATH_WITH_THIS_NODE } from '../helpers/cli.js';

useCleanup();

const usable = cgroupUsable();
if (!usable) console.log('skipping cgroup placement tests: no writable cgroup v2 subtree here (root or a delegated subtree is needed; see `curfew doctor`)');

const ours = () => readdirSync(cgroupBase()!).filter((name) => name.startsWith(`curfew-${process.pid}-`));

describe.skipIf(!usable)('cgroup v2 layer', () => {
  it('puts a spawn in a cgroup of its own before it execs, and finds what escapes everything else', async () => {
    const marker = newMarker();
    await using scope = createScope({ cgroup: true, grace: 200 });
    const { sub, line } = await startWithCurfew('scrubbed-env-daemon.sh', marker, { scope });
    track(line.pids, marker);
    expect(sub.group.cgroup).toMatch(/curfew-/);
    expect(ours()).toHaveLength(1);
    const report = await scope.teardown();
    expect(report.ended.map((p) => p.pid)).toEqual(line.pids);
    // The subreaper would find it as an orphan too; the cgroup is checked first.
    expect(report.ended[0].foundBy).toBe('cgroup');
    expect(survivors(line.pids, marker)).toEqual([]);
  });

  it('removes every cgroup directory it made, after teardown and after group.kill()', async () => {
    const marker = newMarker();
    const scope = createScope({ cgroup: true, grace: 200 });
    const a = await startWithCurfew('fork-storm.sh', marker, { scope });
    const b = await startWithCurfew('setsid-fork.sh', marker, { scope });
    track([...a.line.pids, ...b.line.pids], marker);
    expect(ours()).toHaveLength(2);
    await a.sub.group.kill();
    expect(ours()).toHaveLength(1);
    await scope.close();
    expect(ours()).toEqual([]);
    expect(survivors([...a.line.pids, ...b.line.pids], marker)).toEqual([]);
  });

  it('a spawn that cannot start leaves no cgroup behind', async () => {
    await using scope = createScope({ cgroup: true });
    const { spawn } = await import('curfew');
    await expect(spawn('/nonexistent/curfew-command', [], { scope })).rejects.toThrow();
    await scope.teardown();
    expect(ours()).toEqual([]);
  });
});

describe.skipIf(!usable)('stale cgroups', () => {
  it('a cgroup left by a supervisor that died is removed by the next one, if empty', async () => {
    const { mkdirSync, existsSync, rmdirSync } = await import('node:fs');
    const { spawnSync, execFileSync } = await import('node:child_process');
    const base = cgroupBase()!;
    const myStart = procInfo(process.pid)!.start;
    // An owner that is certainly gone: a child that has exited and been reaped. Its pid may be
    // handed out again meanwhile (other test files run), so the name also holds its start time.
    const dead = spawnSync('true').pid;
    const stale = `${base}/curfew-${dead}-s1-deadbeef`;
    mkdirSync(`${stale}/curfew-${dead}-s1-cafef00d`, { recursive: true });
    // Our pid, but another start time: an owner whose pid this process has since taken.
    const recycled = `${base}/curfew-${process.pid}-s1-feedf00d`;
    mkdirSync(recycled);
    const live = `${base}/curfew-${process.pid}-s${myStart}-0badf00d`;
    mkdirSync(live);
    try {
      execFileSync(CLI_JS, ['run', '--quiet', '--', 'true'], { env: { ...process.env, PATH: PATH_WITH_THIS_NODE } });
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(recycled)).toBe(false);
      // A cgroup named for a live process is never touched.
      expect(existsSync(live)).toBe(true);
    } finally {
      for (const path of [live, recycled, `${stale}/curfew-${dead}-s1-cafef00d`, stale]) if (existsSync(path)) rmdirSync(path);
    }
  });
});
