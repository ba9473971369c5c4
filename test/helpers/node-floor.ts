import { readFileSync } from 'node:fs';

const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));

/** package.json's `engines.node`, which must stay a plain floor, `>=X.Y` or `>=X.Y.Z` (engines.test.ts). */
export const ENGINES_NODE: string = readJson('../../package.json').engines.node;

/** The floor as written after `>=` ("22.12"); what the CLI's refusal names. */
export const FLOOR: string = /^>=\s*(\d+\.\d+(?:\.\d+)?)$/.exec(ENGINES_NODE)?.[1] ?? '';

/** The Node that `npm run test:node-floor` installs under test/node-floor/ (the `node` package's version). */
export const FLOOR_NODE: string = readJson('../node-floor/package.json').devDependencies.node;

/** [major, minor, patch]; missing parts are 0. */
export function versionParts(version: string): number[] {
  const parts = version.replace(/^v/, '').split('.').map(Number);
  return [0, 1, 2].map((i) => parts[i] || 0);
}

export function compareVersions(a: string, b: string): number {
  const [x, y] = [versionParts(a), versionParts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

export const belowFloor = (version: string): boolean => compareVersions(version, FLOOR) < 0;

/** What the Node CLI prints, and then exits 70 (EXIT_INTERNAL), on a Node below the floor. */
export function refusal(version: string, execPath: string): string {
  return `curfew: needs Node.js ${FLOOR} or later; this is Node ${version} (${execPath}). Run it with a newer node (the \`curfew\` command runs the first \`node\` on PATH).\n`;
}
