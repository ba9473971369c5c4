import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The worker entries load in every test file's worker: the Vitest setup file in each fresh
// worker, the Jest environment's session once per test file (rolldown.config.mjs says why their
// size matters there). These are properties of the build that a change could silently undo.
const ENTRIES = [
  { runner: 'Vitest', dir: 'vitest', entry: 'setup.bundle.js', prefix: 'setup', ext: '.js', lazy: ['setup.annotate.js', 'setup.failure.js', 'setup.teardown.js'] },
  // CommonJS: everything else in a Jest worker is required, and an import() would start the ESM loader.
  { runner: 'Jest', dir: 'jest', entry: 'session.bundle.cjs', prefix: 'session', ext: '.cjs', lazy: ['session.failure.cjs', 'session.teardown.cjs'] },
];

describe.each(ENTRIES)('the $runner worker entry', ({ dir, entry: entryName, prefix, ext, lazy: expected }) => {
  const DIR = new URL(`../../dist/integrations/${dir}/`, import.meta.url);
  const entry = readFileSync(new URL(entryName, DIR), 'latin1');
  // The files it loads lazily (the teardown engine, the leak failure, ...), built the same way.
  const lazy = readdirSync(DIR).filter((n) => n.startsWith(`${prefix}.`) && n.endsWith(ext) && n !== entryName && n !== `${prefix}.js`);
  const loads = ext === '.cjs' ? 'require' : 'import';
  const files = [[entryName, entry], ...lazy.map((n) => [n, readFileSync(new URL(n, DIR), 'latin1')])];
  // What runs when the entry loads: its imports and constants, before the first function.
  const head = entry.slice(0, entry.search(/\bfunction\b/));

  it('is ASCII only, so V8 holds its source as one byte per character (and so are its lazy files)', () => {
    for (const [name, text] of files) {
      const first = [...text].findIndex((c) => c.charCodeAt(0) > 0x7f);
      expect(first === -1 ? '' : text.slice(Math.max(0, first - 40), first + 40), name).toBe('');
    }
  });

  it('loads the teardown engine and the leak failure (and annotation) only when a teardown needs them', () => {
    expect(lazy.sort()).toEqual(expected);
    for (const name of expected) expect(entry).toMatch(new RegExp(`${loads}\\(\\s*["'\`]\\./${name.replaceAll('.', '\\.')}["'\`]\\s*\\)`));
    // Lazily: inside a function, not as the entry loads.
    for (const name of expected) expect(head).not.toContain(name);
    // The ladder's code is not in the entry.
    expect(entry).not.toMatch(/function escalate\b/);
  });

  it('takes node builtins from process.getBuiltinModule or require(), not through the ESM loader', () => {
    for (const [name, text] of files) expect(text, name).not.toMatch(/from\s*["'`]node:/);
    if (ext === '.js') expect(entry).toMatch(/process\.getBuiltinModule\(\s*["'`]node:fs["'`]\s*\)/);
    else for (const [name, text] of files) expect(text, name).not.toMatch(/\bimport\(|\bimport\.meta\b/);
  });

  it('loads neither node:os nor node:child_process at start (a test worker that starts nothing has no use for them)', () => {
    expect(head).not.toMatch(/node:os|node:child_process/);
  });
});

describe('the Vitest worker entry', () => {
  it('keeps the Vitest 3/4 runner specifier out of a literal import() (Vite would resolve it ahead of time)', () => {
    const entry = readFileSync(new URL('../../dist/integrations/vitest/setup.bundle.js', import.meta.url), 'latin1');
    expect(entry).not.toMatch(/import\(\s*["'`]vitest\/runners/);
  });
});

describe('the Vitest plugin', () => {
  const DIR = new URL('../../dist/integrations/vitest/', import.meta.url);
  const plugin = readFileSync(new URL('plugin.bundle.js', DIR), 'latin1');

  it('leaves what the reporter does with a run to a file of its own, loaded while the first worker boots', () => {
    expect(plugin).toMatch(/import\(\s*["'`]\.\/plugin\.run\.js["'`]\s*\)/);
    // Neither the scope machinery nor the report's formatting is in what the config imports.
    // (The build writes a class as `var Name=class`.)
    expect(plugin).not.toMatch(/\bScope=class\b|function escalate\b|function formatLeakBlock\b/);
    expect(readFileSync(new URL('plugin.run.js', DIR), 'latin1')).toMatch(/\bRunReport=class\b/);
  });
});

