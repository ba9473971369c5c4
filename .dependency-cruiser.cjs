// The layers of src/, lowest first (docs/architecture.md says what each holds). A module may
// import its own folder and any lower tier, never a peer folder of its own tier or anything
// above it. Type-only imports count too: a type reached for upward is the same design smell.
const TIERS = [
  // leaves: imported by everything, importing nothing of ours but each other
  [['leaves', String.raw`^src/(errors|options|ids|clock|wait|main-thread)\.ts$|^src/format/`]],
  [['native', '^src/native/'], ['proc', '^src/proc/']],
  [['kill', '^src/kill/'], ['cgroup', '^src/cgroup/'], ['reaper', '^src/reaper/']],
  [['watchdog', '^src/watchdog/'], ['report', '^src/report/']],
  [['registry', '^src/registry/']],
  [['group', '^src/group/']],
  [['scope', '^src/scope/']],
  [['spawn', '^src/spawn/']],
  [['integrations', '^src/integrations/']],
  // curfew merge prints the integrations' leak blocks and summary
  [['cli', '^src/cli/']],
  [['index', String.raw`^src/index\.ts$`]],
];

const layerRules = TIERS.flatMap((tier, at) =>
  tier.flatMap(([name, path]) => {
    const higherOrPeer = [...TIERS.slice(at + 1).flat(), ...tier.filter(([other]) => other !== name)].map(([, p]) => p);
    // The top tier (the public entry) may import anything below it.
    if (higherOrPeer.length === 0) return [];
    return {
      name: `layer-${name}`,
      comment: `${name} imports only its own folder and the tiers below it (see docs/architecture.md)`,
      severity: 'error',
      from: { path },
      to: { path: higherOrPeer.join('|') },
    };
  }),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'a cycle ties its modules into one layer: split the shared part out below them',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that resolves to nothing would hide a layer crossing',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'every-layer-known',
      comment: 'a new folder under src/ belongs in one tier of .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/', pathNot: TIERS.flat().map(([, p]) => p).join('|') },
      to: {},
    },
  ],
  options: {
    includeOnly: '^src/',
    // TypeScript 7 (this project's compiler) has no JavaScript API yet: swc parses the sources.
    parser: 'swc',
    // swc reports `import type` too (as dependency type "type-only"), so the rules above count
    // type imports without tsPreCompilationDeps, which would ask for the TypeScript API.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.cts', '.mts', '.js', '.cjs', '.mjs'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
