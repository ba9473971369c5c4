import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CLI_JS } from '../helpers/cli.js';
import { ENGINES_NODE, FLOOR, FLOOR_NODE, refusal, versionParts } from '../helpers/node-floor.js';

const EXIT_INTERNAL = 70;

/** Runs the built CLI entry as a classic script against a stand-in `process`; what it did at once. */
function entryOn(version: string): { stderr: string; exitCode: number | undefined } {
  let stderr = '';
  const stub = { versions: { node: version }, execPath: '/opt/node/bin/node', exitCode: undefined as number | undefined, stderr: { write: (s: string) => ((stderr += s), true) } };
  // A classic script, not a module: what a Node that reads .js files as CommonJS parses it as.
  new Script(readFileSync(CLI_JS, 'utf8'), { filename: CLI_JS }).runInNewContext({ process: stub });
  // On a new enough Node it goes on to import() the CLI, which a context without a module loader
  // rejects later (that rejection lands on the stand-in too); until then nothing is printed.
  return { stderr, exitCode: stub.exitCode };
}

describe('the Node floor', () => {
  it('package.json engines.node is a plain floor the CLI and test:node-floor can follow', () => {
    expect(ENGINES_NODE).toMatch(/^>=\s*\d+\.\d+(\.\d+)?$/);
    expect(FLOOR).not.toBe('');
  });

  it('the CLI entry refuses exactly the Nodes below it, naming the floor, the version and the binary', () => {
    const [major, minor, patch] = versionParts(FLOOR);
    const justBelow = patch > 0 ? `${major}.${minor}.${patch - 1}` : minor > 0 ? `${major}.${minor - 1}.99` : `${major - 1}.99.99`;
    for (const old of [justBelow, `${major - 1}.0.0`, '20.20.2', '18.19.1', '12.22.12', '10.24.1']) {
      expect(entryOn(old), old).toEqual({ stderr: refusal(old, '/opt/node/bin/node'), exitCode: EXIT_INTERNAL });
    }
    for (const ok of [`${major}.${minor}.${patch}`, `${major}.${minor}.${patch + 1}`, `${major}.${minor + 1}.0`, `${major + 1}.0.0`, `${major + 10}.0.0-pre`]) {
      expect(entryOn(ok), ok).toEqual({ stderr: '', exitCode: undefined });
    }
  });

  it('test/node-floor installs the floor itself', () => {
    expect(versionParts(FLOOR_NODE)).toEqual(versionParts(FLOOR));
  });

  // Set by `npm run test:node-floor`: proves Vitest's workers, and the `node` the tests start by
  // name, are the floor's Node and not the project's Node 24.
  it.runIf(process.env.CURFEW_NODE_FLOOR)('this run is on the floor Node: this worker and the node on PATH', () => {
    expect(process.versions.node).toBe(FLOOR_NODE);
    expect(execFileSync('node', ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()).toBe(FLOOR_NODE);
  });
});
