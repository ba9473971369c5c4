import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createScope, keep, type Scope } from 'curfew';
import { isAlive, MARKER_ENV, newMarker, survivors } from '../helpers/processes.js';
import { track, useCleanup } from '../helpers/cleanup.js';

useCleanup();

// A line-echo service that exits when its stdin closes (as esbuild's service does).
const ECHO = "process.stdin.on('data',(d)=>process.stdout.write(d));process.stdin.on('end',()=>process.exit(0));console.log('up')";
// A TCP server that ignores its stdin: it would outlive the process that started it.
const SERVER = "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>console.log(s.address().port))";
// Sets a process title over argv and environ (fixtures/lib/proctitle.mjs).
const TITLE = new URL('../../fixtures/lib/proctitle.mjs', import.meta.url).href;

/** A plain child_process spawn inside the scope (so it carries the scope's token); resolves once it is up. */
async function startIn(scope: Scope, args: string[], options: Parameters<typeof nodeSpawn>[2] = {}): Promise<{ child: ChildProcess; first: string; marker: string }> {
  const marker = newMarker();
  const exit = scope.enter();
  const child = nodeSpawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'inherit'], ...options, env: { ...process.env, [MARKER_ENV]: marker } });
  exit();
  track([child.pid!], marker);
  const [chunk] = await once(child.stdout!, 'data');
  return { child, first: String(chunk).trim(), marker };
}

describe('a process on its way out is no leak', () => {
  it('one its owner stopped a moment ago (a SIGTERM handler that takes 300 ms) exits by itself and is not reported', async () => {
    const scope = createScope();
    const { child } = await startIn(scope, [process.execPath, '-e', "process.on('SIGTERM',()=>setTimeout(()=>process.exit(7),300));setInterval(()=>{},1000);console.log('up')"]);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const report = await scope.close();
    expect(report.leaks).toEqual([]);
    expect(report.ended).toEqual([]);
    // It exited with its own status: curfew sent it nothing.
    expect((await exited)[0]).toBe(7);
  });

  it('one that exits within the settle window is not reported; one that does not, is', async () => {
    const scope = createScope({ settle: 1000 });
    const quick = await startIn(scope, ['sh', '-c', 'echo up; exec sleep 0.2']);
    const slow = await startIn(scope, ['sh', '-c', 'echo up; exec sleep 300']);
    const report = await scope.close();
    expect(report.leaks.map((p) => p.pid)).toEqual([slow.child.pid]);
    expect(isAlive(quick.child.pid!)).toBe(false);
  });
});

