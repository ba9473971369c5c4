import { createRequire } from 'node:module';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

type Koffi = typeof import('koffi');

// koffi's own loader (its index.cjs: ELF and libc detection, a search of several layouts) costs
// about three times what its addon does to load: most of what ending processes adds to a
// `curfew` start (~20 against ~6 ms of CPU, measured on Linux x64). On Linux, the prebuilt glibc
// addon that koffi itself would pick is loaded directly, when it is there and of koffi's own
// version; anything else (musl, where that addon fails to load, a build from source, another
// layout or version) goes through koffi's loader, as before.
function loadPrebuilt(require: NodeJS.Require, from: string): Koffi | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const koffiDir = findPackage(dirname(fileURLToPath(from)), 'koffi') ?? dirname(require.resolve('koffi'));
    const { version } = JSON.parse(readFileSync(join(koffiDir, 'package.json'), 'utf8')) as { version: string };
    const name = `@koromix/koffi-linux-${process.arch}`;
    const platformDir = findPackage(koffiDir, name) ?? dirname(createRequire(join(koffiDir, 'index.cjs')).resolve(name));
    const addon = require(join(platformDir, `linux_${process.arch}`, 'koffi.node')) as Koffi & { version?: string };
    return addon.version === version ? addon : undefined;
  } catch {
    return undefined;
  }
}

// A package's directory found the way Node looks for it (node_modules in each directory up to the
// root), by its package.json, with symlinks resolved (pnpm links a package's dependencies beside its
// real path). require.resolve() would find the same, but its first call cost ~3 ms of a `curfew`
// start (measured, bench 8); a layout this does not cover falls back to it.
function findPackage(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dir === dirname(dir)) return undefined;
  }
}

/** koffi, loaded the cheapest way that gives koffi's own addon. */
export function loadKoffi(from: string): Koffi {
  const require = createRequire(from);
  return loadPrebuilt(require, from) ?? (require('koffi') as Koffi);
}
