import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { spawn, type Subprocess } from 'curfew';
import { MARKER_ENV } from './processes.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/**
 * Every fixture that leaves an escaping process behind (fixtures/orphaning.json), and whether only
 * SIGKILL ends it. One list, so that a new fixture reaches every test and the benchmark.
 */
export const ORPHANING: { name: string; needsKill?: boolean }[] = JSON.parse(readFileSync(`${FIXTURES}orphaning.json`, 'utf8'));

export function fixturePath(name: string): string {
  return FIXTURES + name;
}

export interface FixtureLine {
  pids: number[];
  zombies?: number[];
  [key: string]: unknown;
}

/** Resolves with the fixture's one JSON line, without waiting for it to exit. */
export function readLine(stream: Readable, withinMs = 15_000): Promise<FixtureLine> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no JSON line within ${withinMs} ms; got ${JSON.stringify(text)}`)), withinMs);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      stream.off('data', onData);
      stream.resume();
      try {
        resolve(JSON.parse(text.slice(0, nl)) as FixtureLine);
      } catch (error) {
        reject(error);
      }
    };
    stream.on('data', onData);
    stream.once('end', () => {
      clearTimeout(timer);
      if (!text.includes('\n')) reject(new Error(`fixture closed stdout without a line; got ${JSON.stringify(text)}`));
    });
  });
}

/** Starts a fixture through curfew's spawn. */
export async function startWithCurfew(name: string, marker: string, options: Record<string, unknown> = {}): Promise<{ sub: Subprocess; line: FixtureLine }> {
  const sub = spawn(fixturePath(name), [], { env: { [MARKER_ENV]: marker }, stdin: 'ignore', stderr: 'inherit', buffer: false, reject: false, ...options });
  const line = await readLine(sub.stdout!);
  return { sub, line };
}

/** Starts a fixture with plain child_process (no curfew spawn): found through the token or as an orphan. */
export async function startPlain(name: string, marker: string): Promise<{ child: ChildProcess; line: FixtureLine }> {
  const child = nodeSpawn(fixturePath(name), [], { env: { ...process.env, [MARKER_ENV]: marker }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await readLine(child.stdout!);
  return { child, line };
}
