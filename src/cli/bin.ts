import { readFileSync } from 'node:fs';
import { parseArgs } from './args.js';
import { diagnose, formatDoctor } from './doctor.js';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { HELP } from './help.js';
import { merge } from './merge.js';
import { run } from './run.js';

async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  switch (parsed.kind) {
    case 'help':
      process.stdout.write(HELP[parsed.topic]);
      return EXIT_OK;
    case 'version': {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      process.stdout.write(`${pkg.version}\n`);
      return EXIT_OK;
    }
    case 'usage':
      process.stderr.write(`curfew: ${parsed.message}\n\n${HELP[parsed.topic]}`);
      return EXIT_USAGE;
    case 'doctor': {
      const report = diagnose();
      process.stdout.write(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctor(report));
      return EXIT_OK;
    }
    case 'merge':
      return merge(parsed.args, { stdout: process.stdout, stderr: process.stderr, color: process.stderr.isTTY === true && !process.env.NO_COLOR });
    case 'run': {
      const color = process.stderr.isTTY === true && !process.env.NO_COLOR;
      const out = { stderr: process.stderr, color, github: process.env.GITHUB_ACTIONS === 'true' };
      return run(parsed.args, out);
    }
  }
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`curfew: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT_INTERNAL;
  },
);
