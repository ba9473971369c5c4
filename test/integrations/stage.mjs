// Puts a copy of the built package (package.json and dist/) at node_modules/curfew here, as
// `npm install` would: from there, `vitest` and `jest-environment-node` resolve to this folder's
// oldest majors, while curfew's own dependencies resolve up to the repository's node_modules.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const target = fileURLToPath(new URL('./node_modules/curfew/', import.meta.url));

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
cpSync(`${repo}package.json`, `${target}package.json`);
cpSync(`${repo}dist`, `${target}dist`, { recursive: true });
console.log(`staged curfew from ${repo} at ${target}`);
