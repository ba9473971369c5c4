// Starts a fixture, passes its JSON line on, and exits at once, leaving the fixture's tree behind
// (so fixtures that stay alive can still be run as a command that "finishes").
import { spawn } from 'node:child_process';

const child = spawn(process.argv[2], [], { stdio: ['ignore', 'pipe', 'inherit'] });
let text = '';
child.stdout.on('data', (chunk) => {
  text += chunk;
  if (!text.includes('\n')) return;
  process.stdout.write(text.slice(0, text.indexOf('\n') + 1), () => process.exit(0));
});
