import type { Options as ExecaOptions } from 'execa';
import { invalid, validateBoolean, validateMilliseconds, type EndOptions } from '../options.js';
import { Scope, type SpawnOptions } from '../scope/scope.js';

export type { SpawnOptions } from '../scope/scope.js';

const isScope = (value: unknown): value is Scope => value instanceof Scope;

const OWN = new Set(['grace', 'signals', 'timeout', 'scope', 'cgroup']);

export interface NormalizedSpawn {
  file: string | URL;
  args: string[];
  end: EndOptions;
  timeout: number | undefined;
  scope: Scope | undefined;
  cgroup: boolean | undefined;
  execa: ExecaOptions;
}

/** Validates once, at the boundary, and splits curfew's options from execa's. */
export function normalizeSpawn(file: unknown, args: unknown, options: unknown): NormalizedSpawn {
  if (!(file instanceof URL) && (typeof file !== 'string' || file.trim() === '')) invalid('file', 'a non-empty command string', file);
  if (args !== undefined && (!Array.isArray(args) || args.some((a) => typeof a !== 'string'))) invalid('args', 'an array of strings', args);
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) invalid('options', 'an object', options);
  const all = (options ?? {}) as SpawnOptions;
  const execa: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) if (!OWN.has(k)) execa[k] = v;
  // Validated where it is normalized with the scope's defaults (spawn.ts), before anything starts.
  const end: EndOptions = { grace: all.grace, signals: all.signals };
  if (all.scope !== undefined && !isScope(all.scope)) invalid('scope', 'a scope from createScope()', all.scope);
  return {
    file: file as string | URL,
    args: (args as string[] | undefined) ?? [],
    end,
    timeout: validateMilliseconds('timeout', all.timeout),
    scope: all.scope,
    cgroup: validateBoolean('cgroup', all.cgroup),
    execa: execa as ExecaOptions,
  };
}
