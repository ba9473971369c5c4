import { basename, dirname } from 'node:path';

// Bundles the entry points that start often and pay for every module they load: the Vitest
// worker entry (once per test file), the Vitest plugin (once per run: 1.4 against 3.8 ms to
// import, measured), the Jest environment's session (once per Jest worker) and the `curfew` CLI
// (once per `curfew run`). One file loads several times faster than ~35 small
// modules. The package itself stays unbundled; bundled and
// unbundled copies share their state through the Symbol.for registry (src/registry/registry.ts).
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

// The teardown engine (what a teardown that finds something runs: the ladder, the ownership
// rules, the leak descriptions) and the leak failure are files of their own beside each worker
// entry, imported by the first teardown that needs them: most test files' workers never load
// them, and their source was a third of what the entry cost a fresh worker's young generation
// (bench 5d). Each is one file, like the entry (loading many small modules costs more than their
// size); the few modules they share with the entry are copies, whose state lives in the
// Symbol.for registry. By the part of their name after the entry's (`setup.teardown.js`).
const LAZY = { teardown: 'dist/scope/teardown.js', failure: 'dist/integrations/shared/failure.js' };
const lazyFiles = (lazy) => ({
  name: 'curfew-lazy-files',
  resolveId(source, importer) {
    if (!importer || !source.startsWith('.')) return null;
    const path = new URL(source, `file://${importer}`).pathname;
    const file = Object.keys(lazy).find((f) => path.endsWith(lazy[f].slice('dist'.length)));
    return file ? { id: `./${file}`, external: true } : null;
  },
});

// A CommonJS worker entry has no import.meta (rolldown would make it `{}`): its file's URL comes
// from __filename, which is the bundle's own path, as import.meta.url is in an ES module bundle.
const META_URL = '__curfewFileUrl';
const cjsImportMeta = {
  name: 'curfew-cjs-import-meta',
  transform(code) {
    return code.includes('import.meta.url') ? { code: code.replaceAll('import.meta.url', META_URL), map: null } : null;
  },
  renderChunk(code) {
    return code.includes(META_URL) ? { code: `const ${META_URL}=require("node:url").pathToFileURL(__filename).href;${code}`, map: null } : null;
  },
};
// What differs between an ES module worker entry and a CommonJS one: the files' extension, the
// entry's plugins and the output's. A CommonJS entry requires its lazy files when first needed
// (an import() would start the ESM loader), and its builtins are plain require()s.
const FORMATS = {
  esm: { ext: 'js', plugins: [], output: { plugins: [builtinImports] } },
  cjs: { ext: 'cjs', plugins: [cjsImportMeta], output: { dynamicImportInCjs: false } },
};
const workerOutput = (file, format) => ({ file, format, codeSplitting: false, minify: workerMinify, comments: false, ...FORMATS[format].output });
// A worker entry (`dir/name.js` becomes `dir/name.bundle.js`) and its lazy files (`dir/name.<part>.js`);
// `.cjs` for format 'cjs'.
const workerEntry = (input, parts, format = 'esm') => {
  const dir = dirname(input);
  const name = basename(input, '.js');
  const { ext, plugins } = FORMATS[format];
  const lazy = Object.fromEntries(Object.entries(parts).map(([part, from]) => [`${name}.${part}.${ext}`, from]));
  return [
    { input, platform: 'node', external, plugins: [lazyFiles(lazy), ...plugins], output: workerOutput(`${dir}/${name}.bundle.${ext}`, format), logLevel: 'warn' },
    ...Object.entries(lazy).map(([file, from]) => ({ input: from, platform: 'node', external, plugins, output: workerOutput(`${dir}/${file}`, format), logLevel: 'warn' })),
  ];
};

export default [
  // The Vitest worker entry also loads the leak annotation lazily (Jest has no such API).
  ...workerEntry('dist/integrations/vitest/setup.js', { ...LAZY, annotate: 'dist/integrations/vitest/annotate.js' }),
  // The plugin loads in the main process as the config does, before anything starts: what the
  // reporter does with a run (the run's unit, the report's formatting) is a file of its own,
  // loaded while the first worker boots (compiling the ~600 functions of one file cost ~8 ms,
  // whatever their size: measured).
  ...workerEntry('dist/integrations/vitest/plugin.js', { run: 'dist/integrations/vitest/run-report.js' }),
  // The Jest environment's session, once per test file in every Jest worker: built like the
  // Vitest entry (107 KB unminified with the teardown engine in it, 52 KB now), as CommonJS, which
  // the environment requires: Jest loads everything else in its workers with require(), and the
  // first import() in a worker starts Node's ESM loader there (~155 KB of heap that stays, ~15 ms,
  // measured). What the session allocates as it loads and starts can still tip a trivial file of
  // 500 tests in a Jest worker thread over V8's young-generation growth point, which 700 such
  // tests reach without curfew (docs/benchmarks.md, worker-thread pools).
  ...workerEntry('dist/integrations/jest/session.js', LAZY, 'cjs'),
  // node:test imports its entry in every test file's process; Mocha its plugin once per process (and worker).
  ...['node-test/register', 'mocha/plugin'].map((entry) => ({
    input: `dist/integrations/${entry}.js`,
    platform: 'node',
    external,
    output: { file: `dist/integrations/${entry}.bundle.js`, format: 'esm', codeSplitting: false },
    logLevel: 'warn',
  })),
  // The `curfew` CLI: dist/cli/curfew.js checks the Node version and only then imports the CLI,
  // dist/cli/curfew.bundle.js (see src/cli/entry.ts). The entry goes through rolldown too: format
  // 'cjs' makes it a plain script without the `export {}` tsc adds (a Node that reads .js files as
  // CommonJS could not parse that; Node 12.17 and later still load it as an ES module, for
  // package.json says "type": "module"), and the ES2017 target lowers newer syntax should any creep in.
  {
    input: 'dist/cli/entry.js',
    platform: 'node',
    external: [...external, /^\.\/curfew\.bundle\.js$/],
    transform: { target: 'es2017' },
    output: { file: 'dist/cli/curfew.js', format: 'cjs', codeSplitting: false, comments: false },
    logLevel: 'warn',
  },
  // Its builtins come from process.getBuiltinModule() too: an ESM import of one builds the
  // module's ESM facade, which reads every export (node:fs's ReadStream getter alone loads the
  // streams) at each `curfew` start.
  {
    input: 'dist/cli/bin.js',
    platform: 'node',
    external,
    output: { file: 'dist/cli/curfew.bundle.js', format: 'esm', codeSplitting: false, minify: workerMinify, comments: false, plugins: [builtinImports] },
    logLevel: 'warn',
  },
];
