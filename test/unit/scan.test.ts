import { describe, expect, it } from 'vitest';
// Internal module: the kernel's fork ordering (a pid is handed out before its process shows in
// /proc) cannot be paused from user space, so the scan's answer to it is tested on a scripted
// process table. The end-to-end cover is the load test's respawners.
import { newFindContext } from '../../dist/kill/context.js';
import { findMembers } from '../../dist/kill/find.js';

const TOKEN = 'scope1';
const self = { pid: 5000, pgid: 5000, sid: 5000 };

interface Row { pid: number; ppid: number; pgid: number; token: boolean; environ?: string }

/** A process table whose pid counter can run ahead of what /proc shows, as during a fork. */
function scriptedTable() {
  const rows = new Map<number, Row>();
  let last = 6000;
  const info = (r: Row) => ({ pid: r.pid, ppid: r.ppid, pgid: r.pgid, sid: r.pgid, state: 'S', threads: 1, startTicks: r.pid, comm: 'sleep' });
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
    cmdline: () => 'sleep 300',
    exe: () => null,
    fdTargets: () => null,
    netTable: () => null,
    signalMasks: () => null,
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

describe('a full read while a member forks and exits', () => {
  interface Proc { pid: number; ppid: number; pgid: number; state: string }
  const claim = { groups: [{ pgid: 5900, leaderStart: 5900 }], tokens: [TOKEN], sinceTicks: 0 };

  /** A table read the way /proc is: the pids are listed first, then each one's stat is read. */
  function listedTable() {
    const rows = new Map<number, Proc>();
    const onStat = new Map<number, () => void>();
    const stats: number[] = [];
    let listings = 0;
    const info = (r: Proc) => ({ pid: r.pid, ppid: r.ppid, pgid: r.pgid, sid: r.pgid, state: r.state, threads: 1, startTicks: r.pid, comm: 'sleep' });
    const proc = {
      stat: (pid: number) => {
        stats.push(pid);
        const hook = onStat.get(pid);
        onStat.delete(pid);
        hook?.();
        return rows.has(pid) ? info(rows.get(pid)!) : null;
      },
      pids: () => (listings++, [...rows.keys()]),
      list: () => [...rows.values()].map(info),
      children: (pid: number) => [...rows.values()].filter((r) => r.ppid === pid).map((r) => r.pid),
      childrenOfTask: () => [],
      isProcess: () => true,
      environ: (pid: number) => (rows.has(pid) ? `CURFEW_TOKEN=${TOKEN}\0` : null),
      cmdline: () => 'sleep 300',
      exe: () => null,
      fdTargets: () => null,
      netTable: () => null,
      signalMasks: () => null,
      lastPid: () => Math.max(6000, ...rows.keys()),
      nowTicks: () => 1_000_000,
    };
    return {
      proc,
      stats,
      listings: () => listings,
      add: (pid: number, ppid = 1, state = 'S') => void rows.set(pid, { pid, ppid, pgid: 5900, state }),
      /** Just before pid's stat is read, run what the process does (it is already listed). */
      beforeStat: (pid: number, what: () => void) => void onStat.set(pid, what),
      zombie: (pid: number) => void (rows.get(pid)!.state = 'Z'),
    };
  }

  it("finds the child of the last member, forked after the listing and before the member's own stat", () => {
    const t = listedTable();
    // A SIGTERM respawner born with the group's SIGTERM pending: listed, then it forks its
    // replacement and exits (a zombie of its subreaper) before the scan reads its stat.
    t.add(6001);
    t.beforeStat(6001, () => {
      t.add(6002);
      t.zombie(6001);
    });
    const snap = findMembers(claim, newFindContext(t.proc, self, undefined, { settle: true }));
    expect(snap.members.map((m) => m.info.pid)).toEqual([6002]);
    expect(snap.uncertain).toBe(false);
    expect(t.listings()).toBe(2);
    // Each process is read once: the second pass reads only what is new in its listing.
    expect(t.stats.filter((pid) => pid === 6001)).toHaveLength(1);
  });

  it('reads the table once where settling is off (in-process teardowns), as before', () => {
    const t = listedTable();
    t.add(6001);
    t.zombie(6001);
    expect(findMembers(claim, newFindContext(t.proc, self)).members).toEqual([]);
    expect(t.listings()).toBe(0);
  });

  it('reads again only while it sees processes end, and trusts a quiet table after one pass', () => {
    const t = listedTable();
    t.add(6001);
    expect(findMembers(claim, newFindContext(t.proc, self, undefined, { settle: true })).members.map((m) => m.info.pid)).toEqual([6001]);
    expect(t.listings()).toBe(1);
  });

  it('is uncertain, not final, when processes keep ending while it reads', () => {
    const t = listedTable();
    // Every new listing shows another short-lived process already gone: the read never settles.
    let next = 7000;
    const pids = t.proc.pids;
    t.proc.pids = () => {
      const pid = next++;
      t.add(pid, 1, 'Z');
      return pids();
    };
    const snap = findMembers(claim, newFindContext(t.proc, self, undefined, { settle: true }));
    expect(snap.members).toEqual([]);
    expect(snap.uncertain).toBe(true);
    expect(t.listings()).toBeLessThanOrEqual(10);
  });

  it('walks the subtree again when a process in it ended (subreaper: the child comes to us)', () => {
    const t = listedTable();
    t.add(6001, self.pid);
    // The member forks and exits after our children were read; its child is re-parented to us.
    t.beforeStat(6001, () => {
      t.add(6002, self.pid);
      t.zombie(6001);
    });
    const snap = findMembers(claim, newFindContext(t.proc, self, { active: true, orphans: () => [] }, { settle: true }));
    expect(snap.members.map((m) => m.info.pid)).toEqual([6002]);
    expect(snap.uncertain).toBe(false);
  });
});

describe('a subtree walk while a parent exits', () => {
  it("names the descendants of an orphan the walk missed (its parent's children read after the parent exited)", () => {
    const t = scriptedTable();
    // The fixture (6001) started a chain 6002 -> 6003 -> 6004 in its group and is exiting.
    t.attach({ pid: 6001, ppid: self.pid, pgid: 6001, token: true });
    const chain = [6002, 6003, 6004].map((pid) => ({ pid, ppid: pid - 1, pgid: 6001, token: true }));
    for (const row of chain) t.attach(row);
    // Our children are read while it lives; it is gone before its own are read, and its child
    // has moved to us (the subreaper), where the orphans' read finds it.
    const children = t.proc.children;
    t.proc.children = (pid: number) => {
      const kids = children(pid);
      if (pid === self.pid && kids.includes(6001)) {
        t.exit(6001);
        chain[0].ppid = self.pid;
      }
      return kids;
    };
    const claim = { groups: [{ pgid: 6001, leaderStart: 6001 }], tokens: [TOKEN], sinceTicks: 0, claimOrphan: () => true };
    const ctx = newFindContext(t.proc, self, { active: true, orphans: () => children(self.pid) });
    const snap = findMembers(claim, ctx);
    expect(snap.members.map((m) => [m.info.pid, m.foundBy])).toEqual([[6002, 'orphan'], [6003, 'descendant'], [6004, 'descendant']]);
    // A later (incremental) poll keeps all three, and reads no child list again.
    let childReads = 0;
    t.proc.children = (pid: number) => (childReads++, children(pid));
    expect(findMembers(claim, ctx).members.map((m) => m.info.pid).sort()).toEqual([6002, 6003, 6004]);
    expect(childReads).toBe(0);
  });
});

describe('a member that exits between its stat and its environment', () => {
  it('leaves the scan uncertain: its group is neither proven nor known to be empty', () => {
    const t = scriptedTable();
    // The group's leader is gone; its one member is read alive, then exits (a respawner forking
    // its replacement) before its environment is read.
    t.attach({ pid: 6001, ppid: 1, pgid: 5900, token: true });
    const claim = { groups: [{ pgid: 5900, leaderStart: 5900 }], tokens: [TOKEN], sinceTicks: 0 };
    const environ = t.proc.environ;
    t.proc.environ = (pid: number) => {
      if (pid === 6001) t.exit(6001);
      return environ(pid);
    };
    const snap = findMembers(claim, newFindContext(t.proc, self));
    expect(snap.members).toEqual([]);
    expect(snap.uncertain).toBe(true);
  });
});
