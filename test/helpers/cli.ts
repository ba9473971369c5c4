import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `curfew` command as npm installs it (package.json "bin"): dist/cli/curfew.js, run through its `#!/usr/bin/env node`. */
export const CLI_JS = fileURLToPath(new URL('../../dist/cli/curfew.js', import.meta.url));

/** PATH with this Node first: the command's `#!/usr/bin/env node` runs the first `node` on PATH. */
export const PATH_WITH_THIS_NODE = `${dirname(process.execPath)}:${process.env.PATH}`;
