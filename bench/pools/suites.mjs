// The suites sections 6 and 7 time: trivial (or given) test files for Vitest and Jest, one
// directory per shape and runner setup, with a config per variant, run as a user runs them (the
// build copied into the suites' node_modules, bench/lib/overhead.mjs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VITEST = `${ROOT}node_modules/vitest/vitest.mjs`;
const JEST = `${ROOT}node_modules/jest/bin/jest.js`;

const trivialBody = (perFile, f) => `for (let i = 0; i < ${perFile}; i++) it(\`trivial ${f}.\${i}\`, () => expect(i + 1).toBe(i + 1));\n`;

/**
 * A Vitest suite: `files` files of `perFile` tests (`body(perFile, f)`, trivial by default) and one
 * config per entry of `variants` ({ name: plugin call or null }), all with `test` (an object
 * literal's inside, e.g. `pool: 'threads'`).
 */
export function writeVitestSuite(dir, { files, perFile, test, variants, body = trivialBody }) {
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < files; f++) writeFileSync(`${dir}t-${f}.test.mjs`, `import { expect, it } from 'vitest';\n\n${body(perFile, f)}`);
  for (const [name, plugin] of Object.entries(variants)) {
    const imports = plugin ? `import curfew from 'curfew/vitest';\n` : '';
    const plugins = plugin ? `plugins: [${plugin}], ` : '';
    writeFileSync(`${dir}${name}.config.mjs`, `import { defineConfig } from 'vitest/config';\n${imports}\nexport default defineConfig({ ${plugins}test: { include: ['*.test.mjs'], maxWorkers: 2, ${test} } });\n`);
  }
  return dir;
}

/** A Jest suite: as writeVitestSuite, with `config` added to every config and `variants` ({ name: environment }). */
export function writeJestSuite(dir, { files, perFile, config, variants, body = trivialBody }) {
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < files; f++) writeFileSync(`${dir}t-${f}.test.js`, body(perFile, f));
  const base = `rootDir: __dirname, testMatch: ['**/*.test.js'], maxWorkers: 2, cache: true, cacheDirectory: __dirname + '/.cache'`;
  for (const [name, environment] of Object.entries(variants)) {
    writeFileSync(`${dir}${name}.config.cjs`, `module.exports = { ${base}, ${config}, testEnvironment: '${environment}' };\n`);
  }
  return dir;
}

async function timed(what, file, args, cwd, passed) {
  const t0 = performance.now();
  const result = await execa(process.execPath, [file, ...args], { cwd, all: true, reject: false, stdin: 'ignore', env: { CI: '1', NO_COLOR: '1' } });
  const elapsed = performance.now() - t0;
  if (result.exitCode !== 0 || !passed.test(result.all)) throw new Error(`${what} failed (exit ${result.exitCode}):\n${result.all.slice(-2000)}`);
  return { elapsed, output: result.all };
}

/** Runs `vitest run` on one config of a suite; resolves to { elapsed, output }. */
export function runVitest(dir, name, tests) {
  return timed(`vitest with ${dir}${name}`, VITEST, ['run', '--config', `${dir}${name}.config.mjs`], dir, new RegExp(`Tests\\s+${tests} passed`));
}

/** Runs `jest --ci` on one config of a suite; resolves to { elapsed, output }. */
export function runJest(dir, name, tests) {
  return timed(`jest with ${dir}${name}`, JEST, ['--ci', '--config', `${dir}${name}.config.cjs`], dir, new RegExp(`Tests:\\s+${tests} passed`));
}
