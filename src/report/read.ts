import { readFileSync } from 'node:fs';
import { REPORT_SCHEMA, REPORT_VERSION, totalsOf, type CurfewReport, type ReportEntry } from './types.js';

const KINDS = new Set(['test', 'suite', 'file', 'worker', 'run']);
const ON_LEAK = new Set(['warn', 'fail', 'ignore']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// A bad report is bad input to `curfew merge`: a TypeError that names the file and what is wrong.
function fail(source: string, what: string): never {
  throw new TypeError(`${source}: not a curfew report: ${what}`);
}

function checkEntry(entry: unknown, at: string, source: string): ReportEntry {
  if (!isObject(entry)) fail(source, `${at} is not an object`);
  if (typeof entry.kind !== 'string' || !KINDS.has(entry.kind)) fail(source, `${at}.kind is ${JSON.stringify(entry.kind)}, not one of ${[...KINDS].join(', ')}`);
  if (typeof entry.title !== 'string') fail(source, `${at}.title is not a string`);
  if (!Array.isArray(entry.processes)) fail(source, `${at}.processes is not an array`);
  entry.processes.forEach((p, i) => {
    if (!isObject(p) || typeof p.pid !== 'number' || typeof p.cmd !== 'string' || typeof p.alive !== 'boolean') fail(source, `${at}.processes[${i}] needs a numeric pid, a string cmd and a boolean alive`);
  });
  if (entry.problems !== undefined && !Array.isArray(entry.problems)) fail(source, `${at}.problems is not an array`);
  return { ...(entry as unknown as ReportEntry), problems: (entry.problems as string[] | undefined) ?? [] };
}

/**
 * Checks a report's text against schema version 1 (docs/report.schema.json): the fields
 * `curfew merge` relies on, not every optional one. A newer version is refused, not guessed at.
 */
export function parseReport(text: string, source = 'report'): CurfewReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    fail(source, `invalid JSON (${(error as Error).message})`);
  }
  if (!isObject(data)) fail(source, 'the top level is not an object');
  if (data.schema !== REPORT_SCHEMA) fail(source, `its schema is ${JSON.stringify(data.schema)}, not "${REPORT_SCHEMA}"`);
  if (typeof data.version !== 'number') fail(source, 'it has no numeric version');
  if (data.version > REPORT_VERSION) fail(source, `it is version ${data.version}, written by a newer curfew; this one reads version ${REPORT_VERSION}`);
  if (typeof data.runner !== 'string') fail(source, 'its runner is not a string');
  if (typeof data.onLeak !== 'string' || !ON_LEAK.has(data.onLeak)) fail(source, `its onLeak is ${JSON.stringify(data.onLeak)}`);
  if (!Array.isArray(data.entries)) fail(source, 'its entries are not an array');
  const entries = data.entries.map((e, i) => checkEntry(e, `entries[${i}]`, source));
  if (data.commandStatus !== undefined && typeof data.commandStatus !== 'number') fail(source, 'its commandStatus is not a number');
  const problems = Array.isArray(data.problems) ? (data.problems as string[]) : [];
  // Totals are recomputed: the entries are the truth, whatever a hand-edited file says.
  return { ...(data as unknown as CurfewReport), entries, problems, totals: totalsOf(entries) };
}

export function readReport(path: string): CurfewReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TypeError(`${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseReport(text, path);
}
