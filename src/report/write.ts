import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { totalsOf, type CurfewReport } from './types.js';

/**
 * Writes the report as pretty JSON, creating its directory; through a temporary file and a
 * rename, so a shard's artifact is never half written when the job is cut short. Returns the
 * absolute path.
 */
export function writeReport(path: string, report: CurfewReport): string {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ ...report, totals: totalsOf(report.entries) }, null, 2)}\n`);
  renameSync(temporary, file);
  return file;
}
