// The parts of Mocha (10 and 11) the plugin touches, so that curfew needs no Mocha types to build.

export interface TestLike {
  title: string;
  file?: string;
  state?: 'passed' | 'failed' | 'pending';
  titlePath(): string[];
}

/** `this` in a hook: the test it runs for (an each-hook's), and its own timeout. */
export interface HookContext {
  currentTest?: TestLike;
  timeout(ms: number): void;
}

export interface SuiteLike {
  title: string;
  file?: string;
  root: boolean;
  suites: SuiteLike[];
  tests?: TestLike[];
  titlePath(): string[];
  afterAll(title: string, fn: (this: HookContext) => unknown): unknown;
  afterEach(title: string, fn: (this: HookContext) => unknown): unknown;
}

export interface RunnerLike {
  suite: SuiteLike;
  once(event: 'start', listener: () => void): unknown;
  on(event: 'suite', listener: (suite: SuiteLike) => void): unknown;
  on(event: 'test', listener: (test: TestLike) => void): unknown;
  /** Fails a test (or hook) with an error; Mocha's own way to report an error after a test's end. */
  fail(test: TestLike, error: Error): void;
}

/** `Mocha.Runner` and `Mocha` as the plugin patches them. */
export interface RunnerClass {
  prototype: { run(this: RunnerLike, ...args: unknown[]): unknown };
}

/** A Mocha instance: a --parallel worker's has `isWorker`; the main process's options say whether it runs in parallel. */
export interface MochaInstance {
  isWorker?: boolean;
  options?: { parallel?: boolean; isWorker?: boolean };
}

export interface MochaClass {
  prototype: { run(this: MochaInstance, ...args: unknown[]): unknown; loadFiles?(...args: unknown[]): unknown; loadFilesAsync?(...args: unknown[]): unknown };
}
