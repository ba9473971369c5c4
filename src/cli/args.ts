import { validateMilliseconds } from '../options.js';
import { parseMerge, type MergeArgs } from './merge.js';

export interface RunArgs {
  command: string[];
  grace: number;
  json: string | undefined;
  /** Where to write the versioned leak report that `curfew merge` reads (src/report/). */
  report?: string;
  allowLeaks: boolean;
  cgroup: boolean;
  quiet: boolean;
}

export type Parsed =
  | { kind: 'help'; topic: Topic }
  | { kind: 'version' }
  | { kind: 'run'; args: RunArgs }
  | { kind: 'doctor'; json: boolean }
  | { kind: 'merge'; args: MergeArgs }
  | { kind: 'usage'; message: string; topic: Topic };

type Topic = 'main' | 'run' | 'doctor' | 'merge';
const TOPICS: readonly string[] = ['run', 'doctor', 'merge'];

const usage = (message: string, topic: Topic = 'main'): Parsed => ({ kind: 'usage', message, topic });

function parseRun(argv: string[]): Parsed {
  const args: RunArgs = { command: [], grace: 1000, json: undefined, allowLeaks: false, cgroup: true, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      args.command = argv.slice(i + 1);
      break;
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '-h' || flag === '--help') return { kind: 'help', topic: 'run' };
    else if (flag === '--allow-leaks') args.allowLeaks = true;
    else if (flag === '--no-cgroup') args.cgroup = false;
    else if (flag === '--quiet' || flag === '-q') args.quiet = true;
    else if (flag === '--json') {
      const file = value();
      if (!file) return usage('--json needs a file name', 'run');
      args.json = file;
    } else if (flag === '--report') {
      const file = value();
      if (!file) return usage('--report needs a file name', 'run');
      args.report = file;
    } else if (flag === '--grace') {
      const text = value();
      const ms = text !== undefined && /^\d+$/.test(text) ? Number(text) : Number.NaN;
      try {
        args.grace = validateMilliseconds('grace', ms) ?? 1000;
      } catch {
        return usage(`--grace needs a non-negative whole number of milliseconds, got ${JSON.stringify(text ?? '')}`, 'run');
      }
    } else if (arg.startsWith('-')) return usage(`unknown option ${arg}`, 'run');
    else {
      args.command = argv.slice(i);
      break;
    }
  }
  if (args.command.length === 0) return usage('missing the command to run (put it after --)', 'run');
  return { kind: 'run', args };
}

export function parseArgs(argv: string[]): Parsed {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') return { kind: 'help', topic: TOPICS.includes(rest[0]) ? (rest[0] as Topic) : 'main' };
  if (sub === '-v' || sub === '--version') return { kind: 'version' };
  if (sub === 'run') return parseRun(rest);
  if (sub === 'merge') {
    const merged = parseMerge(rest);
    return typeof merged === 'string' ? (merged === 'help' ? { kind: 'help', topic: 'merge' } : usage(merged, 'merge')) : { kind: 'merge', args: merged };
  }
  if (sub === 'doctor') {
    if (rest.includes('-h') || rest.includes('--help')) return { kind: 'help', topic: 'doctor' };
    const unknown = rest.find((a) => a !== '--json');
    if (unknown) return usage(`unknown option ${unknown}`, 'doctor');
    return { kind: 'doctor', json: rest.includes('--json') };
  }
  return usage(`unknown command ${sub}`);
}
