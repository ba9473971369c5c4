import { describe, expect, it } from 'vitest';
// Internal module: the kernel's fork ordering (a pid is handed out before its process shows in
// /proc) cannot be paused from user space, so the scan's answer to it is tested on a scripted
// process table. The end-to-end cover is the load test's respawners.
import { findMembers, newFindContext } from '../../dist/kill/find.js';

const TOKEN = 'scope1';
const self = { pid: 5000, pgid: 5000, sid: 5000 };

interface Row { pid: number; ppid: number; pgid: number; token: boolean; environ?: string }

/** A process table whose pid counter can run ahead of what /proc shows, as during a fork. */
function scriptedTable() {
  const rows = new Map<number, Row>();
  let last = 6000;
  const info = (r: Row) => ({ pid: r.pid, ppid: r.ppid, pgid: r.pgid, sid: r.pgid, state: 'S', threads: 1, startTicks: r.pid, comm: 'perl' });
  const proc = {
    stat: (pid: number) => (rows.has(pid) ? info(rows.get(pid)!) : null),
    list: () => [...rows.values()].map(info),
    children: (pid: number) => [...rows.values()].filter((r) => r.ppid === pid).map((r) => r.pid),
    childrenOfTask: () => [],
    isProcess: () => true,
    environ: (pid: number) => {
      const row = rows.get(pid);
      return !row ? null : (row.environ ?? (row.token ? `CURFEW_TOKEN=${TOKEN}\0` : 'PATH=/bin\0'));
    },
    cmdline: () => 'perl',
    lastPid: () => last,
    nowTicks: () => 1_000_000,
  };
  return {
    proc,
    /** fork() has taken a pid, but the process is not in /proc yet. */
    allocate: () => ++last,
    attach: (row: Row) => void rows.set(row.pid, row),
    exit: (pid: number) => void rows.delete(pid),
  };
}

describe('scans across polls', () => {
  it('finds a child forked while a poll ran, after its parent has gone (a respawner caught mid-fork)', () => {
    const t = scriptedTable();
    // The group's leader is gone; one member, a respawner, carries the token.
    t.attach({ pid: 6001, ppid: 1, pgid: 5900, token: true });
    t.allocate();
    const claim = { groups: [{ pgid: 5900, leaderStart: 5900 }], tokens: [TOKEN], sinceTicks: 0 };
    const ctx = newFindContext(t.proc, self);

    // The respawner gets SIGTERM and forks: its child's pid is taken before the first poll reads
    // the counter, and the child only shows in /proc after the poll has looked.
    const child = t.allocate();
    expect(findMembers(claim, ctx).members.map((m) => m.info.pid)).toEqual([6001]);
    t.attach({ pid: child, ppid: 1, pgid: 5900, token: true });
    t.exit(6001);

    // No new pid since the last poll and the kept member is gone: only a fresh look finds the child.
    expect(findMembers(claim, ctx).members.map((m) => m.info.pid)).toEqual([child]);
  });

  it('a poll that finds nothing new stays cheap while members remain', () => {
    const t = scriptedTable();
    t.attach({ pid: 6001, ppid: 1, pgid: 5900, token: true });
    const claim = { groups: [{ pgid: 5900, leaderStart: 5900 }], tokens: [TOKEN], sinceTicks: 0 };
    const ctx = newFindContext(t.proc, self);
    expect(findMembers(claim, ctx).members).toHaveLength(1);
    let listed = 0;
    const list = t.proc.list;
    t.proc.list = () => (listed++, list());
    expect(findMembers(claim, ctx).members).toHaveLength(1);
    expect(listed).toBe(0);
  });

  it('an orphan caught mid-exec (empty environment) is not judged until its environment shows', () => {
    const t = scriptedTable();
    const orphan = { pid: 7001, ppid: self.pid, pgid: 7001, token: false, environ: '' };
    t.attach(orphan);
    const seen: (string | null)[] = [];
    const claim = { groups: [], tokens: [TOKEN], sinceTicks: 0, claimOrphan: (_: unknown, environ: string | null) => (seen.push(environ), true) };
    const ctx = newFindContext(t.proc, self, { active: false, orphans: () => [orphan.pid] });
    const first = findMembers(claim, ctx);
    expect(first.members).toEqual([]);
    expect(first.uncertain).toBe(true);
    expect(seen).toEqual([]);

    orphan.environ = 'CURFEW_TOKEN=file\0';
    expect(findMembers(claim, ctx).members.map((m) => m.foundBy)).toEqual(['orphan']);
    expect(seen).toEqual(['CURFEW_TOKEN=file\0']);
  });

  it('an environment that stays empty (env -i) is believed once the exec window has passed', () => {
    const t = scriptedTable();
    t.attach({ pid: 7001, ppid: self.pid, pgid: 7001, token: false, environ: '' });
    const seen: (string | null)[] = [];
    const claim = { groups: [], tokens: [TOKEN], sinceTicks: 0, claimOrphan: (_: unknown, environ: string | null) => (seen.push(environ), true) };
    const ctx = newFindContext(t.proc, self, { active: false, orphans: () => [7001] });
    // First seen empty long enough ago (the window is 100 ms).
    ctx.emptySince!.set('7001:7001', performance.now() - 1000);
    const snap = findMembers(claim, ctx);
    expect(snap.members.map((m) => m.foundBy)).toEqual(['orphan']);
    expect(snap.uncertain).toBe(false);
    expect(seen).toEqual(['']);
  });

  it('a token process caught mid-exec is asked again by the next incremental poll', () => {
    const t = scriptedTable();
    t.attach({ pid: 6001, ppid: 1, pgid: 5900, token: true });
    const execing = { pid: 6002, ppid: 1, pgid: 6002, token: true, environ: '' as string | undefined };
    t.attach(execing);
    const claim = { groups: [{ pgid: 5900, leaderStart: 5900 }], tokens: [TOKEN], sinceTicks: 0 };
    const ctx = newFindContext(t.proc, self);
    const first = findMembers(claim, ctx);
    expect(first.members.map((m) => m.info.pid)).toEqual([6001]);
    expect(first.uncertain).toBe(true);
    execing.environ = undefined;
    // Incremental (the member is still there), yet the mid-exec process is probed and found.
    expect(findMembers(claim, ctx).members.map((m) => m.info.pid).sort()).toEqual([6001, 6002]);
  });
});

