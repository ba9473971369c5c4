// The owner tells its watchdog what to end, one line per change; nothing ever flows back, so the
// spawn path never waits on the sidecar.
//   G <pgid> <leaderStart> <sinceTicks> <graceMs> <cgroup|->   a group was registered
//   g <pgid>                                                   it was ended or released
//   T <scopeId> <sinceTicks>                                   carriers of this scope id are ours
//   t <scopeId>                                                that scope closed

export interface WatchedGroup {
  pgid: number;
  leaderStart: number;
  sinceTicks: number;
  graceMs: number;
  cgroup: string | undefined;
}

export interface WatchState {
  groups: Map<number, WatchedGroup>;
  tokens: Map<string, number>;
}

export const encodeGroup = (g: WatchedGroup): string => `G ${g.pgid} ${g.leaderStart} ${g.sinceTicks} ${g.graceMs} ${g.cgroup ?? '-'}\n`;
export const encodeRelease = (pgid: number): string => `g ${pgid}\n`;
export const encodeToken = (id: string, sinceTicks: number): string => `T ${id} ${sinceTicks}\n`;
export const encodeTokenClosed = (id: string): string => `t ${id}\n`;

export function newWatchState(): WatchState {
  return { groups: new Map(), tokens: new Map() };
}

/** Applies one line; unknown lines are ignored so an older sidecar never crashes on a newer owner. */
export function applyLine(state: WatchState, line: string): void {
  const [kind, a, b, c, d, e] = line.trim().split(' ');
  if (kind === 'G' && a) state.groups.set(Number(a), { pgid: Number(a), leaderStart: Number(b), sinceTicks: Number(c), graceMs: Number(d), cgroup: e && e !== '-' ? e : undefined });
  else if (kind === 'g' && a) state.groups.delete(Number(a));
  else if (kind === 'T' && a) state.tokens.set(a, Number(b));
  else if (kind === 't' && a) state.tokens.delete(a);
}

export const isEmpty = (s: WatchState): boolean => s.groups.size === 0 && s.tokens.size === 0;
