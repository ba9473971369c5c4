import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

type Koffi = typeof import('koffi');

// koffi's own loader (its index.cjs: ELF and libc detection, a search of several layouts) costs
// about three times what its addon does to load: most of what ending processes adds to a
// `curfew` start (~20 against ~6 ms of CPU, measured on Linux x64). On Linux, the prebuilt glibc
// addon that koffi itself would pick is loaded directly, when it is there and of koffi's own
// version; anything else (musl, where that addon fails to load, a build from source, another
// layout or version) goes through koffi's loader, as before.
function loadPrebuilt(require: NodeJS.Require): Koffi | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const koffiDir = dirname(require.resolve('koffi'));
    const { version } = JSON.parse(readFileSync(join(koffiDir, 'package.json'), 'utf8')) as { version: string };
    const platformPackage = createRequire(join(koffiDir, 'index.cjs')).resolve(`@koromix/koffi-linux-${process.arch}`);
    const addon = require(join(dirname(platformPackage), `linux_${process.arch}`, 'koffi.node')) as Koffi & { version?: string };
    return addon.version === version ? addon : undefined;
  } catch {
    return undefined;
  }
}

/** koffi, loaded the cheapest way that gives koffi's own addon. */
export function loadKoffi(from: string): Koffi {
  const require = createRequire(from);
  return loadPrebuilt(require) ?? (require('koffi') as Koffi);
}
