import { getNative } from '../native/index.js';
import { osSignal, SIGKILL } from '../options.js';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

// Ctrl-C reaches only our group once the command has its own session, so forwarding is our job;
// each forwarded signal escalates to SIGKILL after the grace period, and a second Ctrl-C kills now.
// Installed before the command starts: a signal that arrived between the spawn and the handlers
// would otherwise kill the supervisor and orphan the command.
export function forwardSignals(command: () => number | undefined, grace: number, stderr: NodeJS.WritableStream): () => void {
  const native = getNative();
  let timer: NodeJS.Timeout | undefined;
  let interrupts = 0;
  const killGroup = (signal: number) => {
    const pid = command();
    if (pid) native.signalGroup(pid, signal);
  };
  const handlers = FORWARDED.map((name) => {
    const handler = () => {
      if (name === 'SIGINT' && ++interrupts > 1) return void killGroup(SIGKILL);
      killGroup(osSignal(name) ?? 0);
      killGroup(osSignal('SIGCONT') ?? 0);
      if (name === 'SIGINT') stderr.write(`curfew: sent SIGINT to the command; SIGKILL follows in ${grace} ms, or at once on a second Ctrl-C\n`);
      timer ??= setTimeout(() => killGroup(SIGKILL), grace).unref();
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return () => {
    clearTimeout(timer);
    for (const [name, handler] of handlers) process.off(name, handler);
  };
}

/** What Ctrl-C (SIGINT, SIGTERM, SIGHUP) asked for while leaks were being ended. */
export interface Interrupts {
  /** The first signal: the cleanup goes on, and curfew then exits 128 + its number. */
  signal?: NodeJS.Signals;
  /** A second one: skip the grace period, SIGKILL now. Never abandon. */
  hurry: boolean;
}

// Once the command has exited, a Ctrl-C must not kill curfew halfway through ending what the
// command left (the leak would live on, unreported): it is noted, and a second one hurries.
export function guardCleanup(stderr: NodeJS.WritableStream): { interrupts: Interrupts; stop: () => void } {
  const interrupts: Interrupts = { hurry: false };
  const handlers = FORWARDED.map((name) => {
    const handler = () => {
      if (interrupts.signal === undefined) {
        interrupts.signal = name;
        stderr.write(`curfew: ${name}: still ending what the command left; again to hurry (SIGKILL at once)\n`);
      } else if (!interrupts.hurry) {
        interrupts.hurry = true;
        stderr.write(`curfew: ${name} again: SIGKILL now\n`);
      }
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return { interrupts, stop: () => handlers.forEach(([name, handler]) => process.off(name, handler)) };
}
