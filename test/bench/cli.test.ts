import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_EVENTS_COUNT, SMALL_SIM_SIZE, simEventsPerSend } from '../../bench/sim-e2e.ts';

const root = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fairsend-bench-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function runTsx(script: string, args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, script), ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stderr: result.stderr };
}

describe('bench CLIs on bad input', () => {
  it('gate: a thresholds file with a bad field exits 2, names the path and writes nothing', () => {
    const dir = tempDir();
    const file = join(dir, 'thresholds.json');
    writeFileSync(file, JSON.stringify({ scale: 'huge', windowMs: 100, ratios: [], counts: [] }));
    const out = join(dir, 'out');
    const { status, stderr } = runTsx('bench/gate.ts', ['--thresholds', file, '--out', out]);
    expect(status).toBe(2);
    expect(stderr).toContain(`${file}: scale: Invalid option: expected one of "small"|"medium"|"large"`);
    expect(stderr).toContain(`${file}: ratios: Too small: expected array to have >=1 items`);
    expect(readdirSync(dir)).toEqual(['thresholds.json']);
  });

  it('run: an unknown scale exits 2 with a message naming the option', () => {
    const out = join(tempDir(), 'out');
    const { status, stderr } = runTsx('bench/run.ts', ['--scales', 'small,huge', '--out', out]);
    expect(status).toBe(2);
    expect(stderr).toContain('--scales: unknown scale "huge" (known: small, medium, large)');
  });
});

describe('simulator count kept in the gate thresholds', () => {
  it('matches engine events per simulated send on the small seeded scenario', () => {
    const thresholds = JSON.parse(readFileSync(join(root, 'reports/bench/baseline.json'), 'utf8')) as { counts: { name: string; equals: number }[] };
    const rule = thresholds.counts.find((c) => c.name === SIM_EVENTS_COUNT);
    expect(rule?.equals).toBe(2.1638297872340426);
    expect(simEventsPerSend(SMALL_SIM_SIZE)).toBe(2.1638297872340426);
  });
});
