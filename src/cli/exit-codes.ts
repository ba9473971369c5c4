/** Exit statuses of `curfew`. The command's own status passes through when it failed. */
export const EXIT_OK = 0;
/** Bad arguments: unknown option, missing command. */
export const EXIT_USAGE = 2;
/** The command succeeded but left processes running (chosen to be unlike any status a test runner uses). */
export const EXIT_LEAKED = 86;
/**
 * curfew itself could not do its job (the command could not be started, say), including on a Node
 * older than package.json's `engines` floor: src/cli/entry.ts refuses one before loading the CLI.
 */
export const EXIT_INTERNAL = 70;
/** The command was not found or not executable, as shells report it. */
export const EXIT_NOT_FOUND = 127;
export const EXIT_NOT_EXECUTABLE = 126;
/** A command killed by signal n exits 128 + n, as shells report it. */
export const SIGNAL_EXIT_BASE = 128;
