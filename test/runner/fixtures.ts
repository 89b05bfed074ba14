// Shared set-up for runner tests: temp directories, configs pointing at a loopback SMTP server, and
// helpers that read what the runner committed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database as Db } from 'better-sqlite3';
import { parseRunnerConfig } from '../../runner/config.ts';
import type { RunnerConfig } from '../../runner/config.ts';

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'fairsend-runner-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function smtpConfig(port: number, overrides: Record<string, unknown> = {}, serviceOverrides: Record<string, unknown> = {}): RunnerConfig {
  return parseRunnerConfig({
    from: 'Shop <shop@example.test>',
    commandPollMs: 50,
    retry: { maxAttempts: 3, backoffMs: 150, backoffFactor: 1, backoffMaxMs: 150 },
    servicePause: { baseMs: 150, factor: 2, maxMs: 600, disableAfter: 20 },
    services: [{
      id: 'smtp1', intervalMs: 100,
      transport: { kind: 'smtp', host: '127.0.0.1', port, ignoreTLS: true, connectionTimeoutMs: 1000, greetingTimeoutMs: 1000, socketTimeoutMs: 3000 },
      ...serviceOverrides,
    }],
    users: [{ id: 'alice', quota: 20 }, { id: 'bob', quota: 20 }],
    ...overrides,
  });
}

export function contactsCsv(prefix: string, count: number): string {
  const rows = Array.from({ length: count }, (_, i) => `${prefix}${i}@example.test,${prefix.toUpperCase()}${i}`);
  return ['email,name', ...rows].join('\n');
}

export function eventsOf(db: Db, type: string): Record<string, unknown>[] {
  return (db.prepare('SELECT body FROM events WHERE type = ? ORDER BY seq').all(type) as { body: string }[]).map((r) => JSON.parse(r.body) as Record<string, unknown>);
}

export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => { setTimeout(resolve, 20); });
  }
}
