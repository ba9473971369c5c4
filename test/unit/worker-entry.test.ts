import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The Vitest worker entry loads in every test file's fresh worker (rolldown.config.mjs says why
// its size matters there). These are properties of the build that a change could silently undo.
const entry = readFileSync(new URL('../../dist/integrations/vitest/setup.bundle.js', import.meta.url), 'latin1');

describe('the Vitest worker entry', () => {
  it('is ASCII only, so V8 holds its source as one byte per character', () => {
    const first = [...entry].findIndex((c) => c.charCodeAt(0) > 0x7f);
    expect(first === -1 ? '' : entry.slice(Math.max(0, first - 40), first + 40)).toBe('');
  });

  it('keeps the Vitest 3/4 runner specifier out of a literal import() (Vite would resolve it ahead of time)', () => {
    expect(entry).not.toMatch(/import\(\s*["'`]vitest\/runners/);
  });

  it('takes node builtins from process.getBuiltinModule, not through the ESM loader', () => {
    expect(entry).not.toMatch(/from\s*["'`]node:/);
    expect(entry).toMatch(/process\.getBuiltinModule\(\s*["'`]node:fs["'`]\s*\)/);
  });

  it('does not load node:os at start (a test worker has no other use for it)', () => {
    const head = entry.slice(0, entry.search(/\bfunction\b/));
    expect(head).not.toMatch(/node:os/);
  });
});
