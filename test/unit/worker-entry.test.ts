import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The Vitest worker entry loads in every test file's fresh worker (rolldown.config.mjs says why
// its size matters there). These are properties of the build that a change could silently undo.
const DIR = new URL('../../dist/integrations/vitest/', import.meta.url);
const entry = readFileSync(new URL('setup.bundle.js', DIR), 'latin1');
// The files it imports lazily (the teardown engine, the leak failure, the leak annotation), built the same way.
const lazy = readdirSync(DIR).filter((n) => /^setup\..+\.js$/.test(n) && n !== 'setup.bundle.js');
const files = [['setup.bundle.js', entry], ...lazy.map((n) => [n, readFileSync(new URL(n, DIR), 'latin1')])];

describe('the Vitest worker entry', () => {
  it('is ASCII only, so V8 holds its source as one byte per character (and so are its lazy files)', () => {
    for (const [name, text] of files) {
      const first = [...text].findIndex((c) => c.charCodeAt(0) > 0x7f);
      expect(first === -1 ? '' : text.slice(Math.max(0, first - 40), first + 40), name).toBe('');
    }
  });

  it('loads the teardown engine, the leak failure and the leak annotation only when a teardown needs them', () => {
    expect(lazy.sort()).toEqual(['setup.annotate.js', 'setup.failure.js', 'setup.teardown.js']);
    expect(entry).toMatch(/import\(\s*["'`]\.\/setup\.annotate\.js["'`]\s*\)/);
    expect(entry).toMatch(/import\(\s*["'`]\.\/setup\.teardown\.js["'`]\s*\)/);
    expect(entry).toMatch(/import\(\s*["'`]\.\/setup\.failure\.js["'`]\s*\)/);
    // The ladder's code is not in the entry.
    expect(entry).not.toMatch(/function escalate\b/);
  });

  it('keeps the Vitest 3/4 runner specifier out of a literal import() (Vite would resolve it ahead of time)', () => {
    expect(entry).not.toMatch(/import\(\s*["'`]vitest\/runners/);
  });

  it('takes node builtins from process.getBuiltinModule, not through the ESM loader', () => {
    for (const [name, text] of files) expect(text, name).not.toMatch(/from\s*["'`]node:/);
    expect(entry).toMatch(/process\.getBuiltinModule\(\s*["'`]node:fs["'`]\s*\)/);
  });

  it('does not load node:os at start (a test worker has no other use for it)', () => {
    const head = entry.slice(0, entry.search(/\bfunction\b/));
    expect(head).not.toMatch(/node:os/);
  });
});
