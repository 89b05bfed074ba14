// The `fairsend` program itself, run as a user runs it: version, help, and usage errors (exit 2).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function fairsend(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/fairsend.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fairsend CLI', () => {
  it('prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(fairsend('--version')).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('lists every command in its help', () => {
    const r = fairsend('--help');
    expect(r.status).toBe(0);
    for (const command of ['sim', 'sweep', 'validate', 'schema', 'run', 'task', 'service', 'quota', 'status']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('refuses an unknown option or command with exit code 2 and says what was wrong', () => {
    const option = fairsend('--bogus');
    expect([option.status, option.stderr.split('\n')[0]]).toEqual([2, "error: unknown option '--bogus'"]);
    const command = fairsend('simulate');
    expect([command.status, command.stderr.split('\n')[0]]).toEqual([2, "error: unknown command 'simulate'"]);
  });

  it('lets a reader close the pipe early (`| head -1`): no crash, the outputs are written, the exit code is the verdict', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fairsend-pipe-'));
    try {
      // Three policies: the summary comes out line by line as each one finishes.
      const child = spawn(process.execPath, [join(ROOT, 'bin/fairsend.js'), 'sim', 'scenarios/example.yaml', '--quiet', '--out', out], { cwd: ROOT });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      // Read the first chunk of output, then close our end like `head -1` does.
      child.stdout.once('data', () => child.stdout.destroy());
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
      expect(readFileSync(join(out, 'summary.json'), 'utf8')).toContain('"name": "example"');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
