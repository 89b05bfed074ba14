// Shared set-up for runner tests: temp directories, configs pointing at a loopback SMTP server, and
// helpers that read what the runner committed.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { afterEach, beforeEach } from 'vitest';
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

export const FAIRSEND_BIN = join(import.meta.dirname, '../../bin/fairsend.js');

export interface CliRun { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * `node bin/fairsend.js ARGS` as a child process. It is pushed on `children` so that the test file
 * can SIGKILL whatever a failed test left running (afterEach), instead of orphaning it.
 */
export function spawnFairsend(args: string[], children: ChildProcess[]): { proc: ChildProcess; done: Promise<CliRun> } {
  const proc = spawn(process.execPath, [FAIRSEND_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  children.push(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  return { proc, done: new Promise((resolve) => { proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })); }) };
}

export function killAll(children: ChildProcess[]): void {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Reads a database another process is writing (WAL: a consistent snapshot), without changing it. */
export function query<T>(dbFile: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/**
 * A fresh temp dir and the `fairsend` children of each test in the calling file: created before
 * each test, killed (SIGKILL) and removed after it, whatever the test left behind.
 */
export function childSandbox(): { dir: () => string; fairsend: (args: string[]) => ReturnType<typeof spawnFairsend> } {
  const children: ChildProcess[] = [];
  let tmp: ReturnType<typeof tempDir> | undefined;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => {
    killAll(children);
    tmp?.remove();
  });
  return {
    dir: () => (tmp as ReturnType<typeof tempDir>).dir,
    fairsend: (args) => spawnFairsend(args, children),
  };
}

/** Writes `config` and starts `fairsend run` in a child, resolved once it holds the database with an engine. */
export async function startRunnerChild(
  sandbox: ReturnType<typeof childSandbox>, config: string, dbFile: string,
): Promise<ReturnType<typeof spawnFairsend>> {
  const file = join(sandbox.dir(), 'runner.yaml');
  writeFileSync(file, config);
  const run = sandbox.fairsend(['run', '--config', file, '--db', dbFile]);
  await until(() => {
    try {
      return query<{ pid: number }>(dbFile, 'SELECT pid FROM runner_lock')[0]?.pid === run.proc.pid && query(dbFile, 'SELECT 1 FROM engine_snapshot').length === 1;
    } catch {
      return false; // not created or not migrated yet
    }
  }, 20_000, 'the runner holding the database');
  return run;
}
