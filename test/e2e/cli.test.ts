import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixturePath, ORPHANING, readLine } from '../helpers/fixtures.js';
import { MARKER_ENV, newMarker, survivors, waitUntil } from '../helpers/processes.js';
import { track, useCleanup } from '../helpers/cleanup.js';
import { cgroupBase, cgroupUsable } from '../helpers/cgroup.js';
import { CLI_JS, PATH_WITH_THIS_NODE } from '../helpers/cli.js';

useCleanup();

const PATH = PATH_WITH_THIS_NODE;

const CGROUP = cgroupUsable();
if (!CGROUP) console.log('cli.test: no writable cgroup v2 subtree here, so cgroup placement by `curfew run` is not tested (see `curfew doctor`)');

const LEAVE = fileURLToPath(new URL('../drivers/print-and-leave.mjs', import.meta.url));
const EXIT_LEAKED = 86;

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `curfew` with args; `via` is a command line that execs it (given as its last argument). */
function start(args: string[], env: NodeJS.ProcessEnv = {}, via: string[] = []): ChildProcess {
  const [file, ...before] = [...via, CLI_JS];
  const child = nodeSpawn(file, [...before, ...args], { env: { ...process.env, PATH, NO_COLOR: '1', GITHUB_ACTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  track([child.pid!]);
  return child;
}

/** Starts a run whose command prints its pids as one JSON line; tracks them for cleanup. */
async function startPrinting(args: string[], env: NodeJS.ProcessEnv = {}, marker?: string) {
  const child = start(args, env);
  const ran = finish(child);
  const line = await readLine(child.stdout!);
  track(line.pids, marker);
  return { child, ran, line };
}

function finish(child: ChildProcess): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

async function curfew(args: string[], env?: NodeJS.ProcessEnv): Promise<Ran> {
  return finish(start(args, env));
}
const tmp = () => mkdtempSync(join(tmpdir(), 'curfew-cli-'));

const FIXTURES = ORPHANING.map((f) => f.name);

describe('curfew run', () => {
  it('exits 0 with an empty report for a command that leaks nothing', async () => {
    const json = join(tmp(), 'report.json');
    const ran = await curfew(['run', '--json', json, '--', 'true']);
    expect(ran.status).toBe(0);
    expect(ran.stderr).toMatch(/left nothing running/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report).toMatchObject({ version: 1, command: ['true'], exitCode: 0, status: 0, leaks: [] });
  });

  it("passes a failing command's status through", async () => {
    expect((await curfew(['run', '--', 'false'])).status).toBe(1);
    expect((await curfew(['run', '--', 'sh', '-c', 'exit 7'])).status).toBe(7);
    expect((await curfew(['run', '--', 'sh', '-c', 'kill -TERM $$'])).status).toBe(128 + 15);
    expect((await curfew(['run', '--', '/nonexistent/curfew-command'])).status).toBe(127);
  });

  describe.each(FIXTURES)('%s', (name) => {
    it('is reported as a leak, ended, and exits with the leak status', async () => {
      const marker = newMarker();
      const json = join(tmp(), 'report.json');
      const { ran, line } = await startPrinting(['run', '--grace', '300', '--json', json, '--', process.execPath, LEAVE, fixturePath(name)], { [MARKER_ENV]: marker }, marker);
      const { status, stderr } = await ran;
      expect(status).toBe(EXIT_LEAKED);
      const report = JSON.parse(readFileSync(json, 'utf8'));
      const leaked = new Set(report.leaks.map((l: { pid: number }) => l.pid));
      for (const pid of line.pids) {
        expect(leaked, `report names ${pid}`).toContain(pid);
        expect(stderr).toContain(String(pid));
      }
      expect(report.survivors).toEqual([]);
      expect(survivors(line.pids, marker)).toEqual([]);
      for (const leak of report.leaks) expect(['same group', 'new group', 'new session']).toContain(leak.escape);
    });
  });

  it('--allow-leaks reports but keeps the command status; GitHub gets one annotation per leak', async () => {
    const marker = newMarker();
    const { ran, line } = await startPrinting(['run', '--allow-leaks', '--', process.execPath, LEAVE, fixturePath('setsid-fork.sh')], { [MARKER_ENV]: marker, GITHUB_ACTIONS: 'true' }, marker);
    const { status, stdout } = await ran;
    expect(status).toBe(0);
    expect(stdout.split('\n').filter((l) => l.startsWith('::warning '))).toHaveLength(1);
    expect(stdout).toContain(`pid ${line.pids[0]}`);
  });

  // `ready` runs before the pids line is printed (and so before the signal is sent): a trap set
  // after it raced the SIGTERM.
  it.each([
    { what: 'forwards SIGTERM to the command group', grace: '1000', ready: '', script: 'exec sleep 300', status: 128 + 15 },
    { what: 'a forwarded signal the command ignores escalates to SIGKILL after the grace period', grace: '300', ready: "trap '' TERM; ", script: 'while :; do sleep 1; done', status: 128 + 9 },
  ])('$what', async ({ grace, ready, script, status }) => {
    const { child, ran, line } = await startPrinting(['run', '--grace', grace, '--', 'sh', '-c', `${ready}echo "{\\"pids\\":[$$]}"; ${script}`]);
    child.kill('SIGTERM');
    expect((await ran).status).toBe(status);
    expect(survivors(line.pids)).toEqual([]);
  });

  it('a second Ctrl-C kills at once, without waiting for the grace period', async () => {
    const { child, ran, line } = await startPrinting(['run', '--grace', '600000', '--', 'sh', '-c', `trap '' INT; echo "{\\"pids\\":[$$]}"; while :; do sleep 1; done`]);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.kill('SIGINT');
    // Two signals sent back to back can merge into one; wait until the first was handled.
    expect(await waitUntil(() => stderr.includes('second Ctrl-C'), 10_000)).toBe(true);
    expect(survivors(line.pids)).toEqual(line.pids);
    child.kill('SIGINT');
    expect((await ran).status).toBe(128 + 9);
  });

  it('usage errors exit 2; help exits 0', async () => {
    expect((await curfew(['run', '--bogus', '--', 'true'])).status).toBe(2);
    expect((await curfew(['run'])).status).toBe(2);
    expect((await curfew(['run', '--grace', '-1', '--', 'true'])).status).toBe(2);
    expect((await curfew(['frobnicate'])).status).toBe(2);
    const help = await curfew(['run', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--allow-leaks/);
    expect((await curfew(['--help'])).stdout).toMatch(/doctor/);
  });

  it('gives the command a run token and a session of its own', async () => {
    const ran = await curfew(['run', '--quiet', '--', 'sh', '-c', 'echo "$CURFEW_TOKEN $$ $(cut -d" " -f6 /proc/$$/stat)"']);
    expect(ran.status).toBe(0);
    const [token, pid, sid] = ran.stdout.trim().split(' ');
    const runId = token.split(':').at(-1)!;
    expect(runId).toMatch(/^[0-9a-z]{12,}$/);
    expect((process.env.CURFEW_TOKEN ?? '').split(':')).not.toContain(runId);
    expect(sid).toBe(pid);
  });

  // The command starts through posix_spawn (Linux), not Node's spawn: it must still get what a
  // shell or Node would give it, with and without the cgroup's /bin/sh in between.
  describe.each([
    ['in its cgroup', []],
    ['without a cgroup', ['--no-cgroup']],
  ])('starts the command as a shell would, %s', (_, flags: string[]) => {
    it('with stdio inherited, every signal at its default (Node ignores SIGPIPE), none blocked; a file without #! runs with sh', async () => {
      const script = join(tmp(), 'no-shebang');
      // The shell reads its own masks with builtins: while it waits for a child (a grep of the
      // file, say), dash blocks every signal for a moment, which a child's read can catch.
      const masks = 'while read -r k v; do case "$k" in SigIgn:|SigBlk:) echo "$k $v";; esac; done < /proc/$$/status';
      writeFileSync(script, `echo "ran $1"; ${masks}; echo "to stderr" >&2\n`, { mode: 0o755 });
      const ran = await curfew(['run', '--quiet', ...flags, '--', script, 'an argument']);
      expect(ran.status).toBe(0);
      expect(ran.stdout).toContain('ran an argument');
      expect(ran.stdout).toMatch(/^SigIgn:\s+0{16}$/m);
      expect(ran.stdout).toMatch(/^SigBlk:\s+0{16}$/m);
      expect(ran.stderr).toContain('to stderr');
    });

    it('exits 127 for a command not found and 126 for a file not executable, as shells do', async () => {
      const notExecutable = join(tmp(), 'not-executable');
      writeFileSync(notExecutable, 'echo never\n', { mode: 0o644 });
      expect((await curfew(['run', ...flags, '--', 'curfew-no-such-command'])).status).toBe(127);
      const denied = await curfew(['run', ...flags, '--', notExecutable]);
      expect(denied.status).toBe(126);
      expect(denied.stdout).not.toContain('never');
    });
  });

  it.runIf(CGROUP)('puts the command in a cgroup of its own, and removes it afterwards', async () => {
    const ran = await curfew(['run', '--quiet', '--', 'cat', '/proc/self/cgroup']);
    expect(ran.status).toBe(0);
    const path = /^0::(.*)$/m.exec(ran.stdout)![1];
    expect(basename(path)).toMatch(/^curfew-\d+-s\d+-[0-9a-z]+$/);
    expect(existsSync(join(cgroupBase()!, basename(path)))).toBe(false);
  });

  // New cgroups under a threaded one are "domain invalid" and take no process: curfew started in
  // a threaded cgroup makes the run's cgroup there, and cannot move the command into it.
  it.runIf(CGROUP)('runs nothing and exits 70 when the command cannot be moved into its cgroup', async (ctx) => {
    const threaded = join(cgroupBase()!, `test-threaded-${process.pid}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(threaded);
    let child: ChildProcess | undefined;
    try {
      try {
        writeFileSync(join(threaded, 'cgroup.type'), 'threaded');
      } catch (error) {
        // The kernel refuses a threaded cgroup while domain controllers (memory, io) are enabled
        // above it (CI saw ENOTSUP once, another test's cgroups being in use): no setting, no test.
        if ((error as NodeJS.ErrnoException).code !== 'ENOTSUP' && (error as NodeJS.ErrnoException).code !== 'EOPNOTSUPP') throw error;
        console.log(`cli.test: ${cgroupBase()} takes no threaded cgroup now (${(error as NodeJS.ErrnoException).code}), so the failed cgroup move is not tested in this run`);
        ctx.skip();
      }
      child = start(['run', '--', 'sh', '-c', 'echo ran'], {}, ['/bin/sh', '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', threaded]);
      const ran = await finish(child);
      expect(ran.stdout).toBe('');
      // The shell's reason, then curfew's verdict.
      expect(ran.stderr).toMatch(/^curfew: 1: .*\ncurfew: could not move the command into its cgroup \S+, so it was not run\n$/);
      expect(ran.status).toBe(70);
      // curfew removed the cgroup it made.
      expect(readdirSync(threaded, { withFileTypes: true }).filter((e) => e.isDirectory())).toEqual([]);
    } finally {
      const running = child && child.exitCode === null && child.signalCode === null ? child : undefined;
      if (running) await new Promise((resolve) => running.once('exit', resolve));
      for (const e of readdirSync(threaded, { withFileTypes: true })) if (e.isDirectory() && /^curfew-/.test(e.name)) rmdirSync(join(threaded, e.name));
      rmdirSync(threaded);
    }
  });

});

describe('the installed command', () => {
  // npm links node_modules/.bin/curfew to the package's file: the CLI must find its bundle
  // (dist/cli/curfew.bundle.js) and package.json through the link.
  it('works through a relative symlink, as npm links it', async () => {
    const bin = join(mkdtempSync(join(tmpdir(), 'curfew-bin-')), '.bin');
    mkdirSync(bin);
    symlinkSync(relative(bin, CLI_JS), join(bin, 'curfew'));
    const run = (args: string[]) => finish(nodeSpawn(join(bin, 'curfew'), args, { env: { ...process.env, PATH, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] }));
    const doctor = await run(['doctor', '--json']);
    expect(doctor.status).toBe(0);
    expect(JSON.parse(doctor.stdout).processGroups).toBe(true);
    const leaked = await run(['run', '--grace', '0', '--', 'sh', '-c', 'sleep 300 & echo "{\\"pids\\":[$!]}"']);
    const { pids } = JSON.parse(leaked.stdout) as { pids: number[] };
    track(pids);
    expect(leaked.status).toBe(EXIT_LEAKED);
    expect(leaked.stderr).toContain(String(pids[0]));
    expect(survivors(pids)).toEqual([]);
  });
});

describe('curfew doctor', () => {
  it('reports the layers this machine allows', async () => {
    const ran = await curfew(['doctor', '--json']);
    expect(ran.status).toBe(0);
    const d = JSON.parse(ran.stdout);
    expect(d.processGroups).toBe(true);
    expect(d.layers).toContain('process groups');
    const text = await curfew(['doctor']);
    expect(text.stdout).toMatch(/cgroup v2/);
  });
});
