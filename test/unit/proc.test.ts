import { describe, expect, it } from 'vitest';
// Internal pure parsers.
import { findEnv, parseStat } from '../../dist/proc/index.js';
import { dyingBySignal, isDead, isExiting } from '../../dist/proc/types.js';
import { listeningIn, socketInodes } from '../../dist/proc/ports.js';

describe('/proc parsers', () => {
  it('parses stat lines whose command name has spaces and parentheses', () => {
    const line = '4242 (my (odd) cmd) S 1 4240 4239 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 3 0 987654 1000 10 18446744073709551615';
    expect(parseStat(line)).toEqual({ pid: 4242, state: 'S', ppid: 1, pgid: 4240, sid: 4239, threads: 3, startTicks: 987654, comm: 'my (odd) cmd', kernel: false, exiting: false });
  });

  it('tells a process in do_exit by its PF_EXITING flag, and a zombie leader with threads left as exiting', () => {
    const line = '88 (node) Z 1 88 88 0 -1 4194308 0 0 0 0 0 0 0 0 20 0 2 0 120 0 0 18446744073709551615';
    const info = parseStat(line)!;
    expect(info.exiting).toBe(true);
    expect(isExiting(info)).toBe(true);
    const base = { pid: 1, ppid: 1, pgid: 1, sid: 1, startTicks: 1, comm: 'x' };
    expect(isExiting({ ...base, state: 'Z', threads: 2 })).toBe(true);
    expect(isExiting({ ...base, state: 'S', threads: 2 })).toBe(false);
  });

  it('a pending SIGTERM without a handler means the process is about to exit', () => {
    const TERM = 1n << 14n;
    expect(dyingBySignal({ pending: TERM, ignored: 0n, caught: 0n })).toBe(true);
    expect(dyingBySignal({ pending: TERM, ignored: 0n, caught: TERM })).toBe(false);
    expect(dyingBySignal({ pending: TERM, ignored: TERM, caught: 0n })).toBe(false);
    expect(dyingBySignal({ pending: 1n << 16n, ignored: 0n, caught: 0n })).toBe(false); // SIGCHLD
  });

  it("reads the addresses a process listens on from its sockets and its namespace's tables", () => {
    const inodes = socketInodes(['/dev/null', 'socket:[48553]', 'pipe:[9]', 'socket:[48554]', 'socket:[77]']);
    expect([...inodes]).toEqual(['48553', '48554', '77']);
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1435 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 48553 1 0 100 0 0 10 0',
      '   1: 0100007F:9C40 0100007F:1435 01 00000000:00000000 00:00000000 00000000     0        0 77 1 0 100 0 0 10 0',
    ].join('\n');
    expect(listeningIn(tcp, inodes, 'tcp')).toEqual(['127.0.0.1:5173/tcp']);
    const udp6 = ['  sl  local_address remote_address st', ' 2662: 00000000000000000000000000000000:A112 00000000000000000000000000000000:0000 07 0:0 0:0 0 0 0 48554 2'].join('\n');
    expect(listeningIn(udp6, inodes, 'udp')).toEqual(['[::]:41234/udp']);
    const tcp6 = ['h', ' 1: 00000000000000000000000001000000:0050 0:0 0A 0:0 0:0 0 0 0 48553', ' 2: 0000000000000000FFFF00000100007F:0051 0:0 0A 0:0 0:0 0 0 0 77'].join('\n');
    expect(listeningIn(tcp6, inodes, 'tcp')).toEqual(['[::1]:80/tcp', '127.0.0.1:81/tcp']);
  });

  it('tells a kernel thread by its PF_KTHREAD flag', () => {
    const line = '77 (kdamond.0) S 2 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 120 0 0 18446744073709551615';
    expect(parseStat(line)?.kernel).toBe(true);
  });

  it('a zombie is dead only once its other threads are gone', () => {
    const base = { pid: 1, ppid: 1, pgid: 1, sid: 1, startTicks: 1, comm: 'x' };
    expect(isDead({ ...base, state: 'Z', threads: 1 })).toBe(true);
    expect(isDead({ ...base, state: 'Z', threads: 3 })).toBe(false);
    expect(isDead({ ...base, state: 'S', threads: 1 })).toBe(false);
  });

  it('finds one variable in an environment block', () => {
    const block = 'A=1\0CURFEW_TOKEN=ab:cd\0XCURFEW_TOKEN=no\0';
    expect(findEnv(block, 'CURFEW_TOKEN')).toBe('ab:cd');
    expect(findEnv('CURFEW_TOKEN=first\0B=2', 'CURFEW_TOKEN')).toBe('first');
    expect(findEnv('B=2\0', 'CURFEW_TOKEN')).toBeNull();
  });
});
