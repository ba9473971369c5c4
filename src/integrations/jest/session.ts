import { appendFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Circus } from '@jest/types';
import { TOKEN_ENV } from '../../scope/token.js';
import { formatLeakBlock, formatProcesses, painter, subjects, titles } from '../shared/format.js';
import { leakError as sharedLeakError, type LeakList } from '../shared/leaks.js';
import { normalizeIntegrationOptions, type NormalizedIntegrationOptions } from '../shared/options.js';
import { Unit } from '../shared/unit.js';
import channel from './channel.cjs';

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

/** Copies the token into the test file's own `process.env`, a copy Jest took when the file started. */
export type MirrorToken = (name: string, value: string | undefined) => void;

// `describe > test`, without Jest's root block.
function leakError(subject: string, leaks: LeakList): Error {
  return sharedLeakError(subject, leaks, formatProcesses(leaks));
}

// "Test suite failed to run" prints the message and then the stack (Jest 30) or only the stack
// (Jest 29): the list goes in the stack alone, so that it shows once in both.
function suiteLeakError(subject: string, leaks: LeakList): Error {
  const error = leakError(subject, leaks);
  error.message = error.message.slice(0, error.message.indexOf('\n'));
  return error;
}

function pathOf(entry: Circus.TestEntry | Circus.DescribeBlock): string {
  const names = [entry.name];
  for (let block = entry.parent; block?.parent; block = block.parent) names.unshift(block.name);
  return names.join(' > ');
}

/**
 * One test file's units, driven by jest-circus events: the file's opens when the environment is
 * set up, a describe block's at its start, a test's at its start (before beforeEach hooks). They
 * end at `test_done` (after the afterEach hooks) and `run_describe_finish` (after afterAll).
 * Jest awaits each event, so teardown finishes before the next test starts.
 */
export class JestSession {
  readonly #options: NormalizedIntegrationOptions;
  readonly #file: string;
  readonly #label: string;
  readonly #mirror: MirrorToken;
  readonly #units = new Map<object, Unit>();
  #fileUnit: Unit | undefined;

  constructor(options: unknown, testPath: string, rootDir: string, mirror: MirrorToken) {
    this.#options = normalizeIntegrationOptions(options ?? {});
    this.#file = testPath;
    this.#label = relative(rootDir, testPath) || testPath;
    this.#mirror = mirror;
  }

  start(): void {
    this.#fileUnit = new Unit(this.#options).enter();
    this.#sync();
  }

  async handle(event: Circus.AsyncEvent, state: Circus.State): Promise<void> {
    switch (event.name) {
      case 'run_describe_start':
        if (event.describeBlock.parent) this.#open(event.describeBlock);
        return;
      case 'test_start':
        // Concurrent tests share process.env: their describe block's (or file's) unit holds them.
        if (!event.test.concurrent) this.#open(event.test);
        return;
      case 'test_skip':
      case 'test_todo':
        await this.#end(event.test);
        return;
      case 'test_done': {
        const leaks = await this.#end(event.test);
        // Pushed, never thrown: a throw here would fail the whole file instead of this test.
        if (leaks && this.#report('tests', titles.test(this.#label, pathOf(event.test)), leaks)) event.test.errors.push(leakError(subjects.test, leaks));
        return;
      }
      case 'run_describe_finish': {
        const block = event.describeBlock;
        if (!block.parent) return this.#finishFile(state);
        const leaks = await this.#end(block);
        if (leaks && this.#report('suites', titles.suite(this.#label, pathOf(block)), leaks)) state.unhandledErrors.push(suiteLeakError(subjects.suite(block.name), leaks));
        return;
      }
      default:
    }
  }

  /** Ends what is still open (a file that failed before its tests ran, say) and restores the environment. */
  async finish(): Promise<void> {
    for (const unit of [...this.#units.values()].reverse()) await unit.end();
    this.#units.clear();
    await this.#finishFile(undefined);
  }

  // After the file's afterAll hooks (the root block's finish), or at teardown if it never ran.
  async #finishFile(state: Circus.State | undefined): Promise<void> {
    const unit = this.#fileUnit;
    this.#fileUnit = undefined;
    const leaks = await unit?.end();
    this.#sync();
    if (leaks && this.#report('files', titles.file(this.#label), leaks)) state?.unhandledErrors.push(suiteLeakError(subjects.file, leaks));
  }

  #open(key: object): void {
    this.#units.set(key, new Unit(this.#options).enter());
    this.#sync();
  }

  async #end(key: object): Promise<LeakList | undefined> {
    const unit = this.#units.get(key);
    this.#units.delete(key);
    const leaks = !unit || unit.endIfIdle() ? undefined : await unit.end();
    this.#sync();
    return leaks;
  }

  #sync(): void {
    this.#mirror(TOKEN_ENV, process.env[TOKEN_ENV]);
  }

  /** Hands the leak to the reporter (or prints it, without one); true when the test must fail. */
  #report(kind: UnitKind, title: string, leaks: LeakList): boolean {
    const { onLeak } = this.#options;
    if (onLeak === 'ignore') return false;
    if (!this.#send({ file: this.#file, title, kind, leaks })) process.stderr.write(formatLeakBlock(title, leaks, painter(process.stderr.isTTY === true && !process.env.NO_COLOR)));
    return onLeak === 'fail';
  }

  // To the reporter's directory, if there is one; false when there is none (or it is gone).
  #send(line: LeakLine): boolean {
    const dir = process.env[channel.LEAKS_DIR_ENV];
    if (!dir) return false;
    try {
      appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(line)}\n`);
      return true;
    } catch {
      return false;
    }
  }
}
