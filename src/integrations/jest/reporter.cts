// CommonJS, like the environment: Jest requires reporters, and this constructor must name the
// leak directory before Jest forks its workers.
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import channel = require('./channel.cjs');
import type { LeakTally } from '../shared/format.js';
import type { LeakLine } from './session.js';

const { LEAKS_DIR_ENV } = channel;

/**
 * `reporters: ['default', 'curfew/jest-reporter']`: prints every test, describe block and file
 * that left processes running after its test file's result, and one line at the end of the run.
 * Needs `testEnvironment: 'curfew/jest-environment'`, which finds the leaks.
 */
class CurfewJestReporter {
  readonly #dir: string;
  readonly #watch: boolean;
  readonly #previous: string | undefined;
  readonly #offsets = new Map<string, number>();
  #pending: LeakLine[] = [];
  #tally: LeakTally = { tests: 0, suites: 0, files: 0, processes: 0, alive: 0 };

  constructor(globalConfig: { watch?: boolean; watchAll?: boolean }) {
    this.#dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curfew-jest-'));
    this.#previous = process.env[LEAKS_DIR_ENV];
    process.env[LEAKS_DIR_ENV] = this.#dir;
    // In watch mode the workers forked now keep this path across runs: it stays until exit.
    this.#watch = globalConfig.watch === true || globalConfig.watchAll === true;
    if (this.#watch) process.once('exit', () => this.#remove());
  }

  // Again for each run: in band, the variable is put back after every run (see onRunComplete).
  onRunStart(): void {
    process.env[LEAKS_DIR_ENV] = this.#dir;
  }

  async onTestFileResult(test: unknown, result: { testFilePath: string }): Promise<void> {
    await this.#print((line) => line.file === result.testFilePath);
  }

  async onRunComplete(): Promise<void> {
    await this.#print(() => true);
    const { formatSummary, painter } = await import('../shared/format.js');
    const summary = formatSummary(this.#tally, painter(this.#color()));
    if (summary) process.stderr.write(`\n${summary}`);
    this.#tally = { tests: 0, suites: 0, files: 0, processes: 0, alive: 0 };
    // An in-band run without this reporter later in the same process must not write here.
    if (this.#previous === undefined) delete process.env[LEAKS_DIR_ENV];
    else process.env[LEAKS_DIR_ENV] = this.#previous;
    if (!this.#watch) this.#remove();
  }

  #remove(): void {
    fs.rmSync(this.#dir, { recursive: true, force: true });
  }

  // Reads what the environments appended since the last look; prints the lines that match.
  async #print(matches: (line: LeakLine) => boolean): Promise<void> {
    this.#read();
    const now = this.#pending.filter(matches);
    if (now.length === 0) return;
    this.#pending = this.#pending.filter((line) => !matches(line));
    const { countLeaks, formatLeakBlock, painter } = await import('../shared/format.js');
    const paint = painter(this.#color());
    for (const line of now) countLeaks(this.#tally, line.kind, line.leaks);
    process.stderr.write(`\n${now.map((line) => formatLeakBlock(line.title, line.leaks, paint)).join('')}`);
  }

  #read(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.#dir);
    } catch {
      return;
    }
    for (const name of names) {
      const text = fs.readFileSync(path.join(this.#dir, name), 'utf8');
      const from = this.#offsets.get(name) ?? 0;
      const end = text.lastIndexOf('\n') + 1;
      if (end <= from) continue;
      this.#offsets.set(name, end);
      for (const line of text.slice(from, end).split('\n')) if (line) this.#pending.push(JSON.parse(line) as LeakLine);
    }
  }

  #color(): boolean {
    return process.stderr.isTTY === true && !process.env.NO_COLOR;
  }
}

export = CurfewJestReporter;