describe('ownership: a child this process still talks to is held, not leaked', () => {
  it("is left running by a teardown, reported as kept, and let go with owned: 'close', where it exits by itself", async () => {
    const scope = createScope();
    const { child } = await startIn(scope, [process.execPath, '-e', ECHO], { stdio: ['pipe', 'pipe', 'inherit'] });
    const first = await scope.teardown();
    expect(first.leaks).toEqual([]);
    expect(first.kept.map((p) => [p.pid, p.reason])).toEqual([[child.pid, 'held: its stdin pipe is open in the test process']]);
    // Still there, and still answering.
    child.stdin!.write('ping\n');
    expect(String((await once(child.stdout!, 'data'))[0])).toBe('ping\n');
    const exited = once(child, 'exit');
    const last = await scope.close({ owned: 'close' });
    expect(last.leaks).toEqual([]);
    expect(last.ended).toEqual([]);
    expect((await exited)[0]).toBe(0);
  });

  it("one that does not exit when let go is a leak of its owner, saying it was held", async () => {
    const scope = createScope();
    const { child, first: port } = await startIn(scope, [process.execPath, '-e', SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
    expect((await scope.teardown()).kept.map((p) => p.pid)).toEqual([child.pid]);
    const report = await scope.close({ owned: 'close' });
    expect(report.leaks).toEqual([expect.objectContaining({ pid: child.pid, listening: [`127.0.0.1:${port}/tcp`], kept: expect.stringMatching(/^held by the test process until its owner ended \(its stdin pipe\)/) })]);
    expect(survivors([child.pid!])).toEqual([]);
  });

  it('a child whose stdin is not ours to write (stdin ignored) is an ordinary leak', async () => {
    const scope = createScope();
    const { child } = await startIn(scope, [process.execPath, '-e', SERVER]);
    const report = await scope.close();
    expect(report.leaks.map((p) => p.pid)).toEqual([child.pid]);
    expect(report.kept).toEqual([]);
  });
});

describe('keep() and allow', () => {
  it('keep(): the scope leaves the process to its parent, which ends it without calling it a leak', async () => {
    const parent = createScope();
    const inner = parent.run(() => createScope());
    const test = await inner;
    const { child } = await startIn(test, [process.execPath, '-e', SERVER]);
    test.keep(child, 'shared by later tests');
    const testReport = await test.close();
    expect(testReport.leaks).toEqual([]);
    expect(testReport.kept.map((p) => [p.pid, p.reason])).toEqual([[child.pid, 'kept: shared by later tests']]);
    expect(isAlive(child.pid!)).toBe(true);
    const parentReport = await parent.close();
    expect(parentReport.leaks).toEqual([]);
    expect(parentReport.ended).toEqual([expect.objectContaining({ pid: child.pid, kept: 'kept: shared by later tests' })]);
    expect(survivors([child.pid!])).toEqual([]);
  });

  it('keep() from inside a scope keeps in the current scope, and returns the undo', async () => {
    const scope = createScope();
    const { child } = await startIn(scope, [process.execPath, '-e', SERVER]);
    const undo = await scope.run(() => keep(child.pid!));
    expect((await scope.teardown()).kept.map((p) => p.reason)).toEqual(['kept: kept with keep()']);
    undo();
    expect((await scope.close()).leaks.map((p) => p.pid)).toEqual([child.pid]);
  });

  it("allow: a process matched by its command line is left running, then ended unreported with owned: 'close'", async () => {
    const scope = createScope({ allow: [{ command: /allowed-by-test/, reason: 'a daemon the suite shares' }] });
    const { child } = await startIn(scope, [process.execPath, '-e', SERVER, 'allowed-by-test'], { detached: true });
    child.unref();
    expect((await scope.teardown()).kept.map((p) => p.reason)).toEqual(['allowed: a daemon the suite shares']);
    expect(isAlive(child.pid!)).toBe(true);
    const report = await scope.close({ owned: 'close' });
    expect(report.leaks).toEqual([]);
    expect(report.ended.map((p) => p.pid)).toEqual([child.pid]);
    expect(survivors([child.pid!])).toEqual([]);
  });

  it('bad keep() and allow input is a TypeError naming the option and its value', () => {
    const scope = createScope();
    expect(() => scope.keep(1)).toThrow(new TypeError('The `target` option must be a subprocess or a pid above 1, got 1.'));
    expect(() => scope.keep({})).toThrow(/The `target` option must be a subprocess or a pid above 1, got \{\}/);
    expect(() => scope.keep(process.pid, '')).toThrow(new TypeError('The `reason` option must be a non-empty string, got "".'));
    expect(() => createScope({ settle: -1 })).toThrow(new TypeError('The `settle` option must be a non-negative integer of milliseconds, got -1.'));
    expect(() => createScope({ allow: 'x' as never })).toThrow(/The `allow` option must be an array of \{ command, reason \} rules, got "x"/);
    expect(() => createScope({ allow: [{ command: 'x' }] as never })).toThrow(/The `allow\[0\]\.reason` option must be a non-empty string/);
    expect(() => createScope({ allow: [{ command: {}, reason: 'r' }] as never })).toThrow(/a RegExp in a Jest config reaches its workers as \{\}: use a string there/);
  });
});

describe('names a user can act on', () => {
  it('a leak shows its command, where it listens, and where it was spawned', async () => {
    const scope = createScope();
    const { child, first: port } = await startIn(scope, [process.execPath, '-e', SERVER]);
    const [leak] = (await scope.close()).leaks;
    expect(leak).toMatchObject({ pid: child.pid, cmd: `${process.execPath} -e ${SERVER}`, listening: [`127.0.0.1:${port}/tcp`] });
    expect(leak.spawnedAt?.[0]).toMatch(/^startIn \(test\/e2e\/ownership\.test\.ts:\d+:\d+\)$/);
  });

  it('a process whose command line is empty is shown by its executable, saying so', async () => {
    const scope = createScope();
    // NULs over its argv and environ strings, as setproctitle(3) would write an empty title.
    const code = `import { overwriteTitle } from ${JSON.stringify(TITLE)}; overwriteTitle(''); console.log('up'); setTimeout(() => {}, 300_000)`;
    const { child } = await startIn(scope, [process.execPath, '--input-type=module', '-e', code]);
    const [leak] = (await scope.close()).leaks;
    expect(leak.pid).toBe(child.pid);
    expect(leak.cmd).toMatch(/^\/\S*node\S*( \[[^\]]*\])? \(executable; its command line is empty\)$/);
  });
});

it('the settle window is waited only when something is found alive (a clean scope returns at once)', async () => {
  const scope = createScope({ settle: 60_000 });
  const { child } = await startIn(scope, ['sh', '-c', 'echo up']);
  // It may have exited before its output was read: then 'exit' was already emitted.
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  // Were the window waited here, this would take a minute and time out.
  expect((await scope.close()).leaks).toEqual([]);
});
