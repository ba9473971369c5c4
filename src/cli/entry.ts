#!/usr/bin/env node
// The Node CLI's entry (built to dist/cli/curfew.js): it checks this Node against the package's floor, then
// imports the CLI itself (dist/cli/curfew.bundle.js, bundled from bin.ts). The check has a file of
// its own because an ES module's static imports all load before any of its code runs: in the
// bundle, execa and koffi (a native addon) would load, and could fail in any way, on a Node too
// old for them before a check there could say why.
//
// So this file must load and run on any old Node: no import or export statement, no import.meta
// (either would stop a Node that reads .js files as CommonJS at parse time) and no syntax newer
// than ES2017 (no `?.`, `??`, class fields or top-level await; rolldown lowers what it can and
// drops the `export {}` tsc adds, see rolldown.config.mjs). Node 10 to 21 then print the refusal
// below and exit 70. test/unit/engines.test.ts runs the built file as a plain script on stand-in
// versions; test/e2e/node-floor.test.ts on any older Node the machine has.

/** package.json's `engines.node` floor (test/unit/engines.test.ts keeps the two equal). */
const FLOOR = [22, 12, 0];
/** EXIT_INTERNAL in exit-codes.ts (not imported, see above): curfew cannot do its job, here on this Node. */
const EXIT_INTERNAL = 70;

function olderThanFloor(version: string): boolean {
  const parts = version.split('.').map(Number);
  for (let i = 0; i < FLOOR.length; i++) {
    const part = parts[i] || 0;
    if (part !== FLOOR[i]) return part < FLOOR[i];
  }
  return false;
}

if (olderThanFloor(process.versions.node)) {
  const floor = FLOOR[2] === 0 ? FLOOR.slice(0, 2).join('.') : FLOOR.join('.');
  process.stderr.write(
    `curfew: needs Node.js ${floor} or later; this is Node ${process.versions.node} (${process.execPath}). ` +
      `Run it with a newer node (the \`curfew\` command runs the first \`node\` on PATH).\n`,
  );
  process.exitCode = EXIT_INTERNAL;
} else {
  // V8's compiled code for the bundle (and koffi's loader), kept on disk between runs: a start
  // then skips parsing and compiling them. The directory is Node's default (NODE_COMPILE_CACHE, or
  // node-compile-cache in the temporary directory); a cache that cannot be used is only a slower
  // start, so the outcome is not checked. A stand-in `process` (test/unit/engines.test.ts) has none.
  const builtin = process.getBuiltinModule;
  if (typeof builtin === 'function') builtin('node:module').enableCompileCache();
  // A variable, not a literal: the bundle is a build output, not a source TypeScript resolves.
  const cli = './curfew.bundle.js';
  import(cli).catch((error: unknown) => {
    process.stderr.write(`curfew: ${(error as Error).stack || String(error)}\n`);
    process.exitCode = EXIT_INTERNAL;
  });
}
