import { WatchdogClient } from '../watchdog/client.js';
import type { Registry, WatchdogLink } from './types.js';

/** The thread's watchdog, created on first need. */
export function watchdogFor(registry: Registry): WatchdogLink {
  registry.watchdog ??= new WatchdogClient({ onStart: (sidecar) => registry.subreaper.known.forget(sidecar) });
  return registry.watchdog;
}
