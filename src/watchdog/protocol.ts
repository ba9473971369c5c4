// The owner tells its watchdog what to end, one line per change; nothing ever flows back, so the
// spawn path never waits on the sidecar.
//   G <pgid> <leaderStart> <sinceTicks> <graceMs> <cgroup|->   a group was registered
//   g <pgid>                                                   it was ended, or its scope took over
//   T <scopeId> <sinceTicks>                                   carriers of this scope id are ours
//   t <scopeId>                                                that scope closed
//   H <pid> <startTicks> <settleMs>                            a process left running for its owner
//   h <pid> <startTicks>                                       no longer (it is gone)
//   L <pid> <startTicks>                                       in the ledger: a child started in a
//                                                              scope, or an orphan the owner adopted
//   l <pid> <startTicks>                                       no longer (it is gone)

export interface WatchedGroup {
  pgid: number;
  leaderStart: number;
  sinceTicks: number;
  graceMs: number;
  cgroup: string | undefined;
}

/** A process named by identity: its pid and start time (clock ticks since boot). */
export interface Identity {
  pid: number;
  startTicks: number;
}

/** A process left running for its owner (held by live code, kept): ended if it outlives us. */
export interface HeldProcess extends Identity {
  /** It may exit by itself once our death closes its pipes: it gets this long first. */
  settleMs: number;
}

export interface WatchState {
  groups: Map<number, WatchedGroup>;
  tokens: Map<string, number>;
  held: Map<string, HeldProcess>;
  /**
   * Processes the owner adopted as a child subreaper or started in a scope, by identity: when it
   * dies they lose the parent (and, with a scrubbed or rewritten environment, the token) by
   * which they could be told ours, so the watchdog keeps their names.
   */
  ledger: Map<string, Identity>;
}

export const identityKey = (p: Identity): string => `${p.pid}:${p.startTicks}`;

export const encodeGroup = (g: WatchedGroup): string => `G ${g.pgid} ${g.leaderStart} ${g.sinceTicks} ${g.graceMs} ${g.cgroup ?? '-'}\n`;
export const encodeUnwatchGroup = (pgid: number): string => `g ${pgid}\n`;
export const encodeToken = (id: string, sinceTicks: number): string => `T ${id} ${sinceTicks}\n`;
export const encodeTokenClosed = (id: string): string => `t ${id}\n`;
export const encodeHeld = (h: HeldProcess): string => `H ${h.pid} ${h.startTicks} ${h.settleMs}\n`;
export const encodeHeldGone = (p: Identity): string => `h ${p.pid} ${p.startTicks}\n`;
export const encodeLedger = (p: Identity): string => `L ${p.pid} ${p.startTicks}\n`;
export const encodeLedgerGone = (p: Identity): string => `l ${p.pid} ${p.startTicks}\n`;

/** Everything registered, as lines: what a new sidecar is told when it replaces one that died. */
export function encodeState(s: WatchState): string {
  return [
    ...[...s.tokens].map(([id, since]) => encodeToken(id, since)),
    ...[...s.groups.values()].map(encodeGroup),
    ...[...s.held.values()].map(encodeHeld),
    ...[...s.ledger.values()].map(encodeLedger),
  ].join('');
}

export function newWatchState(): WatchState {
  return { groups: new Map(), tokens: new Map(), held: new Map(), ledger: new Map() };
}

/** Applies one line; unknown lines are ignored so an older sidecar never crashes on a newer owner. */
export function applyLine(state: WatchState, line: string): void {
  const [kind, a, b, c, d, e] = line.trim().split(' ');
  if (kind === 'G' && a) state.groups.set(Number(a), { pgid: Number(a), leaderStart: Number(b), sinceTicks: Number(c), graceMs: Number(d), cgroup: e && e !== '-' ? e : undefined });
  else if (kind === 'g' && a) state.groups.delete(Number(a));
  else if (kind === 'T' && a) state.tokens.set(a, Number(b));
  else if (kind === 't' && a) state.tokens.delete(a);
  else if (kind === 'H' && a) state.held.set(`${a}:${b}`, { pid: Number(a), startTicks: Number(b), settleMs: Number(c) });
  else if (kind === 'h' && a) state.held.delete(`${a}:${b}`);
  else if (kind === 'L' && a) state.ledger.set(`${a}:${b}`, { pid: Number(a), startTicks: Number(b) });
  else if (kind === 'l' && a) state.ledger.delete(`${a}:${b}`);
}

export const isEmpty = (s: WatchState): boolean => s.groups.size === 0 && s.tokens.size === 0 && s.held.size === 0 && s.ledger.size === 0;
