import { spawn as nodeSpawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createScope, currentScope, spawn, teardown, TOKEN_ENV } from 'curfew';
import { fixturePath, readLine, startWithCurfew } from '../helpers/fixtures.js';
import { isAlive, MARKER_ENV, newMarker, procInfo, survivors, waitUntil } from '../helpers/processes.js';
import { track, useCleanup } from '../helpers/cleanup.js';

useCleanup();

describe('spawn', () => {
  it('starts the child in a new session and group, with the scope token in its environment', async () => {
    await using scope = createScope();
    const sub = spawn('sh', ['-c', `echo "$${TOKEN_ENV}"; exec sleep 300`], { scope, buffer: false, reject: false });
    track([sub.pid!]);
    const token = await new Promise<string>((resolve) => sub.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
    const info = procInfo(sub.pid!)!;
    expect(info.pgid).toBe(sub.pid);
    expect(info.sid).toBe(sub.pid);
    expect(sub.group.pgid).toBe(sub.pid);
    expect(sub.group.leader).toBe(sub.pid);
    // The scope's chain, then the group's own id.
    expect(token).toBe(sub.group.token);
    expect(token).toBe(`${scope.token}:${sub.group.id}`);
    expect(sub.group.members().map((p) => p.pid)).toEqual([sub.pid]);
    expect(scope.groups).toContain(sub.group);
  });

  it('group.kill() escalates until the whole group is gone and resolves to a report', async () => {
    const marker = newMarker();
    await using scope = createScope({ grace: 200 });
    const { sub, line } = await startWithCurfew('sigterm-ignoring-grandchild.sh', marker, { scope });
    track(line.pids, marker);
    const report = await sub.group.kill();
    expect(survivors(line.pids, marker)).toEqual([]);
    expect(report.escalated).toBe(true);
    expect(report.ended.find((p) => p.pid === line.pids[0])?.signal).toBe('SIGKILL');
    expect(scope.groups).not.toContain(sub.group);
  });

  it('grace: 0 sends SIGKILL at once', async () => {
    const marker = newMarker();
    await using scope = createScope();
    const { sub, line } = await startWithCurfew('wide-tree.sh', marker, { scope });
    track(line.pids, marker);
    const report = await sub.group.kill({ grace: 0 });
    expect(survivors(line.pids, marker)).toEqual([]);
    expect(new Set(report.ended.map((p) => p.signal))).toEqual(new Set(['SIGKILL']));
  });

  it('a custom ladder is walked in order, with SIGCONT so a stopped process can act', async () => {
    const marker = newMarker();
    // Not SIGINT: a background job of a non-interactive shell ignores it.
    await using scope = createScope({ signals: ['SIGUSR1', 'SIGTERM'], grace: 200 });
    const { line } = await startWithCurfew('stopped-grandchild.sh', marker, { scope });
    track(line.pids, marker);
    expect(procInfo(line.pids[0])?.state).toBe('T');
    const report = await scope.teardown();
    expect(survivors(line.pids, marker)).toEqual([]);
    // SIGUSR1 ends a stopped sleep once SIGCONT lets it run: no need to reach SIGTERM or SIGKILL.
    expect(report.ended.find((p) => p.pid === line.pids[0])?.signal).toBe('SIGUSR1');
    expect(report.escalated).toBe(false);
  });

  it('timeout ends the whole group and rejects like execa does', async () => {
    const marker = newMarker();
    await using scope = createScope({ grace: 200 });
    const sub = spawn(fixturePath('fork-storm.sh'), [], { scope, timeout: 1000, env: { [MARKER_ENV]: marker }, buffer: false });
    const line = await readLine(sub.stdout!);
    track(line.pids, marker);
    const error = await sub.then(() => null, (e: unknown) => e as { timedOut?: boolean });
    expect(error?.timedOut).toBe(true);
    expect(await waitUntil(() => survivors(line.pids, marker).length === 0, 5000)).toBe(true);
  });

  it('a grandchild holding stdout open does not make the subprocess hang past teardown', async () => {
    const marker = newMarker();
    await using scope = createScope();
    const sub = spawn(fixturePath('stdout-holding-grandchild.sh'), [], { scope, env: { [MARKER_ENV]: marker } });
    const settled = sub.then(() => 'settled', () => 'settled');
    const line = await readLine(sub.stdout!);
    track(line.pids, marker);
    await scope.teardown();
    const outcome = await Promise.race([settled, new Promise((r) => setTimeout(() => r('still pending'), 5000))]);
    expect(outcome).toBe('settled');
  });

  it('a command that cannot start rejects and leaves nothing registered', async () => {
    await using scope = createScope();
    const sub = spawn('/nonexistent/curfew-command', [], { scope });
    await expect(sub).rejects.toThrow(/ENOENT/);
    expect(scope.groups).toEqual([]);
    expect((await scope.teardown()).ended).toEqual([]);
  });

  it('teardown() ends what was spawned in the current scope', async () => {
    const scope = createScope();
    const marker = newMarker();
    const line = await scope.run(async () => {
      expect(currentScope()).toBe(scope);
      const started = await startWithCurfew('background-grandchild.sh', marker);
      // Once the fixture itself has exited, its grandchild is a leak, not a managed process.
      await started.sub;
      return started.line;
    });
    track(line.pids, marker);
    const exit = scope.enter();
    try {
      const report = await teardown();
      expect(report.ended.map((p) => p.pid)).toEqual(line.pids);
      expect(report.leaks.map((p) => p.pid)).toEqual(line.pids);
    } finally {
      exit();
      await scope.close();
    }
  });

  it('a scope that ended cleanly reports nothing to end', async () => {
    await using scope = createScope();
    await spawn('true', [], { scope });
    const report = await scope.teardown();
    expect(report.ended).toEqual([]);
    expect(report.leaks).toEqual([]);
    expect(report.survivors).toEqual([]);
  });

  it('a running spawn ended by teardown is reported but is not a leak', async () => {
    await using scope = createScope();
    const sub = spawn('sleep', ['300'], { scope, reject: false });
    track([sub.pid!]);
    const report = await scope.teardown();
    expect(report.ended.map((p) => p.pid)).toEqual([sub.pid]);
    expect(report.ended[0].foundBy).toBe('group');
    expect(report.leaks).toEqual([]);
    expect((await sub).signal).toBe('SIGTERM');
  });

  it('a leaked multithreaded process is one leak, not one per thread', async () => {
    const marker = newMarker();
    const scope = createScope();
    // A plain spawn: no group of ours, so the teardown probes every pid handed out since the
    // scope opened, and the new process's threads took some of them.
    const exit = scope.enter();
    const child = nodeSpawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("up")'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, [MARKER_ENV]: marker } });
    exit();
    track([child.pid!], marker);
    await once(child.stdout!, 'data');
    child.stdout!.destroy();
    child.unref();
    expect(readdirSync(`/proc/${child.pid}/task`).length).toBeGreaterThan(1);
    const report = await scope.close();
    expect(report.leaks.map((p) => p.pid)).toEqual([child.pid]);
    expect(survivors([child.pid!], marker)).toEqual([]);
  });

  it('parent scopes end what their child scopes started; disposed scopes refuse new spawns', async () => {
    const marker = newMarker();
    const parent = createScope();
    const child = parent.run(() => createScope());
    const c = await child;
    const { line } = await startWithCurfew('setsid-fork.sh', marker, { scope: c });
    track(line.pids, marker);
    const report = await parent.close();
    expect(report.ended.map((p) => p.pid)).toEqual(expect.arrayContaining(line.pids));
    expect(survivors(line.pids, marker)).toEqual([]);
    expect(() => spawn('true', [], { scope: c })).toThrow(expect.objectContaining({ code: 'ERR_CURFEW_SCOPE_CLOSED' }));
  });
});

describe('safety', () => {
  it('never signals its own group: a plain child in our group is ended by pid, and we survive', async () => {
    await using scope = createScope();
    const child = scope.run(() => nodeSpawn('sleep', ['300'], { stdio: 'ignore' }));
    const c = await child;
    track([c.pid!]);
    expect(procInfo(c.pid!)!.pgid).toBe(procInfo(process.pid)!.pgid);
    const exited = new Promise((r) => c.once('exit', r));
    const report = await scope.teardown();
    expect(report.ended.map((p) => [p.pid, p.foundBy])).toEqual([[c.pid, 'spawned']]);
    await exited;
    expect(isAlive(process.pid)).toBe(true);
  });

  it('leaves alone a process it did not start, even one that shares its group', async () => {
    // A bystander started outside the scope, in this process's own group and session.
    const bystander = nodeSpawn('sleep', ['300'], { stdio: 'ignore', env: { PATH: process.env.PATH } });
    track([bystander.pid!]);
    try {
      const marker = newMarker();
      await using scope = createScope({ grace: 100 });
      const { line } = await startWithCurfew('fork-storm.sh', marker, { scope });
      track(line.pids, marker);
      const report = await scope.teardown();
      expect(survivors(line.pids, marker)).toEqual([]);
      expect(report.ended.map((p) => p.pid)).not.toContain(bystander.pid);
      expect(isAlive(bystander.pid!)).toBe(true);
    } finally {
      const exited = once(bystander, 'exit');
      bystander.kill('SIGKILL');
      await exited;
    }
  });
});

describe('scope.spawn', () => {
  it('registers in that scope, and disposal tears it down', async () => {
    const marker = newMarker();
    let pids: number[] = [];
    {
      await using scope = createScope({ grace: 200 });
      const sub = scope.spawn(fixturePath('double-fork-daemon.mjs'), [], { env: { [MARKER_ENV]: marker }, buffer: false, reject: false });
      pids = (await readLine(sub.stdout!)).pids;
      track(pids, marker);
      expect(scope.groups).toContain(sub.group);
      expect(survivors(pids)).toEqual(pids);
    }
    expect(survivors(pids, marker)).toEqual([]);
  });
});
