#!/usr/bin/env node
// Runs the load test N times in a row and keeps the score: for the rare flakes of the load test
// (a respawner's child that outlives a destroyed pool's watchdog, a zombie that stays for seconds).
//
//   node test/load/repeat.mjs                      # 100 runs of vitest run --config vitest.load.config.ts
//   N=20 LOG=/tmp/r.log node test/load/repeat.mjs  # 20 runs, log where you want it
//   N=50 node test/load/repeat.mjs -- test/load/scratch.test.ts -t destroyed   # args passed to vitest
//
// Environment: N (runs, default 100), LOG (the log; default a new file in the temp dir), CONFIG
// (default vitest.load.config.ts), RUN_TIMEOUT (seconds per run, default 900), STOP_AFTER_FAILS
// (stop after this many failed runs; default never), BUILD=1 (npm run build first), VARIANTS
// (A/B under the same load: `name:VAR=value VAR2=value,name2:` runs the variants in turn, each
// with its variables set, and the summary is given per variant too).
//
// Each run appends one JSON line to LOG (outcome, escapes, zombies, duration, load average, the
// numbers the test prints, failure messages) and keeps the run's whole output in LOG.d/run-<i>.out;
// the summary goes to stdout and, as a last JSON line with "summary", to LOG.
//
// What counts:
// - an escape: a process the test had to end itself (its afterEach "cleanup ended survivors" line),
//   one a destroyed pool left that reappeared after a look that found nothing ("reappeared" line),
//   or anything still running below the run when vitest exited (repeat-wrap's "left" lines);
// - a zombie: one the test saw lingering (threads still exiting) or never reaped.
//
// Safety: every run starts under test/load/repeat-wrap.mjs, a child subreaper in a session of its
// own, so the run's whole tree stays below it; every process also inherits CURFEW_REPEAT_MARKER,
// unique to this invocation. On exit (end, error, Ctrl-C, SIGTERM, SIGHUP) the script stops the
// current run through its wrapper, then SIGKILLs any process that still carries the marker (each
// pid checked against the start time it was found with). It signals nothing else.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WRAP = join(ROOT, 'test/load/repeat-wrap.mjs');
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
const N = Number(process.env.N ?? 100);
const CONFIG = process.env.CONFIG ?? 'vitest.load.config.ts';
const RUN_TIMEOUT_S = Number(process.env.RUN_TIMEOUT ?? 900);
const STOP_AFTER_FAILS = Number(process.env.STOP_AFTER_FAILS ?? Infinity);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const LOG = resolve(process.env.LOG ?? join(tmpdir(), `curfew-repeat-${stamp}.log`));
const OUT_DIR = `${LOG}.d`;
const MARKER_ENV = 'CURFEW_REPEAT_MARKER';
const MARKER = `repeat-${process.pid}-${randomBytes(6).toString('hex')}`;
// [{ name, env }]: run i uses variant (i - 1) % length.
const VARIANTS = (process.env.VARIANTS ?? '')
  .split(',')
  .filter((v) => v.trim() !== '')
  .map((v) => {
    const [name, assignments = ''] = v.split(/:(.*)/s);
    const env = Object.fromEntries(assignments.trim().split(/\s+/).filter(Boolean).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
    return { name: name.trim(), env };
  });
const dash = process.argv.indexOf('--');
const EXTRA = dash >= 0 ? process.argv.slice(dash + 1) : process.argv.slice(2);

if (!Number.isInteger(N) || N < 1) {
  console.error(`N must be a positive integer, got ${process.env.N}`);
  process.exit(2);
}
mkdirSync(dirname(LOG), { recursive: true });
mkdirSync(OUT_DIR, { recursive: true });

// ---- processes of ours: the marker, nothing else ------------------------------------------------

function statOf(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], ppid: Number(f[1]), start: f[19] };
  } catch {
    return null;
  }
}

