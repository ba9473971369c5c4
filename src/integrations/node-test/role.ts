import { isMainThread } from '../../main-thread.js';

// `--import curfew/node-test` (or NODE_OPTIONS) reaches more than the test files: every Node
// process a test file forks (fork passes execArgv, NODE_OPTIONS is inherited) and every worker
// thread (execArgv again), all with the NODE_TEST_CONTEXT that node:test gave the file. Hooking
// node:test there would start a test harness in a program that has no tests: it writes its events
// to that program's stdout and takes its uncaught errors for test failures (seen in pino's suite).
// So the runner marks the processes it starts: it puts its pid in this variable, which a file it
// spawns inherits and a file's own children inherit with another value.
const RUNNER_ENV = 'CURFEW_NODE_TEST_RUNNER';
/** What a test file (or a runner that runs files in-process) leaves to its own children: no process's parent. */
const NOT_A_RUNNER = 'none';

/** What this process is to node:test. */
export type Role = 'test-files' | 'runner' | 'other';

function runnerFlags(): { runner: boolean; inProcess: boolean } {
  const argv = process.execArgv;
  return {
    runner: argv.includes('--test'),
    inProcess: argv.some((a) => /^--(experimental-)?test-isolation=none$/.test(a)),
  };
}

/**
 * Decides, once per process, whether its tests get scopes, and marks what it starts accordingly.
 * 'test-files': a file's process under `node --test`, a runner that runs its files in-process, a
 * file run directly (`node --import curfew/node-test file.test.js`), or one started by another
 * runner on node:test's run() (which loads nothing of ours, so leaves no mark). 'runner':
 * `node --test` starting each file in a process of its own. 'other': a worker thread, or a
 * process that a test file started (it inherited the file's mark).
 */
export function nodeTestRole(): Role {
  if (!isMainThread()) return 'other';
  const { runner, inProcess } = runnerFlags();
  const mark = process.env[RUNNER_ENV];
  let role: Role;
  if (runner) role = inProcess ? 'test-files' : 'runner';
  else if (mark !== undefined) role = mark === String(process.ppid) ? 'test-files' : 'other';
  else role = 'test-files';
  process.env[RUNNER_ENV] = role === 'runner' ? String(process.pid) : NOT_A_RUNNER;
  return role;
}
