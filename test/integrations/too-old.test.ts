import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FLAVOR } from './helpers/frameworks.js';

// Vitest 3.0 has no configureVitest hook: the plugin would load and do nothing, and a user would
// believe their suite guarded (a real trial: tsup pins Vitest 3.0.6). It must refuse instead.
// too-old/ is installed and staged by `npm run test:oldest`.
const DIR = fileURLToPath(new URL('./too-old/', import.meta.url));
const VITEST = `${DIR}node_modules/vitest/vitest.mjs`;
const ready = FLAVOR === 'oldest' && existsSync(VITEST) && existsSync(`${DIR}node_modules/curfew/package.json`);
if (!ready) console.log(`skipping the too-old Vitest test: ${FLAVOR === 'oldest' ? 'test/integrations/too-old is not installed' : 'runs under npm run test:oldest'}`);

describe.runIf(ready)('Vitest older than 3.1', () => {
  it('the plugin refuses with ERR_CURFEW_UNSUPPORTED_RUNNER, naming both versions, and the run fails', () => {
    const run = spawnSync(process.execPath, [VITEST, 'run'], { cwd: DIR, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: 'true' } });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).not.toBe(0);
    expect(output).toContain('ERR_CURFEW_UNSUPPORTED_RUNNER');
    expect(output).toMatch(/needs Vitest 3\.1 or later, and this is Vitest 3\.0\.\d+/);
  }, 150_000);
});
