import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_JS } from '../helpers/cli.js';
import { belowFloor, FLOOR, refusal } from '../helpers/node-floor.js';

const EXIT_INTERNAL = 70;

/**
 * Nodes on this machine older than the floor: CURFEW_OLD_NODE (a path), every `node` on PATH and
 * the usual system ones. Debian's and Ubuntu's own nodejs is one wherever it is installed.
 */
function olderNodes(): { path: string; version: string; execPath: string }[] {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/bin', '/usr/bin', '/bin'];
  const candidates = [process.env.CURFEW_OLD_NODE, ...dirs.filter(Boolean).map((d) => join(d, 'node'))];
  const seen = new Set<string>();
  const found = [];
  for (const path of candidates) {
    if (!path || !existsSync(path)) continue;
    const real = realpathSync(path);
    if (seen.has(real)) continue;
    seen.add(real);
    // Node 10 and later all know -p; its `process.versions.node` has no leading "v".
    const probe = spawnSync(path, ['-p', 'process.versions.node + " " + process.execPath'], { encoding: 'utf8', timeout: 10_000 });
    const m = /^(\d+\.\d+\.\d+\S*) (.+)$/.exec(probe.stdout?.trim() ?? '');
    if (probe.status === 0 && m && belowFloor(m[1])) found.push({ path, version: m[1], execPath: m[2] });
  }
  return found;
}

const OLD = olderNodes();
if (OLD.length === 0) {
  console.log(`node-floor.test: no Node older than ${FLOOR} on this machine (PATH, /usr/bin, /usr/local/bin, CURFEW_OLD_NODE), so the CLI's refusal of one is not tested on a real one`);
  it.skip(`the CLI refuses a Node older than ${FLOOR} (none on this machine)`, () => {});
}

describe.each(OLD)('the CLI on Node $version ($path), below the floor', (old) => {
  it(`refuses to run, naming the floor, and exits ${EXIT_INTERNAL} before starting the command`, () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'curfew-floor-')), 'ran');
    const ran = spawnSync(old.path, [CLI_JS, 'run', '--', 'touch', marker], { encoding: 'utf8', timeout: 20_000 });
    expect({ status: ran.status, stdout: ran.stdout, stderr: ran.stderr }).toEqual({ status: EXIT_INTERNAL, stdout: '', stderr: refusal(old.version, old.execPath) });
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses before anything else: --version, doctor and bad arguments too', () => {
    for (const args of [['--version'], ['doctor', '--json'], ['--no-such-option']]) {
      const ran = spawnSync(old.path, [CLI_JS, ...args], { encoding: 'utf8', timeout: 20_000 });
      expect({ args, status: ran.status, stdout: ran.stdout, stderr: ran.stderr }).toEqual({ args, status: EXIT_INTERNAL, stdout: '', stderr: refusal(old.version, old.execPath) });
    }
  });

  // The `curfew` command (npm links it to dist/cli/curfew.js) runs on the first `node` on PATH.
  it('the installed command says the same when that Node is the first on PATH', () => {
    const PATH = `${dirname(old.path)}${delimiter}${process.env.PATH}`;
    const ran = spawnSync(CLI_JS, ['doctor'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, PATH } });
    expect({ status: ran.status, stderr: ran.stderr }).toEqual({ status: EXIT_INTERNAL, stderr: refusal(old.version, old.execPath) });
  });
});
