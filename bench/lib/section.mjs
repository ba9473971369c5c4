// The harness every section runs in: one child process per section (so no section inherits
// another's subreaper or registry), a sweep of everything it started in `finally`, and the
// result sent to the entry point (or printed when the section file is run alone).
import os from 'node:os';
import { baseMarker, cmdline, identify, readStat, sweep } from './procs.mjs';

const tracked = [];

/** Remembers processes to end at the latest when the section ends; the entry point hears too. */
export function track(ids) {
  tracked.push(...ids);
  if (ids.length > 0) process.send?.({ type: 'track', ids });
}

/** Identities of reported pids (the ones already gone are dropped), tracked for the sweep. */
export function trackPids(pids) {
  const ids = pids.map(identify).filter(Boolean);
  track(ids);
  return ids;
}

// curfew's crash watchdog of this very process is not a leftover: it ends when we exit (and the
// entry point's final sweep would catch it if it did not).
function ownSidecar(id) {
  // (It names itself `curfew-watchdog`, over its command line, once it has started.)
  if (readStat(id.pid)?.ppid !== process.pid) return false;
  const cmd = cmdline(id.pid);
  return cmd.includes('/watchdog/sidecar.js') || cmd.startsWith('curfew-watchdog');
}

/** Progress to stderr, so stdout stays for results. */
export function log(message) {
  process.stderr.write(`  ${message}\n`);
}

/**
 * Runs a section: `run()` resolves to `{ id, title, markdown }`. Whatever happens, everything
 * the section started is ended before the process exits.
 */
export async function runSection(run) {
  const marker = baseMarker();
  const loadBefore = os.loadavg()[0];
  const started = performance.now();
  let result;
  let error;
  try {
    result = await run();
    result.seconds = (performance.now() - started) / 1000;
  } catch (caught) {
    error = caught instanceof Error ? caught.stack : String(caught);
  } finally {
    const left = await sweep(tracked, marker, { prefix: true, keep: ownSidecar });
    if (left.length > 0) log(`section sweep ended ${left.length} leftover process(es): ${left.join(' ')}`);
  }
  if (process.send) {
    await new Promise((resolve) => process.send({ type: 'result', result, error }, resolve));
  } else {
    // Alone, the section says what the entry point would say under its table.
    if (result) process.stdout.write(`${result.markdown}\n\n_Section time ${result.seconds.toFixed(0)} s; 1-minute load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after._\n`);
    if (error) process.stderr.write(`${error}\n`);
  }
  // execa promises of killed trees, the subreaper's SIGCHLD listener, a worker: none may keep us.
  process.exit(error ? 1 : 0);
}
