// `fairsend sim --out D --events F`: interrupted runs leave the old outputs as they were and no
// temporary file; event log paths that would collide with the reports (or stdout) are refused.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'fairsend-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Result { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function start(...args: string[]): { child: ChildProcess; result: Promise<Result> } {
  const child = spawn(process.execPath, [join(root, 'bin/fairsend.js'), ...args], { cwd: root, timeout: 120_000 });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return { child, result: new Promise((done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr }))) };
}

/** Every file under `d`, relative, sorted. */
function tree(d: string): string[] {
  return (readdirSync(d, { recursive: true }) as string[]).sort();
}

/** Two policies of 50,000 recipients each: a few seconds, long enough to interrupt the second. */
const LONG = [
  'durationMs: 1000', 'drainMs: 100000000', 'policies: [fair, round-robin]',
  'services: [{ id: s, intervalMs: 1, concurrency: 4 }]', 'users: [{ id: a }, { id: b }]',
  'tasks: [{ at: 0, user: a, recipients: 50000 }, { at: 0, user: b, recipients: 50000 }]', '',
].join('\n');

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.concurrent('an interrupted fairsend sim', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} while the second policy runs: exit ${code}, old outputs untouched, no temporary file`, { timeout: 120_000 }, async () => {
      const d = join(dir, signal);
      mkdirSync(d);
      const file = join(d, 'long.yaml');
      writeFileSync(file, LONG);
      for (const f of ['summary.json', 'report.md', 'report.html', 'ev.fair.jsonl', 'ev.round-robin.jsonl']) writeFileSync(join(d, f), `old ${f}`);
      const before = tree(d);
      const run = start('sim', file, '--out', d, '--events', join(d, 'ev.jsonl'), '--quiet');
      // The first policy is done once the second one's log is being written, wherever that is.
      await until(() => tree(d).some((f) => f.includes('round-robin.jsonl.tmp-')), 60_000);
      run.child.kill(signal);
      const r = await run.result;
      expect([r.code, r.stdout, r.stderr]).toEqual([code, '', `interrupted by ${signal}: nothing written\n`]);
      expect(tree(d)).toEqual(before);
      for (const f of before.filter((x) => x !== 'long.yaml')) expect(readFileSync(join(d, f), 'utf8')).toBe(`old ${f}`);
    });
  }
});

describe.concurrent('event log paths', () => {
  it('refuses an event log that would overwrite a report file', async () => {
    const out = join(dir, 'clash');
    const r = await start('sim', 'scenarios/example.yaml', '--out', out, '--events', join(out, 'summary.json'), '--policy', 'fair', '--quiet').result;
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `error: --events: ${join(out, 'summary.json')} is also written by --out (summary.json, report.md, report.html); choose another file\n`]);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an event log that would overwrite the scenario or its trace', async () => {
    const d = join(dir, 'inputs');
    mkdirSync(d);
    const file = join(d, 'replay.yaml');
    writeFileSync(file, 'durationMs: 3600000\npolicies: [fair]\nservices: [{ id: s, intervalMs: 100 }]\ntrace: { file: day.csv }\n');
    writeFileSync(join(d, 'day.csv'), 'at,user,recipients\n0,a,5\n');
    const onScenario = await start('sim', file, '--out', join(d, 'out'), '--events', file, '--quiet').result;
    expect([onScenario.code, onScenario.stderr]).toEqual([2, `error: --events: ${file} is the scenario file; choose another file\n`]);
    const onTrace = await start('sim', file, '--out', join(d, 'out'), '--events', join(d, 'day.csv'), '--quiet').result;
    expect([onTrace.code, onTrace.stderr]).toEqual([2, `error: --events: ${join(d, 'day.csv')} is the scenario's trace file; choose another file\n`]);
    expect(readFileSync(join(d, 'day.csv'), 'utf8')).toBe('at,user,recipients\n0,a,5\n');
    expect(tree(d)).toEqual(['day.csv', 'replay.yaml']);
  });

  it('refuses --events - (stdout carries the summary)', async () => {
    const out = join(dir, 'dash');
    const r = await start('sim', 'scenarios/example.yaml', '--out', out, '--events', '-', '--quiet').result;
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', 'error: --events -: the event log cannot go to standard output (it carries the summary lines); give a file name\n']);
    expect(existsSync(out)).toBe(false);
    // Before, it wrote `-` (one policy) or `-.fair.jsonl`, … (several) into the working directory.
    expect(readdirSync(root).filter((f) => f.startsWith('-'))).toEqual([]);
  });
});