describe('a scope without groups, probed since it opened', () => {
  const claim = { groups: [], tokens: [TOKEN], sinceTicks: 0 };

  it('reads only the pids handed out since, and finds a token process among them', () => {
    const t = scriptedTable();
    for (let pid = 5100; pid < 5200; pid++) t.attach({ pid, ppid: 1, pgid: pid, token: false });
    const opened = t.proc.lastPid();
    t.allocate();
    const child = t.allocate();
    t.attach({ pid: child, ppid: self.pid, pgid: self.pgid, token: true });
    const ctx = newFindContext(t.proc, self);
    const read: number[] = [];
    const stat = t.proc.stat;
    t.proc.stat = (pid: number) => (read.push(pid), stat(pid));
    let listed = 0;
    const list = t.proc.list;
    t.proc.list = () => (listed++, list());
    ctx.memory = { lastPid: opened, keep: new Set(), sinceOpened: true };
    expect(findMembers(claim, ctx).members.map((m) => m.info.pid)).toEqual([child]);
    expect(listed).toBe(0);
    expect(read.every((pid) => pid > opened)).toBe(true);
  });

  it('trusts an empty probe, and a later poll is a normal one again', () => {
    const t = scriptedTable();
    const opened = t.proc.lastPid();
    t.attach({ pid: t.allocate(), ppid: 1, pgid: 1, token: false });
    let listed = 0;
    const list = t.proc.list;
    t.proc.list = () => (listed++, list());
    const ctx = newFindContext(t.proc, self);
    ctx.memory = { lastPid: opened, keep: new Set(), sinceOpened: true };
    expect(findMembers(claim, ctx).members).toEqual([]);
    expect(listed).toBe(0);
    expect(ctx.memory.sinceOpened).toBe(false);
    // The next empty incremental poll is confirmed by a full look, as in any kill.
    t.allocate();
    expect(findMembers(claim, ctx).members).toEqual([]);
    expect(listed).toBe(1);
  });
});
