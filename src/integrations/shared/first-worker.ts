import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/**
 * Calls `fn` once, just after a runner's main process starts its first worker (a thread or a
 * child process): the process then waits tens of milliseconds for the worker to boot, time in
 * which work it needs later costs the run nothing.
 */
export function afterFirstWorkerStarts(fn: () => void): void {
  const started = (): void => {
    process.off('worker', started);
    unsubscribe('child_process', started);
    // After the spawn that announced it: the worker boots meanwhile.
    setImmediate(fn);
  };
  process.on('worker', started);
  subscribe('child_process', started);
}
