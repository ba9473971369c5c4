import { describe, expect, it } from 'vitest';
// Internal: how `curfew run` prints the command it ran.
import { quoteCommand } from '../../dist/format/words.js';

describe('the command in reports', () => {
  it('is quoted as a shell would need it', () => {
    expect(quoteCommand(['npm', 'test', '--', '-t', 'exited by a signal'])).toBe("npm test -- -t 'exited by a signal'");
    expect(quoteCommand(['sh', '-c', "echo 'hi'; exit 1"])).toBe(`sh -c 'echo '\\''hi'\\''; exit 1'`);
    expect(quoteCommand(['vitest', 'run', 'src/a.test.ts', '--pool=threads'])).toBe('vitest run src/a.test.ts --pool=threads');
    expect(quoteCommand(['echo', ''])).toBe("echo ''");
  });
});
