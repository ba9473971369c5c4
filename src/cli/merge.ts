import { countLeaks, emptyTally, formatLeakBlock, formatSummary, painter } from '../integrations/shared/format.js';
import { mergeReports, readReport, type CurfewReport, type ReportKind, type ReportSource } from '../report/index.js';
import { EXIT_LEAKED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';

export interface MergeArgs {
  files: string[];
  /** Print the merged report (a curfew report itself) on stdout. */
  json: boolean;
  allowLeaks: boolean;
}

/** `curfew merge <files…> [--json] [--allow-leaks]`; a string is 'help' or what is wrong. */
export function parseMerge(argv: string[]): MergeArgs | string {
  const args: MergeArgs = { files: [], json: false, allowLeaks: false };
  let options = true;
  for (const arg of argv) {
    if (options && arg === '--') options = false;
    else if (options && (arg === '-h' || arg === '--help')) return 'help';
    else if (options && arg === '--json') args.json = true;
    else if (options && arg === '--allow-leaks') args.allowLeaks = true;
    else if (options && arg.startsWith('-')) return `unknown option ${arg}`;
    else args.files.push(arg);
  }
  return args.files.length === 0 ? 'missing the report files to merge' : args;
}

const TALLY_KIND: Record<ReportKind, 'tests' | 'suites' | 'files' | 'runs'> = { test: 'tests', suite: 'suites', file: 'files', worker: 'runs', run: 'runs' };

/** The rules of `curfew run`: a shard's failing command status passes through; a leak exits 86 unless allowed. */
export function mergeStatus(merged: CurfewReport, allowLeaks: boolean): number {
  if (merged.commandStatus !== undefined && merged.commandStatus !== EXIT_OK) return merged.commandStatus;
  return merged.totals.processes > 0 && !allowLeaks ? EXIT_LEAKED : EXIT_OK;
}

export function formatMerged(merged: CurfewReport, count: number, color: boolean): string {
  const paint = painter(color);
  const tally = emptyTally();
  const blocks = merged.entries.map((entry) => {
    countLeaks(tally, TALLY_KIND[entry.kind], entry);
    return formatLeakBlock(entry.source ? `[${entry.source}] ${entry.title}` : entry.title, entry, paint);
  });
  const problems = merged.problems.map((p) => `${paint.red(`curfew: problem: ${p}`)}\n`).join('');
  const reports = `${count} report${count === 1 ? '' : 's'}`;
  const summary = formatSummary(tally, paint) || `curfew: nothing leaked in ${reports}.\n`;
  return `${blocks.join('')}${problems}${merged.entries.length > 0 ? `curfew: merged ${reports}.\n` : ''}${summary}`;
}

export function merge(args: MergeArgs, out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; color: boolean }): number {
  let sources: ReportSource[];
  try {
    sources = args.files.map((path) => ({ path, report: readReport(path) }));
  } catch (error) {
    out.stderr.write(`curfew: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
  const merged = mergeReports(sources);
  out.stderr.write(formatMerged(merged, sources.length, out.color));
  if (args.json) out.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
  return mergeStatus(merged, args.allowLeaks);
}
