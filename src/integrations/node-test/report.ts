import { writeReport, type CurfewReport } from '../../report/index.js';
import { ReportCollector } from '../shared/report-collector.js';
import { ReportParts, runnerIdentity } from '../shared/report-parts.js';
import type { NormalizedIntegrationOptions } from '../shared/options.js';

/**
 * The report of a node:test run. `node --test` runs each file in a process of its own and does
 * not load `--import` modules itself: each file's process writes its part and merges the run's
 * parts into the report file, so the last one to end leaves the whole run's report there. A file
 * run without `--test` (or with `--test-isolation=none`) is the whole run: it writes the file.
 */
export function nodeTestCollector(options: NormalizedIntegrationOptions, env: NodeJS.ProcessEnv = process.env): ReportCollector {
  const { onLeak, report } = options;
  const runner = env.NODE_TEST_CONTEXT?.startsWith('child') ? runnerIdentity(process.ppid) : undefined;
  const write = (path: string, written: CurfewReport): string => {
    if (!runner) return writeReport(path, written);
    const parts = new ReportParts(path, runner);
    parts.write(process.argv[1] ?? String(process.pid), written);
    parts.removeStale();
    return parts.merge('node-test', onLeak);
  };
  const shard = shardOf(process.execArgv);
  return new ReportCollector({ runner: 'node-test', onLeak, ...(report ? { report } : {}), ...(shard ? { shard } : {}), write });
}

/** `--test-shard=1/3`, which the runner passes on to each file's process, as the report's shard. */
export function shardOf(execArgv: readonly string[]): string | undefined {
  for (const [i, arg] of execArgv.entries()) {
    const value = arg === '--test-shard' ? execArgv[i + 1] : arg.startsWith('--test-shard=') ? arg.slice('--test-shard='.length) : undefined;
    if (value && /^\d+\/\d+$/.test(value)) return value;
  }
  return undefined;
}