/** Live processes (not zombies) whose environment holds exactly our marker, with their start times. */
function markerCarriers() {
  const needle = `${MARKER_ENV}=${MARKER}`;
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let env;
    try {
      env = readFileSync(`/proc/${name}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (!env.split('\0').includes(needle)) continue;
    const s = statOf(name);
    if (s && s.state !== 'Z' && s.state !== 'X') out.push({ pid: Number(name), start: s.start });
  }
  return out;
}

function cmdOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0+$/, '').replaceAll('\0', ' ').slice(0, 160);
  } catch {
    return '?';
  }
}

/** SIGKILLs marker carriers until none is left (bounded); returns what was found the first time. */
async function killMarkerCarriers() {
  let first = null;
  for (let round = 0; round < 100; round++) {
    const found = markerCarriers();
    first ??= found.map(({ pid }) => `${pid} ${cmdOf(pid)}`);
    if (found.length === 0) break;
    for (const { pid, start } of found) {
      // The same process that was found (a recycled pid has another start time).
      if (statOf(pid)?.start !== start) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await sleep(50);
  }
  return first ?? [];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- one run ------------------------------------------------------------------------------------

let current = null; // { child, exited: Promise }

function loadavg() {
  try {
    return readFileSync('/proc/loadavg', 'latin1').split(' ').slice(0, 3).map(Number);
  } catch {
    return null;
  }
}

// Lines the load test prints, turned into numbers.
function parse(out) {
  const text = out.replace(/\x1b\[[0-9;]*m/g, '');
  const r = { numbers: {}, escapes: [], zombies: { lingering: [], unreaped: [] }, left: [], failures: [] };
  let m;
  if ((m = /load: (\d+) teardowns of (\d+) reported pids in ([\d.]+) s; teardown latency p50 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms/.exec(text))) {
    Object.assign(r.numbers, { teardowns: +m[1], reportedPids: +m[2], loadSeconds: +m[3], p50: +m[4], p99: +m[5], max: +m[6] });
  }
  for (const g of text.matchAll(/load \((\w+)\): (\d+) held processes gone (\d+|never) ms after pool\.destroy\(\)/g)) {
    r.numbers[`gone_${g[1]}`] = g[3] === 'never' ? null : +g[3];
    r.numbers[`held_${g[1]}`] = +g[2];
  }
  for (const g of text.matchAll(/zombies: (.*)$/gm)) (r.numbers.zombieWaits ??= []).push(g[1]);
  for (const g of text.matchAll(/cleanup ended survivors left by the test: ([\d ]+)/g)) r.escapes.push(...g[1].trim().split(/\s+/).map((p) => `cleanup ended ${p}`));
  for (const g of text.matchAll(/^.*reappeared.*$/gm)) r.escapes.push(g[0].trim());
  for (const g of text.matchAll(/zombies still exiting \(threads alive, not reapable yet\): (.*)$/gm)) r.zombies.lingering.push(...g[1].split('; '));
  for (const g of text.matchAll(/unreaped zombies: (.*)$/gm)) r.zombies.unreaped.push(...g[1].split('; '));
  for (const g of text.matchAll(/^repeat-wrap: left (.*)$/gm)) r.left.push(g[1]);
  for (const g of text.matchAll(/^ *(?:FAIL|×|✗) +(test\/\S+ > .*)$/gm)) r.failures.push(g[1].trim());
  return r;
}

function runOnce(i, variant) {
  const outFile = join(OUT_DIR, `run-${i}.out`);
  const jsonFile = join(OUT_DIR, `run-${i}.json`);
  const out = createWriteStream(outFile);
  let text = '';
  const args = [WRAP, process.execPath, VITEST, 'run', '--config', CONFIG, '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...EXTRA];
  const started = Date.now();
  const load0 = loadavg();
  // Its own session: Ctrl-C in this terminal reaches only this script, which stops the run itself.
  const child = spawn(process.execPath, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...variant?.env, [MARKER_ENV]: MARKER, FORCE_COLOR: '0' } });
  const onData = (d) => {
    text += d;
    out.write(d);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((r) => child.on('close', (code, signal) => r({ code, signal })));
  current = { child, exited };
  const timer = setTimeout(() => {
    onData(`repeat: run ${i} timed out after ${RUN_TIMEOUT_S} s\n`);
    child.kill('SIGTERM');
  }, RUN_TIMEOUT_S * 1000);
  return exited.then(async ({ code, signal }) => {
    clearTimeout(timer);
    current = null;
    const markerLeft = await killMarkerCarriers();
    for (const l of markerLeft) onData(`repeat: marker carrier left after the run: ${l}\n`);
    out.end();
    const parsed = parse(text);
    let tests = null;
    try {
      const j = JSON.parse(readFileSync(jsonFile, 'utf8'));
      tests = j.testResults.flatMap((f) => f.assertionResults.map((a) => ({ name: a.fullName ?? a.title, status: a.status, ms: a.duration == null ? null : Math.round(a.duration), failure: a.failureMessages?.length ? a.failureMessages.join('\n').split('\n').slice(0, 12).join('\n') : undefined })));
      rmSync(jsonFile);
    } catch {
      // no report (killed, crashed): the exit status says it
    }
    const failedTests = tests?.filter((t) => t.status === 'failed') ?? [];
    const escapes = [...parsed.escapes, ...parsed.left.map((l) => `left after the run: ${l}`), ...markerLeft.map((l) => `marker carrier after the run: ${l}`)];
    return {
      run: i,
      ...(variant ? { variant: variant.name } : {}),
      at: new Date(started).toISOString(),
      pass: code === 0 && failedTests.length === 0,
      exit: signal ?? code,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      load: { start: load0, end: loadavg() },
      escapes,
      zombies: parsed.zombies,
      numbers: parsed.numbers,
      failed: failedTests.map((t) => ({ name: t.name, failure: t.failure })),
      tests: tests?.map(({ name, status, ms }) => ({ name, status, ms })),
      output: outFile,
    };
  });
}

// ---- the loop, the summary, and stopping ---------------------------------------------------------

const allResults = [];
let stopping = false;

function median(xs) {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return s.length === 0 ? null : s[Math.floor((s.length - 1) / 2)];
}

function summary(results = allResults, withVariants = true) {
  const runs = results.length;
  const failed = results.filter((r) => !r.pass);
  const withEscapes = results.filter((r) => r.escapes.length > 0);
  const withLingering = results.filter((r) => r.zombies.lingering.length > 0);
  const withUnreaped = results.filter((r) => r.zombies.unreaped.length > 0);
  const s = {
    summary: true,
    marker: MARKER,
    args: EXTRA,
    config: CONFIG,
    runs,
    passed: runs - failed.length,
    failed: failed.length,
    failedRuns: failed.map((r) => r.run),
    escapes: withEscapes.reduce((n, r) => n + r.escapes.length, 0),
    runsWithEscapes: withEscapes.map((r) => r.run),
    zombiesLingering: withLingering.reduce((n, r) => n + r.zombies.lingering.length, 0),
    runsWithLingeringZombies: withLingering.map((r) => r.run),
    zombiesUnreaped: withUnreaped.reduce((n, r) => n + r.zombies.unreaped.length, 0),
    runsWithUnreapedZombies: withUnreaped.map((r) => r.run),
    medianSeconds: median(results.map((r) => r.seconds)),
    medianLoad1: median(results.map((r) => r.load.start?.[0])),
    medianGone: Object.fromEntries(['worker_threads', 'child_process'].map((rt) => [rt, median(results.map((r) => r.numbers[`gone_${rt}`]))])),
    failedTests: Object.entries(failed.flatMap((r) => r.failed.map((t) => t.name)).reduce((m, n) => ({ ...m, [n]: (m[n] ?? 0) + 1 }), {})),
  };
  if (withVariants && VARIANTS.length > 0) s.variants = Object.fromEntries(VARIANTS.map((v) => [v.name, summary(results.filter((r) => r.variant === v.name), false)]));
  return s;
}

function printSummary(s, title = 'repeat') {
  console.log(`\n${title}: ${s.runs} runs, ${s.passed} passed, ${s.failed} failed${s.failed ? ` (runs ${s.failedRuns.join(', ')})` : ''}`);
  console.log(`  escapes: ${s.escapes} in ${s.runsWithEscapes.length} runs${s.runsWithEscapes.length ? ` (${s.runsWithEscapes.join(', ')})` : ''}`);
  console.log(`  zombies: ${s.zombiesLingering} lingering in ${s.runsWithLingeringZombies.length} runs, ${s.zombiesUnreaped} never reaped in ${s.runsWithUnreapedZombies.length} runs`);
  for (const [name, n] of s.failedTests) console.log(`  failed ${n}x: ${name}`);
  console.log(`  median run ${s.medianSeconds} s, median load (1 min) at start ${s.medianLoad1}, median gone after destroy: ${JSON.stringify(s.medianGone)}`);
  for (const [name, v] of Object.entries(s.variants ?? {})) {
    const vars = Object.entries(VARIANTS.find((x) => x.name === name).env).map(([k, x]) => `${k}=${x}`).join(' ');
    printSummary(v, `variant ${name} (${vars || 'no variables'})`);
  }
  if (title === 'repeat') console.log(`  log: ${LOG}`);
}

async function stop(why) {
  if (stopping) return;
  stopping = true;
  console.log(`\nrepeat: ${why}: stopping the current run`);
  const run = current;
  if (run) {
    try {
      process.kill(run.child.pid, 'SIGTERM'); // the wrapper: SIGTERM to vitest, then SIGKILL to its tree
    } catch {}
    await Promise.race([run.exited, sleep(10_000)]);
  }
  const left = await killMarkerCarriers();
  if (left.length) console.log(`repeat: ended marker carriers: ${left.join('; ')}`);
  if (run && run.child.exitCode === null && run.child.signalCode === null) {
    try {
      process.kill(run.child.pid, 'SIGKILL');
    } catch {}
  }
  const s = summary();
  appendFileSync(LOG, `${JSON.stringify({ ...s, interrupted: why })}\n`);
  printSummary(s);
  process.exit(130);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void stop(sig));

if (process.env.BUILD === '1') {
  const b = spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, [MARKER_ENV]: MARKER } });
  const code = await new Promise((r) => b.on('close', r));
  if (code !== 0) process.exit(code ?? 1);
}
if (!existsSync(join(ROOT, 'dist/index.js'))) {
  console.error('repeat: dist/ is missing: npm run build first (or BUILD=1)');
  process.exit(2);
}
console.log(`repeat: ${N} runs of vitest run --config ${CONFIG}${EXTRA.length ? ` ${EXTRA.join(' ')}` : ''}${VARIANTS.length ? `; variants in turn: ${VARIANTS.map((v) => v.name).join(', ')}` : ''}; log ${LOG}; marker ${MARKER_ENV}=${MARKER}`);
let fails = 0;
for (let i = 1; i <= N && !stopping; i++) {
  const variant = VARIANTS.length > 0 ? VARIANTS[(i - 1) % VARIANTS.length] : undefined;
  const r = await runOnce(i, variant);
  if (stopping) break;
  allResults.push(r);
  appendFileSync(LOG, `${JSON.stringify(r)}\n`);
  if (!r.pass) fails++;
  const n = r.numbers;
  const gone = ['worker_threads', 'child_process'].map((rt) => (n[`gone_${rt}`] === undefined ? '' : ` gone ${rt === 'worker_threads' ? 'wt' : 'cp'} ${n[`gone_${rt}`] ?? 'never'} ms`)).join('');
  console.log(
    `run ${i}/${N}${variant ? ` [${variant.name}]` : ''}: ${r.pass ? 'pass' : `FAIL (${r.failed.map((t) => t.name).join('; ') || `exit ${r.exit}`})`} ${r.seconds} s load ${r.load.start?.[0]}` +
      `${n.p50 === undefined ? '' : ` p50 ${n.p50} p99 ${n.p99} max ${n.max} ms`}${gone}` +
      `${r.escapes.length ? ` ESCAPES ${r.escapes.length}: ${r.escapes.join(' | ')}` : ''}` +
      `${r.zombies.lingering.length ? ` lingering zombies ${r.zombies.lingering.length}` : ''}${r.zombies.unreaped.length ? ` UNREAPED zombies ${r.zombies.unreaped.length}` : ''}`,
  );
  if (fails >= STOP_AFTER_FAILS) {
    console.log(`repeat: stopping after ${fails} failed runs`);
    break;
  }
}
if (!stopping) {
  const s = summary();
  appendFileSync(LOG, `${JSON.stringify(s)}\n`);
  printSummary(s);
  process.exit(s.failed > 0 ? 1 : 0);
}
