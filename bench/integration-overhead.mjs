// Section 5: the overhead of the test integrations; each part skips on its own when the
// integration it measures is not built (see bench/integration/).
import { run as vitestPlugin } from './integration/vitest-plugin.mjs';
import { run as jestEnvironment } from './integration/jest-environment.mjs';
import { run as workerMemory } from './integration/worker-memory.mjs';
import { run as nodeTestImport } from './integration/node-test-import.mjs';
import { run as mochaPlugin } from './integration/mocha-plugin.mjs';
import { run as playwrightFixtures } from './integration/playwright.mjs';
import { log, runSection } from './lib/section.mjs';

export async function run() {
  const parts = [];
  for (const part of [vitestPlugin, jestEnvironment, workerMemory, nodeTestImport, mochaPlugin, playwrightFixtures]) {
    const result = await part();
    if (result.skipped) log(`${result.title}: ${result.markdown}`);
    parts.push(`### ${result.title}\n\n${result.markdown}`);
  }
  return { id: 'integration-overhead', title: '5. Overhead of the test integrations', markdown: parts.join('\n\n') };
}

if (import.meta.main) await runSection(run);
