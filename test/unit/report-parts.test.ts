import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReportParts, runnerIdentity } from '../../dist/integrations/shared/report-parts.js';
import { newReport, readReport } from '../../dist/report/index.js';
import { track, useCleanup } from '../helpers/cleanup.js';

useCleanup();

const PARTS_JS = new URL('../../dist/integrations/shared/report-parts.js', import.meta.url).href;
const REPORT_JS = new URL('../../dist/report/index.js', import.meta.url).href;
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function reportFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'curfew-parts-test-'));
  made.push(dir);
  return join(dir, 'curfew-report.json');
}

function partsOf(file: string, runner: string): ReportParts {
  const parts = new ReportParts(file, runner);
  made.push(parts.dir);
  return parts;
}

const entry = (title: string) => ({ kind: 'file' as const, title, file: `${title}.test.js`, processes: [{ pid: 1, cmd: 'sleep 300', escape: 'new session' as const, foundBy: 'token' as const, signal: 'SIGTERM' as const, alive: false, listening: [] }], problems: [] });

// One process: writes its part and merges, as a node:test file's process does at its exit; it
// merges once every part is there (or after 20 s), so that the merges overlap.
const WRITER = `
const { readdirSync } = await import('node:fs');
const { ReportParts } = await import(${JSON.stringify(PARTS_JS)});
const { newReport } = await import(${JSON.stringify(REPORT_JS)});
const [file, runner, title, count] = process.argv.slice(1);
const parts = new ReportParts(file, runner);
parts.write(title, newReport('node-test', { onLeak: 'warn', entries: [{ kind: 'file', title, file: title + '.test.js', processes: [], problems: [] }] }));
const deadline = Date.now() + 20000;
while (readdirSync(parts.dir).filter((n) => n.endsWith('.json')).length < Number(count) && Date.now() < deadline);
parts.merge('node-test', 'warn');
`;

function runWriter(file: string, runner: string, title: string, count: number): Promise<number | null> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER, file, runner, title, String(count)], { stdio: ['ignore', 'inherit', 'inherit'] });
  track([child.pid!]);
  return new Promise((resolve) => child.on('exit', resolve));
}

describe('ReportParts', () => {
  it('processes whose merges overlap leave one whole report with every part (a smoke test: the lock orders merges that start before the last part is written, which this does not force)', async () => {
    const file = reportFile();
    const runner = runnerIdentity(process.pid)!;
    partsOf(file, runner);
    const titles = Array.from({ length: 12 }, (_, i) => `file-${i}`);
    expect(await Promise.all(titles.map((t) => runWriter(file, runner, t, titles.length)))).toEqual(titles.map(() => 0));
    const report = readReport(file);
    expect(report.entries.map((e) => e.title).sort()).toEqual([...titles].sort());
    expect(report.totals.entries).toBe(12);
  }, 60_000);

  it("a file's rerun replaces its part; a lock left by a process that is gone is taken over", () => {
    const file = reportFile();
    const parts = partsOf(file, runnerIdentity(process.pid)!);
    parts.write('a', newReport('mocha', { entries: [entry('a')] }));
    parts.write('a', newReport('mocha', { entries: [entry('a again')] }));
    mkdirSync(parts.dir, { recursive: true });
    // A pid above the kernel's limit belongs to no process.
    writeFileSync(join(parts.dir, 'lock'), '4194305');
    parts.merge('mocha', 'fail');
    expect(readReport(file)).toMatchObject({ runner: 'mocha', onLeak: 'fail', totals: { entries: 1, processes: 1 }, entries: [{ title: 'a again' }] });
    parts.remove();
    expect(existsSync(parts.dir)).toBe(false);
  });

  it("an earlier run's parts (its runner gone) are removed; a running runner's are kept", () => {
    const file = reportFile();
    const gone = partsOf(file, '4194305:1');
    const live = partsOf(file, runnerIdentity(process.pid)!);
    gone.write('a', newReport('node-test'));
    live.write('b', newReport('node-test'));
    live.removeStale();
    expect(existsSync(gone.dir)).toBe(false);
    expect(readdirSync(dirname(live.dir))).toContain(live.dir.split('/').at(-1));
  });
});
