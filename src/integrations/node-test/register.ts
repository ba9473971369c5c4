// `node --test --import curfew/node-test`: Node imports this in every test file's process (each
// file runs in a child process of its own), before the file. Options come from the environment
// (CURFEW_ON_LEAK, CURFEW_SETTLE, CURFEW_GRACE, CURFEW_SIGNALS, CURFEW_REPORT), which the children inherit.
import { optionsFromEnv } from '../shared/env-options.js';
import { nodeTestRole } from './role.js';
import { NodeTestSession, type ContextLike } from './session.js';

// Imported twice in one process (a second `--import`, or a test that imports it), it does it once.
const KEY = Symbol.for('curfew.node-test.session.v1');

interface HookContext extends ContextLike {
  after?(fn: (context: ContextLike) => unknown, options?: { timeout?: number }): void;
}

function register(): void {
  const holder = globalThis as unknown as Record<symbol, NodeTestSession | undefined>;
  if (holder[KEY]) return;
  // Only where test files run: not in the runner that spawns them, nor in what a test starts.
  if (nodeTestRole() !== 'test-files') return;
  // Taken here, not imported: a process that has no tests does not load node:test for nothing.
  const { afterEach, before, beforeEach } = process.getBuiltinModule('node:test') as typeof import('node:test');
  const session = new NodeTestSession(optionsFromEnv());
  holder[KEY] = session;
  session.openFile();

  // In a test file's process the root test has started before this module loads, so Node runs
  // a root `before` hook at once: it hands over the root's context.
  let root: HookContext | undefined;
  before((context: HookContext) => {
    root = context;
  });

  // First of the root's beforeEach hooks (registered before the file's own): the test's unit
  // opens before any of them runs.
  let registered = false;
  beforeEach((context: HookContext) => {
    if (!registered && root) {
      // The file's top level has run by now: an `after` hook added to the root comes after the
      // file's own, so the file's unit ends last.
      registered = true;
      const fileContext = root;
      fileContext.after!(() => session.endFile(fileContext), { timeout: session.hookTimeout });
    }
    session.beginTest(context);
  });

  // A test that started nothing ends here, without a promise. Else its unit ends in the test's
  // last `after` hook, which Node runs after every afterEach hook and after the `t.after()`
  // callbacks the test added (a server it stops there is no leak), also for a failed or
  // timed-out test; added now, when the test has added its own. One that throws fails the test
  // without skipping the file's hooks. (A test whose earlier afterEach hook threw never gets
  // here: the next test's start, or the file's end, ends its unit.)
  afterEach((context: HookContext) => {
    if (!session.endTestIfIdle(context)) context.after!(() => session.endTest(context), { timeout: session.hookTimeout });
  });

  // Last, whatever ended the file (a test may call process.exit): its report part, synchronously.
  process.once('exit', () => {
    try {
      session.finishReport();
    } catch (error) {
      process.stderr.write(`curfew: could not write the report: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  });

  // A file without tests never runs the root's `before` hook: the file's unit ends before exit.
  process.once('beforeExit', () => {
    if (registered) return;
    void session.endFile(undefined).catch((error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    });
  });
}

register();
