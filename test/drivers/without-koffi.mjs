// Loads curfew as installed in a project where koffi is missing (a copy of the package beside
// execa, with no koffi anywhere up the tree), to show a broken environment surfaces as a
// CurfewError with a stable code rather than a crash or a silent no-op.
import { cpSync, mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const project = mkdtempSync(join(tmpdir(), 'curfew-without-koffi-'));
try {
  const installed = join(project, 'node_modules', 'curfew');
  mkdirSync(installed, { recursive: true });
  cpSync(join(root, 'package.json'), join(installed, 'package.json'));
  cpSync(join(root, 'dist'), join(installed, 'dist'), { recursive: true });
  // execa resolves its own dependencies from its real path, in this repository.
  symlinkSync(join(root, 'node_modules', 'execa'), join(project, 'node_modules', 'execa'));
  const { createScope, spawn, isCurfewError } = await import(pathToFileURL(join(installed, 'dist', 'index.js')).href);
  const scope = createScope();
  await spawn('true', [], { scope });
  try {
    await scope.teardown();
    console.log(JSON.stringify({ threw: false }));
  } catch (error) {
    console.log(JSON.stringify({ threw: true, curfew: isCurfewError(error), code: error.code, message: error.message }));
  }
} finally {
  rmSync(project, { recursive: true, force: true });
}
