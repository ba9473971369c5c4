import type { Claim, GroupRef } from '../kill/claim.js';
import { escalate } from '../kill/escalate.js';
import { findMembers } from '../kill/find.js';
import type { KillReport } from '../kill/types.js';
import { normalizeEnd, type EndOptions, type NormalizedEnd } from '../options.js';
import { getProc, isDead, type ProcInfo } from '../proc/index.js';
import { getRegistry } from '../registry/registry.js';
import { findContext } from '../registry/scan-context.js';

/** The process group (and session) a spawn leads, and how to end it. */
export class ProcessGroup implements GroupRef {
  /** The group id, equal to the leader's pid: every spawn starts a new session and group. */
  readonly pgid: number;
  /** The leader's pid. */
  readonly leader: number;
  /** The group's own id, the last in its token chain. */
  readonly id: string;
  /** The token chain in the environment of everything this group starts: its scope's, then its own id. */
  readonly token: string;
  /** The leader's start time, so a recycled pid is never mistaken for it. */
  readonly leaderStart: number;
  /** The cgroup v2 directory the leader joined, if any. */
  readonly cgroup: string | undefined;
  readonly #end: NormalizedEnd;
  readonly #sinceTicks: number;
  readonly #onRetire: (group: ProcessGroup) => void;
  #leaderExited = false;

  constructor(init: { pid: number; id: string; token: string; leaderStart: number; sinceTicks: number; end: NormalizedEnd; cgroup?: string; onRetire: (g: ProcessGroup) => void }) {
    this.pgid = init.pid;
    this.leader = init.pid;
    this.id = init.id;
    this.token = init.token;
    this.leaderStart = init.leaderStart;
    this.cgroup = init.cgroup;
    this.#end = init.end;
    this.#sinceTicks = init.sinceTicks;
    this.#onRetire = init.onRetire;
  }

  /**
   * @internal whether the leader is still running (its group is then managed, not leaked). Read
   * from /proc, since Node's 'exit' event can lag behind the kernel under load.
   */
  get leaderRunning(): boolean {
    if (this.#leaderExited) return false;
    const info = getProc().stat(this.leader);
    return info !== null && info.startTicks === this.leaderStart && !isDead(info);
  }

  /** @internal the group is done with: it is ended, or its scope took over; its scope and the watchdog forget it. */
  retire(): void {
    this.#onRetire(this);
  }

  /** @internal */
  markLeaderExited(): void {
    this.#leaderExited = true;
  }

  /** @internal the claim that covers this group: its members and everything below its leader. */
  claim(): Claim {
    return { groups: [this], tokens: [this.id], sinceTicks: this.#sinceTicks, roots: [this.leader], cgroupPids: this.cgroup ? () => getRegistry().cgroups?.pids(this.cgroup!) ?? [] : undefined };
  }

  /** The live processes of this group (and those that left it but descend from its leader). */
  members(): ProcInfo[] {
    // A sweep first: what is found here is then also named to the crash watchdog.
    getRegistry().subreaper.reapOrphans();
    return findMembers(this.claim(), findContext()).members.map((m) => m.info);
  }

  /** Escalates until the whole group is gone; resolves to what had to be ended. */
  async kill(options?: EndOptions): Promise<KillReport> {
    const end = options ? normalizeEnd(options, this.#end) : this.#end;
    const context = findContext();
    const claim = this.claim();
    const registry = getRegistry();
    const report = await escalate(() => findMembers(claim, context), end.ladder, { afterPoll: () => registry.subreaper.reapOrphans() });
    report.problems.push(...((await registry.cgroups?.remove(this.cgroup)) ?? []));
    this.retire();
    return report;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill();
  }
}
