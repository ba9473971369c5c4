// Bundles the entry points that start often and pay for every module they load: the Vitest
// worker entry (once per test file), the Vitest plugin (once per run: 1.4 against 3.8 ms to
// import, measured), the Jest environment's session (once per Jest worker) and the `curfew` CLI
// (once per `curfew run`). One file loads several times faster than ~35 small
// modules. The package itself stays unbundled; bundled and
// unbundled copies share their state through the Symbol.for registry (src/scope/registry.ts).
const external = [/^node:/, /^vitest(\/.*)?$/, 'koffi', 'execa'];
// The Vitest worker entry loads in every test file's fresh worker, where its source string, its
// compiled code and its first run land in a young generation that trivial suites barely fill:
// a young-generation collection more per file was most of the plugin's cost on 100-test files
// (measured, bench 5a). Comments and whitespace go; names stay (mangle: false) for readable
// stacks; no compression, which would fold the Vitest 3/4 runner specifier into a literal
// import() that Vite resolves ahead of time. ASCII only: one non-ASCII character makes V8 hold
// the whole source as UTF-16 (twice the bytes).
const workerMinify = { mangle: false, compress: false, codegen: { removeWhitespace: true, asciiOnly: true } };

// In the same worker, each `import … from 'node:…'` of a module that Vitest has already loaded
// still costs the ESM loader ~4–8 KB of young generation to resolve and link (measured, bench
// 5d: the entry's nine such imports took ~32 KB more than process.getBuiltinModule() does).
// So the worker entry's builtin imports become getBuiltinModule() calls: the same singletons.
const BUILTIN_IMPORT = /import\s*(?:\{([^}]*)\}|\*\s*as\s+([\w$]+)|([\w$]+))\s*from\s*["'](node:[\w/]+)["'];?/g;
const builtinImports = {
  name: 'curfew-builtin-imports',
  renderChunk(code) {
    const head = /^(?:\s*import\b[^;]*;)+/.exec(code)?.[0] ?? '';
    const rewritten = head.replace(BUILTIN_IMPORT, (_, names, namespace, name, id) => {
      const target = names === undefined ? (namespace ?? name) : `{${names.replace(/\s+as\s+/g, ':')}}`;
      return `const ${target}=process.getBuiltinModule(${JSON.stringify(id)});`;
    });
    return { code: rewritten + code.slice(head.length), map: null };
  },
};

export default [
  {
    input: 'dist/integrations/vitest/setup.js',
    platform: 'node',
    external,
    output: { file: 'dist/integrations/vitest/setup.bundle.js', format: 'esm', codeSplitting: false, minify: workerMinify, comments: false, plugins: [builtinImports] },
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
