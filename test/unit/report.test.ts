import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { formatGithubAnnotations, lineOf, mergeReports, newReport, parseReport, type ReportEntry } from 'curfew/report';

const PROCESS = { pid: 42, cmd: 'node server.js --port=1', escape: 'new group' as const, foundBy: 'group' as const, signal: 'SIGTERM' as const, alive: false, listening: [] };
const entry = (over: Partial<ReportEntry> = {}): ReportEntry => ({ kind: 'test', title: 'a.test.js > serves', file: 'test/a.test.js', processes: [PROCESS], problems: [], ...over });

describe('the report file', () => {
  it('round-trips through parseReport, which recomputes the totals', () => {
    const report = newReport('vitest', { shard: '1/2', entries: [entry(), entry({ processes: [{ ...PROCESS, pid: 43, alive: true }] })] });
    const parsed = parseReport(JSON.stringify({ ...report, totals: { entries: 0, processes: 0, alive: 0 } }));
    expect(parsed.totals).toEqual({ entries: 2, processes: 2, alive: 1 });
    expect(parsed).toMatchObject({ schema: 'curfew-report', version: 1, runner: 'vitest', shard: '1/2' });
  });

  it('names what is wrong with a file that is not one', () => {
    expect(() => parseReport('{', 'x.json')).toThrow(/^x\.json: not a curfew report: invalid JSON/);
    expect(() => parseReport('[]', 'x.json')).toThrow(TypeError);
    expect(() => parseReport(JSON.stringify({ ...newReport('jest'), version: 2 }), 'x.json')).toThrow(/version 2, written by a newer curfew; this one reads version 1/);
    expect(() => parseReport(JSON.stringify(newReport('jest', { entries: [{ ...entry(), kind: 'nope' as never }] })), 'x.json')).toThrow(/entries\[0\]\.kind is "nope"/);
  });

  it('the JSON schema in docs/ names the same required fields', () => {
    const schema = JSON.parse(readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8'));
    expect(schema.properties.schema.const).toBe('curfew-report');
    expect(schema.properties.version.const).toBe(1);
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys({ ...newReport('x', { shard: '1/2', command: [], commandStatus: 0 }) }).sort());
  });

  it('merges shards: entries marked with their shard, the first failing command status, fail over warn', () => {
    const a = newReport('curfew run', { onLeak: 'fail', commandStatus: 0, entries: [entry()] });
    const b = newReport('curfew run', { onLeak: 'warn', commandStatus: 3, entries: [entry()], problems: ['cgroup busy'] });
    const merged = mergeReports([{ path: '/ci/a.json', report: a }, { path: '/ci/b.json', report: { ...b, shard: '2/2' } }]);
    expect(merged).toMatchObject({ runner: 'curfew run', onLeak: 'fail', commandStatus: 3, totals: { entries: 2, processes: 2 }, problems: ['2/2: cgroup busy'] });
    expect(merged.entries.map((e) => e.source)).toEqual(['a.json', '2/2']);
  });
});

describe('GitHub annotations', () => {
  it('one per entry, at the line of the spawn site in its own file, properties escaped', () => {
    const at = entry({ processes: [{ ...PROCESS, spawnedAt: ['start (helpers.cjs:14:17)', 'test/a.test.js:9:5'] }] });
    expect(lineOf(at)).toBe(9);
    expect(lineOf(entry({ line: 3 }))).toBe(3);
    expect(lineOf(entry())).toBeUndefined();
    expect(formatGithubAnnotations([at], 'error')).toBe('::error file=test/a.test.js,line=9,title=curfew%3A a.test.js > serves left 1 process running::42 node server.js --port=1 [new group; ended by SIGTERM]\n');
    expect(formatGithubAnnotations([entry({ file: undefined, kind: 'run', title: 'the run, 50%' })], 'warning')).toBe('::warning title=curfew%3A the run%2C 50%25 left 1 process running::42 node server.js --port=1 [new group; ended by SIGTERM]\n');
  });
});
