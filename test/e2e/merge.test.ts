import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { track, useCleanup } from '../helpers/cleanup.js';
import { CLI_JS, PATH_WITH_THIS_NODE } from '../helpers/cli.js';
import { fixturePath, readLine } from '../helpers/fixtures.js';
import { MARKER_ENV, newMarker, survivors } from '../helpers/processes.js';

useCleanup();

const LEAVE = fileURLToPath(new URL('../drivers/print-and-leave.mjs', import.meta.url));
const EXIT_LEAKED = 86;
const tmp = () => mkdtempSync(join(tmpdir(), 'curfew-merge-'));

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, [CLI_JS, ...args], { env: { ...process.env, PATH: PATH_WITH_THIS_NODE, NO_COLOR: '1', GITHUB_ACTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  track([child.pid!]);
  return child;
}

function finish(child: ChildProcess): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

const curfew = (args: string[]) => finish(start(args));

/** A shard: `curfew run --report` of a command that leaves the fixture's processes running. */
async function leakyShard(report: string, fixture: string): Promise<{ ran: Ran; pids: number[] }> {
  const marker = newMarker();
  const child = start(['run', '--grace', '300', '--report', report, '--', process.execPath, LEAVE, fixturePath(fixture)], { [MARKER_ENV]: marker });
  const ran = finish(child);
  const line = await readLine(child.stdout!);
  track(line.pids, marker);
  const done = await ran;
  expect(survivors(line.pids, marker)).toEqual([]);
  return { ran: done, pids: line.pids };
}

describe('curfew merge', () => {
  it("two shards' reports merge into one with the right totals and the leak exit status", async () => {
    const dir = tmp();
    const [one, two, clean] = ['shard-1.json', 'shard-2.json', 'shard-3.json'].map((f) => join(dir, f));
    const a = await leakyShard(one, 'setsid-fork.sh');
    const b = await leakyShard(two, 'background-grandchild.sh');
    expect([a.ran.status, b.ran.status]).toEqual([EXIT_LEAKED, EXIT_LEAKED]);
    expect((await curfew(['run', '--report', clean, '--', 'true'])).status).toBe(0);
    const shard = JSON.parse(readFileSync(one, 'utf8'));
    expect(shard).toMatchObject({ schema: 'curfew-report', version: 1, runner: 'curfew run', commandStatus: 0, onLeak: 'fail', entries: [{ kind: 'run' }] });

    const merged = await curfew(['merge', '--json', one, two, clean]);
    expect(merged.status, merged.stderr).toBe(EXIT_LEAKED);
    const report = JSON.parse(merged.stdout);
    const pids = [...a.pids, ...b.pids];
    expect(report).toMatchObject({ schema: 'curfew-report', version: 1, runner: 'curfew run', commandStatus: 0, totals: { entries: 2, processes: pids.length, alive: 0 } });
    expect(report.entries.map((e: { source: string }) => e.source)).toEqual(['shard-1.json', 'shard-2.json']);
    for (const pid of pids) expect(merged.stderr).toContain(`  ${pid} `);
    expect(merged.stderr).toMatch(/\[shard-1\.json\] .* left 1 process running:/);
    expect(merged.stderr).toContain(`left ${pids.length} processes running; all were ended.`);

    // The rules of `curfew run`: --allow-leaks keeps 0; a merged report merges again.
    expect((await curfew(['merge', '--allow-leaks', one, two])).status).toBe(0);
    const again = join(dir, 'merged.json');
    writeFileSync(again, merged.stdout);
    const twice = await curfew(['merge', '--json', again, clean]);
    expect(twice.status).toBe(EXIT_LEAKED);
    expect(JSON.parse(twice.stdout).totals).toEqual(report.totals);
  });

  it('clean shards exit 0; a failed command in a shard passes its status through', async () => {
    const dir = tmp();
    const [clean, failed] = ['clean.json', 'failed.json'].map((f) => join(dir, f));
    await curfew(['run', '--report', clean, '--', 'true']);
    expect((await curfew(['run', '--report', failed, '--', 'sh', '-c', 'exit 3'])).status).toBe(3);
    const ok = await curfew(['merge', clean, clean]);
    expect(ok.status).toBe(0);
    expect(ok.stderr).toBe('curfew: nothing leaked in 2 reports.\n');
    expect((await curfew(['merge', clean, failed])).status).toBe(3);
  });

  it('a file that is not a curfew report, or a newer version, is a usage error naming the file', async () => {
    const dir = tmp();
    const other = join(dir, 'other.json');
    const newer = join(dir, 'newer.json');
    writeFileSync(other, '{"version":1}');
    writeFileSync(newer, JSON.stringify({ schema: 'curfew-report', version: 2, runner: 'vitest', onLeak: 'warn', entries: [] }));
    const a = await curfew(['merge', other]);
    expect(a.status).toBe(2);
    expect(a.stderr).toContain(`${other}: not a curfew report: its schema is undefined`);
    const b = await curfew(['merge', newer]);
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('version 2, written by a newer curfew');
    expect((await curfew(['merge', join(dir, 'missing.json')])).stderr).toMatch(/missing\.json: cannot read it \(ENOENT\)/);
    expect((await curfew(['merge'])).status).toBe(2);
    expect((await curfew(['merge', '--help'])).status).toBe(0);
  });
});
