import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getProc, identity } from '../../proc/index.js';
import { newReport, readReport, writeReport, type CurfewReport } from '../../report/index.js';

/** How long a process waits for another's merge (a few milliseconds each) before it takes the lock anyway. */
const LOCK_WAIT_MS = 10_000;
const LOCK_POLL_MS = 5;

const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

// A synchronous wait: merges run in 'exit' handlers, where nothing asynchronous runs any more.
const pause = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

// The lock's owner (0 while it has not written its pid yet), or undefined when the lock is gone.
function readHolder(lock: string): number | undefined {
  try {
    return Number(readFileSync(lock, 'utf8')) || 0;
  } catch {
    return undefined;
  }
}

/** The runner process a run's parts belong to, as a pid that survives reuse (`pid:startTicks`), or undefined when it is gone. */
export function runnerIdentity(pid: number): string | undefined {
  const info = getProc().stat(pid);
  return info ? identity(info) : undefined;
}

/**
 * One report written by several processes of one run (node:test's file processes, Mocha's
 * --parallel workers): each writes its part, keyed by its test file, in a folder of the temporary
 * directory named after the report's path and the runner process (so a later run, or another
 * report, never mixes in); `merge()` combines the run's parts into the report file, under a lock,
 * so that the last process to merge writes every part there is.
 */
export class ReportParts {
  readonly #report: string;
  readonly #dir: string;
  readonly #prefix: string;

  constructor(report: string, runner: string) {
    this.#report = resolve(report);
    const uid = process.getuid?.() ?? 0;
    this.#prefix = `${hashOf(this.#report)}-`;
    this.#dir = join(tmpdir(), `curfew-report-parts-${uid}`, `${this.#prefix}${runner.replace(':', '-')}`);
  }

  get dir(): string {
    return this.#dir;
  }

  /** Writes (or, on a rerun of the file, replaces) the part for `key`, the test file. */
  write(key: string, report: CurfewReport): void {
    writeReport(join(this.#dir, `${hashOf(key)}.json`), report);
  }

  /** Combines every part written so far into the report file; returns its path. */
  merge(runner: string, onLeak: CurfewReport['onLeak']): string {
    mkdirSync(this.#dir, { recursive: true });
    const lock = this.#lock();
    try {
      const parts = readdirSync(this.#dir).filter((name) => name.endsWith('.json')).map((name) => readReport(join(this.#dir, name)));
      const entries = parts.flatMap((p) => p.entries).sort((a, b) => (a.file ?? '').localeCompare(b.file ?? ''));
      // The runner's shard (node:test's --test-shard) is the same in every part.
      const shard = parts.find((p) => p.shard)?.shard;
      return writeReport(this.#report, newReport(runner, { onLeak, entries, problems: parts.flatMap((p) => p.problems), ...(shard ? { shard } : {}) }));
    } finally {
      unlinkSync(lock);
    }
  }

  /** Removes this run's parts, and those of earlier runs (their runner gone) of the same report. */
  remove(): void {
    rmSync(this.#dir, { recursive: true, force: true });
    this.removeStale();
  }

  /** Parts left by runs whose runner process is gone (node:test's parts stay until the next run). */
  removeStale(): void {
    const parent = join(this.#dir, '..');
    let names: string[];
    try {
      names = readdirSync(parent);
    } catch {
      return;
    }
    for (const name of names) {
      const match = /^[0-9a-f]{16}-(\d+)-(\d+)$/.exec(name);
      if (!name.startsWith(this.#prefix) || !match || runnerIdentity(Number(match[1])) === `${match[1]}:${match[2]}`) continue;
      rmSync(join(parent, name), { recursive: true, force: true });
    }
  }

  // An exclusive lock file holding its owner's pid; one left by a process that died is taken over.
  #lock(): string {
    const lock = join(this.#dir, 'lock');
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const fd = openSync(lock, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return lock;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(lock);
      if (holder === undefined) continue;
      if (Date.now() > deadline || (holder > 0 && !getProc().stat(holder))) rmSync(lock, { force: true });
      else pause(LOCK_POLL_MS);
    }
  }
}
