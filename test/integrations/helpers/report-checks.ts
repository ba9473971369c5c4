import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { ReportParts } from '../../../dist/integrations/shared/report-parts.js';
import { readReport, type CurfewReport } from '../../../dist/report/index.js';
import { CLI_JS } from '../../helpers/cli.js';
import type { FixtureRun } from './fixture-run.js';

/** A fresh report path per test; afterEach removes its folder and the parts the run left in the temporary directory. */
export function useReportPath(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const file of made.splice(0)) {
      const parts = dirname(new ReportParts(file, '0:0').dir);
      const prefix = basename(new ReportParts(file, '0:0').dir).slice(0, 17);
      for (const name of safeList(parts)) if (name.startsWith(prefix)) rmSync(join(parts, name), { recursive: true, force: true });
      rmSync(dirname(file), { recursive: true, force: true });
    }
  });
  return () => {
    const file = join(mkdtempSync(join(tmpdir(), 'curfew-runner-report-')), 'reports', 'curfew-report.json');
    made.push(file);
    return file;
  };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The report file is a valid curfew report of `runner` that lists exactly the expected entries
 * (title → the fixture's label), each with the processes its fixture started, and true totals.
 */
export function expectReport(file: string, runner: string, run: FixtureRun, expected: Record<string, string>): CurfewReport {
  const report = readReport(file);
  expect(report.runner).toBe(runner);
  expect(report.entries.map((e) => e.title).sort()).toEqual(Object.keys(expected).sort());
  for (const entry of report.entries) expect(entry.processes.map((p) => p.pid), entry.title).toEqual(expect.arrayContaining(run.started.get(expected[entry.title])!));
  const processes = report.entries.reduce((sum, e) => sum + e.processes.length, 0);
  expect(report.totals).toEqual({ entries: Object.keys(expected).length, processes, alive: 0 });
  return report;
}

/** `curfew merge` of the report: its exit status and output. */
export function mergeReportFile(file: string): { status: number | null; output: string } {
  const merged = spawnSync(process.execPath, [CLI_JS, 'merge', file], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' } });
  return { status: merged.status, output: `${merged.stdout}${merged.stderr}` };
}

/** The GitHub annotations in the output: level and the file they name, one per leaking entry. */
export function annotationsIn(output: string): { level: string; file?: string; title: string }[] {
  return [...output.matchAll(/^::(error|warning) (?:file=([^,:]*),)?(?:line=\d+,)?title=([^:]*)::/gm)].map((m) => ({ level: m[1], ...(m[2] ? { file: m[2] } : {}), title: decodeURIComponent(m[3]) }));
}

/** Every entry of the report was annotated once, at `level`, under its file. */
export function expectAnnotations(output: string, report: CurfewReport, level: 'error' | 'warning'): void {
  const found = annotationsIn(output);
  const expected = report.entries.map((e) => ({ level, ...(e.file ? { file: e.file } : {}), title: `curfew: ${e.title} left ${e.processes.length} process${e.processes.length === 1 ? '' : 'es'} running` }));
  expect(found.sort((a, b) => a.title.localeCompare(b.title)), output).toEqual(expected.sort((a, b) => a.title.localeCompare(b.title)));
}
