import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newMarker } from '../../helpers/processes.js';

export const FIXTURE_PROJECTS = fileURLToPath(new URL('../fixtures/', import.meta.url));
const REPO_FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

/** How a test, suite or file ended, and which pids curfew reported as its leaks. */
export interface Outcome {
  state: string;
  errors: string[];
  leaked: number[];
}

/** A fixture project's run, in terms both frameworks share. Keys are `file > describe > test`. */
export interface FixtureRun {
  tests: Map<string, Outcome>;
  suites: Map<string, Outcome>;
  files: Map<string, Outcome>;
  /** Everything the run printed. */
  output: string;
  /** What each fixture test said it started (fixtures/helpers.cjs record()), by its label. */
  started: Map<string, number[]>;
  /** Every process a fixture started carries this marker. */
  marker: string;
}

export function leakedPids(leaks: { processes: { pid: number }[] } | undefined): number[] {
  return leaks?.processes.map((p) => p.pid) ?? [];
}

/**
 * Runs `body` with the variables the fixture tests read (fixtures/helpers.cjs): the marker their
 * processes carry and the file they record pids in. Workers (forks, threads, Jest's) inherit them.
 */
export async function withFixtureEnv<T extends Omit<FixtureRun, 'started' | 'marker'>>(body: () => Promise<T>): Promise<T & Pick<FixtureRun, 'started' | 'marker'>> {
  const dir = mkdtempSync(join(tmpdir(), 'curfew-it-'));
  const out = join(dir, 'started.jsonl');
  const marker = newMarker();
  const saved = { marker: process.env.CURFEW_IT_MARKER, out: process.env.CURFEW_IT_OUT, fixtures: process.env.CURFEW_IT_FIXTURES, done: process.env.CURFEW_IT_DONE, exitCode: process.exitCode };
  // CURFEW_IT_DONE: a file one fixture test writes when it is over, for another to wait on.
  Object.assign(process.env, { CURFEW_IT_MARKER: marker, CURFEW_IT_OUT: out, CURFEW_IT_FIXTURES: REPO_FIXTURES, CURFEW_IT_DONE: join(dir, 'done') });
  try {
    const result = await body();
    const started = new Map<string, number[]>();
    if (existsSync(out)) {
      for (const line of readFileSync(out, 'utf8').split('\n').filter(Boolean)) {
        const { test, pids } = JSON.parse(line) as { test: string; pids: number[] };
        started.set(test, [...(started.get(test) ?? []), ...pids]);
      }
    }
    return { ...result, started, marker };
  } finally {
    restore('CURFEW_IT_MARKER', saved.marker);
    restore('CURFEW_IT_OUT', saved.out);
    restore('CURFEW_IT_FIXTURES', saved.fixtures);
    restore('CURFEW_IT_DONE', saved.done);
    // A nested run sets process.exitCode when its tests fail; this run's outcome is ours to judge.
    process.exitCode = saved.exitCode;
    rmSync(dir, { recursive: true, force: true });
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Every pid any fixture test recorded. */
export function allStarted(run: FixtureRun): number[] {
  return [...run.started.values()].flat();
}

const BLOCK = /^curfew: (.+) left (\d+) process(?:es)? running:$/;

/** The leaks the run printed (the reporter's blocks), by title: `file > test`, or a suite's or file's title. */
export function reportedLeaks(output: string): Map<string, number[]> {
  const reported = new Map<string, number[]>();
  let current: number[] | undefined;
  for (const line of output.split('\n')) {
    const head = BLOCK.exec(line);
    if (head) reported.set(head[1], (current = []));
    else if (current && /^ {2}\d+ /.test(line)) current.push(Number(line.trim().split(' ')[0]));
    // A process's detail lines (where it listened, where it was spawned) are indented further.
    else if (!(current && /^ {6}\S/.test(line))) current = undefined;
  }
  return reported;
}

/**
 * A copy of the fixture projects in a temporary folder with curfew "installed" next to them
 * (node_modules/curfew links to the flavor's package), so that a config file can name
 * `curfew/vitest` or `curfew/jest-environment` as a user's would. Returns the project's folder.
 */
export function installProject(framework: 'vitest' | 'jest' | 'node-test' | 'mocha' | 'playwright', project: string, curfewDir: string, alsoLink: { from: string; names: string[] } = { from: '', names: [] }): { dir: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'curfew-project-'));
  cpSync(FIXTURE_PROJECTS, join(root, 'fixtures'), { recursive: true });
  mkdirSync(join(root, 'fixtures', 'node_modules'));
  symlinkSync(curfewDir, join(root, 'fixtures', 'node_modules', 'curfew'), 'dir');
  // Packages the project's own files import (a config importing @playwright/test), from the flavor's node_modules.
  for (const name of alsoLink.names) symlinkSync(join(alsoLink.from, name), join(root, 'fixtures', 'node_modules', name), 'dir');
  return { dir: join(root, 'fixtures', framework, project), remove: () => rmSync(root, { recursive: true, force: true }) };
}
