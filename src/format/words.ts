// A word a POSIX shell reads as itself needs no quotes; others get single quotes (a ' inside as '\'').
const PLAIN_WORD = /^[\w@%+=:,./-]+$/;

/** The command as a user could paste it into a shell: `-t 'exited by a signal'`, not `-t exited by a signal`. */
export function quoteCommand(argv: readonly string[]): string {
  return argv.map((arg) => (PLAIN_WORD.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)).join(' ');
}

/** `1 process`, `2 processes`, `3 tests`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : word.endsWith('s') ? 'es' : 's'}`;
}
