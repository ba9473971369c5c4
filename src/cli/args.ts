import { validateMilliseconds } from '../options.js';

export interface RunArgs {
  command: string[];
  grace: number;
  json: string | undefined;
  allowLeaks: boolean;
  cgroup: boolean;
  quiet: boolean;
}

export type Parsed =
  | { kind: 'help'; topic: 'main' | 'run' | 'doctor' }
  | { kind: 'version' }
  | { kind: 'run'; args: RunArgs }
  | { kind: 'doctor'; json: boolean }
  | { kind: 'usage'; message: string; topic: 'main' | 'run' | 'doctor' };

const usage = (message: string, topic: 'main' | 'run' | 'doctor' = 'main'): Parsed => ({ kind: 'usage', message, topic });

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
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') return { kind: 'help', topic: rest[0] === 'run' || rest[0] === 'doctor' ? rest[0] : 'main' };
  if (sub === '-v' || sub === '--version') return { kind: 'version' };
  if (sub === 'run') return parseRun(rest);
  if (sub === 'doctor') {
    if (rest.includes('-h') || rest.includes('--help')) return { kind: 'help', topic: 'doctor' };
    const unknown = rest.find((a) => a !== '--json');
    if (unknown) return usage(`unknown option ${unknown}`, 'doctor');
    return { kind: 'doctor', json: rest.includes('--json') };
  }
  return usage(`unknown command ${sub}`);
}
