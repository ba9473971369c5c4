#!/usr/bin/env node
// Fails when a source file under src/ is longer than MAX_LINES: a file that long holds more than
// one idea and is asking to be split (docs/architecture.md).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const MAX_LINES = 200;
const ROOT = new URL('../src/', import.meta.url).pathname;
const SOURCE = /\.(?:[cm]?ts|[cm]?js)$/;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (SOURCE.test(entry.name)) yield path;
  }
}

const tooLong = [];
for (const path of files(ROOT)) {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > MAX_LINES) tooLong.push(`src/${relative(ROOT, path)}: ${lines} lines`);
}
if (tooLong.length > 0) {
  console.error(`max-lines: ${tooLong.length} file(s) over ${MAX_LINES} lines; split each along its ideas:\n  ${tooLong.join('\n  ')}`);
  process.exit(1);
}
console.log(`max-lines: every source file under src/ is ${MAX_LINES} lines or fewer`);
