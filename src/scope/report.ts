import type { EndedProcess, KillReport } from '../kill/types.js';

/** What a teardown did. */
export interface TeardownReport extends KillReport {
  /**
   * The ended processes that were leaks: everything the code under test had not ended itself,
   * except members of a spawn whose leader was still running, and processes kept or allowed.
   */
  leaks: EndedProcess[];
}

export const emptyReport = (): TeardownReport => ({ ended: [], survivors: [], kept: [], leaks: [], escalated: false, durationMs: 0, problems: [] });
