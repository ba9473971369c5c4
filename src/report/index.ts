// The leak report every front end writes and `curfew merge` reads (docs/reports.md).
export { formatGithubAnnotations, isGithubActions, lineOf } from './github.js';
export { mergeReports, type ReportSource } from './merge.js';
export { reportOfRun, type RunOutcome } from './from-run.js';
export { parseReport, readReport } from './read.js';
export { newReport, REPORT_SCHEMA, REPORT_VERSION, totalsOf, type CurfewReport, type Escape, type ReportedProcess, type ReportEntry, type ReportKind, type ReportTotals } from './types.js';
export { writeReport } from './write.js';
