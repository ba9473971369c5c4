// Bundles the entry points that start often and pay for every module they load: the Vitest
// worker entry (once per test file), the Vitest plugin (once per run: 1.4 against 3.8 ms to
// import, measured), the Jest environment's session (once per Jest worker) and the `curfew` CLI
// (once per `curfew run`). One file loads several times faster than ~35 small
// modules. The package itself stays unbundled; bundled and
// unbundled copies share their state through the Symbol.for registry (src/scope/registry.ts).
const external = [/^node:/, /^vitest(\/.*)?$/, 'koffi', 'execa'];

export default [
  {
    input: 'dist/integrations/vitest/setup.js',
    platform: 'node',
    external,
    output: { file: 'dist/integrations/vitest/setup.bundle.js', format: 'esm', codeSplitting: false },
    logLevel: 'warn',
  },
  {
    input: 'dist/integrations/vitest/plugin.js',
    platform: 'node',
    external,
    output: { file: 'dist/integrations/vitest/plugin.bundle.js', format: 'esm', codeSplitting: false },
    logLevel: 'warn',
  },
  {
    input: 'dist/integrations/jest/session.js',
    platform: 'node',
    external,
    output: { file: 'dist/integrations/jest/session.bundle.js', format: 'esm', codeSplitting: false },
    logLevel: 'warn',
  },
  {
    input: 'dist/cli/bin.js',
    platform: 'node',
    external,
    output: { file: 'dist/cli/curfew.js', format: 'esm', codeSplitting: false },
    logLevel: 'warn',
  },
];
