import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Which majors the integration tests drive: the repository's own (latest) by default, or with
 * CURFEW_FRAMEWORKS=oldest the oldest supported ones installed under oldest/ (`npm run test:oldest`),
 * together with a copy of the build staged there, so that curfew resolves `vitest` and
 * `jest-environment-node` to those majors as it would in a user's project.
 */
export const FLAVOR = process.env.CURFEW_FRAMEWORKS === 'oldest' ? 'oldest' : 'latest';

const OLDEST = fileURLToPath(new URL('../oldest/', import.meta.url));
/** The folder whose node_modules hold the frameworks (and, for oldest, the staged curfew). */
const BASE = FLAVOR === 'oldest' ? OLDEST : fileURLToPath(new URL('../../../', import.meta.url));
/** The installed curfew package: the repository itself, or the copy staged under oldest/. */
export const CURFEW_DIR = FLAVOR === 'oldest' ? `${OLDEST}node_modules/curfew/` : BASE;

const requireFromBase = createRequire(`${BASE}package.json`);

/** Mocha's CLI script (the flavor's major). */
export function mochaBin(): string {
  return requireFromBase.resolve('mocha/bin/mocha.js');
}

/** The node_modules that hold the flavor's frameworks (Playwright Test's CLI is run from there). */
export const FRAMEWORKS_MODULES = `${BASE}node_modules/`;

// Native imports by file URL: the frameworks must come from BASE, never from Vite's resolution
// of the outer test run.
function importFrom(path: string): Promise<unknown> {
  return import(/* @vite-ignore */ pathToFileURL(path).href);
}

export type StartVitest = typeof import('vitest/node').startVitest;

export async function loadStartVitest(): Promise<StartVitest> {
  return ((await importFrom(requireFromBase.resolve('vitest/node'))) as { startVitest: StartVitest }).startVitest;
}

export type CurfewPlugin = typeof import('curfew/vitest').default;

/** `curfew/vitest`, from the installed package (so its setup file imports that Vitest). */
export async function loadCurfewPlugin(): Promise<CurfewPlugin> {
  return ((await importFrom(`${CURFEW_DIR}dist/integrations/vitest/plugin.bundle.js`)) as { default: CurfewPlugin }).default;
}

export type RunCLI = typeof import('jest').runCLI;

export function loadRunCLI(): RunCLI {
  return (requireFromBase('jest') as { runCLI: RunCLI }).runCLI;
}

/** An export of the installed curfew, resolved as Jest would (the `require` condition). */
export function resolveCurfew(specifier: 'curfew/jest-environment' | 'curfew/jest-reporter'): string {
  return createRequire(`${CURFEW_DIR}package.json`).resolve(specifier);
}
