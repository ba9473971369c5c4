import { CurfewError, ERROR_CODES } from '../../errors.js';
import { formatProcesses } from './format.js';
import type { LeakList, LeakRecord } from './leaks.js';

/**
 * The error a leaking test, suite or file fails with under `onLeak: 'fail'`; its `leaks` are the
 * records. `subject` names it ("the test", `describe "server" (…)`).
 */
export function leakError(subject: string, list: LeakList): CurfewError & { leaks: LeakRecord[] } {
  const count = list.processes.length;
  const message = `${subject} left ${count} process${count === 1 ? '' : 'es'} running (ended by curfew):\n${formatProcesses(list)}`;
  const error = Object.assign(new CurfewError(ERROR_CODES.LEAKED, message), { leaks: list.processes });
  // The frames would point into curfew, not at the test: the list is the useful part.
  error.stack = `${error.name}: ${message}`;
  return error;
}

export { subjects } from './format.js';
