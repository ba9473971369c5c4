// Bundles the Vitest worker entry into one file (dist/integrations/vitest/setup.bundle.js).
// Every test file's worker loads it, and one file loads several times faster than ~35 small
// modules. The package itself stays unbundled; the two copies share state through the
// Symbol.for registry (src/scope/registry.ts).
export default {
  input: 'dist/integrations/vitest/setup.js',
  platform: 'node',
  external: [/^node:/, /^vitest(\/.*)?$/, 'koffi', 'execa'],
  output: { file: 'dist/integrations/vitest/setup.bundle.js', format: 'esm', codeSplitting: false },
  logLevel: 'warn',
};
