// Puts a copy of the built package (package.json and dist/) at <folder>/node_modules/curfew, as
// `npm install` would. From there `vitest` and `jest-environment-node` resolve to that folder's
// own versions first (the oldest majors under oldest/), curfew's dependencies up to the
// repository's node_modules, and Vitest treats curfew as an installed dependency.
//
//   node test/integrations/stage.mjs oldest     (or: bench)
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Copies the build into `folder` (relative to test/integrations/); returns the package directory. */
export function stageCurfew(folder) {
  const target = fileURLToPath(new URL(`./${folder}/node_modules/curfew/`, import.meta.url));
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  cpSync(`${REPO}package.json`, `${target}package.json`);
  cpSync(`${REPO}dist`, `${target}dist`, { recursive: true });
  return target;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const folder = process.argv[2] ?? 'oldest';
  console.log(`staged the build at ${stageCurfew(folder)}`);
}
