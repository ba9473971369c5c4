import { relative } from 'node:path';
import { formatGithubAnnotations, isGithubActions } from '../../report/github.js';
import { formatLeakBlock, painter } from '../shared/format.js';
import type { LeakList } from '../shared/leaks.js';
import type { NormalizedIntegrationOptions } from '../shared/options.js';

const KIND = { tests: 'test', suites: 'suite', files: 'file' } as const;
const WARNED = Symbol.for('curfew.jest.report-warned');

/**
 * A leak with no reporter to hand it to (`curfew/jest-reporter` is not configured): printed
 * here, and, since nothing collects the run's leaks, annotated one by one on GitHub Actions.
 */
export function printUnreported(kind: keyof typeof KIND, title: string, file: string, leaks: LeakList, options: NormalizedIntegrationOptions): void {
  process.stderr.write(formatLeakBlock(title, leaks, painter(process.stderr.isTTY === true && !process.env.NO_COLOR)));
  if (isGithubActions()) process.stdout.write(formatGithubAnnotations([{ kind: KIND[kind], title, file: relative(process.cwd(), file), processes: leaks.processes, problems: leaks.problems }], options.onLeak === 'fail' ? 'error' : 'warning'));
  const holder = globalThis as unknown as Record<symbol, boolean>;
  if (!options.report || holder[WARNED]) return;
  holder[WARNED] = true;
  process.stderr.write(`curfew: testEnvironmentOptions.curfew.report is written by the reporter: add reporters: ['default', 'curfew/jest-reporter']\n`);
}
