import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LeakList } from '../shared/leaks.js';
import type { NormalizedIntegrationOptions } from '../shared/options.js';
import channel from './channel.cjs';
import { printUnreported } from './unreported.js';

export type UnitKind = 'tests' | 'suites' | 'files';

/** One line of the leak channel (see channel.cts). */
export interface LeakLine {
  /** The test file's absolute path, as in Jest's results. */
  file: string;
  /** What left them, e.g. `leak.test.js > server > answers`. */
  title: string;
  kind: UnitKind;
  leaks: LeakList;
}

/** Hands a unit's leak to the reporter (or prints it, without one); true when the unit must fail. */
export function handOver(line: LeakLine, options: NormalizedIntegrationOptions): boolean {
  const { onLeak } = options;
  if (onLeak === 'ignore') return false;
  if (!send(line)) printUnreported(line.kind, line.title, line.file, line.leaks, options);
  return onLeak === 'fail';
}

// To the reporter's directory, if there is one; false when there is none (or it is gone).
function send(line: LeakLine): boolean {
  const dir = process.env[channel.LEAKS_DIR_ENV];
  if (!dir) return false;
  try {
    appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(line)}\n`);
    return true;
  } catch {
    return false;
  }
}
