import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node CLI, run directly. */
export const CLI_JS = fileURLToPath(new URL('../../dist/cli/curfew.js', import.meta.url));

/** The installed command: on Linux with Perl, a Perl supervisor that hands leftovers to the Node CLI. */
export const COMMAND = fileURLToPath(new URL('../../dist/cli/curfew', import.meta.url));

/** The two ways to run the CLI; `curfew run` is tested through both. */
export const CLI_ENTRIES = [
  { name: 'curfew (the installed command)', file: COMMAND, prefix: [] as string[] },
  { name: 'node dist/cli/curfew.js', file: process.execPath, prefix: [CLI_JS] },
];

/** PATH with this Node first: the Perl supervisor hands over to whichever `node` is on PATH. */
export const PATH_WITH_THIS_NODE = `${dirname(process.execPath)}:${process.env.PATH}`;
