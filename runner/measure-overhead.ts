// Measures the runner's own cost per send (two SQLite transactions: the dispatch, then the outcome,
// each with events, projection and engine snapshot), with an in-memory transport and a 1 ms
// interval so that the runner, not the mail server, is the bottleneck.
//
//   npx tsx runner/measure-overhead.ts [--recipients 2000] [--tasks 2]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseRunnerConfig } from './config.ts';
import { createRunner } from './runner.ts';
import { importTask } from './task-import.ts';
import { createMemoryTransport } from './transport.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const recipients = arg('--recipients', 2000);
const tasks = arg('--tasks', 2);
const dir = mkdtempSync(join(tmpdir(), 'fairsend-measure-'));
const dbFile = join(dir, 'm.db');
const users = Array.from({ length: tasks }, (_, i) => ({ id: `u${i}`, quota: recipients }));
const config = parseRunnerConfig({
  from: 'm@example.test', commandPollMs: 1000,
  services: [{ id: 's', intervalMs: 1, transport: { kind: 'json' } }], users,
});
const memory = createMemoryTransport();
const runner = createRunner(config, { dbFile, logger: pino({ level: 'silent' }), transports: { s: memory } });
const perTask = Math.floor(recipients / tasks);
for (let t = 0; t < tasks; t += 1) {
  const csv = ['email', ...Array.from({ length: perTask }, (_, i) => `r${t}x${i}@example.test`)].join('\n');
  importTask(runner.core.db, Date.now(), { id: `t${t}`, user: `u${t}`, csvText: csv, template: { subject: 's', text: 'x' } });
}
const total = perTask * tasks;
const startedAt = process.hrtime.bigint();
runner.start();
await new Promise<void>((resolve) => {
  const check = setInterval(() => {
    if (runner.core.engine.status().active_queues === 0 && memory.sent.length === total) {
      clearInterval(check);
      resolve();
    }
  }, 20);
});
const elapsedMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
const snapshotBytes = JSON.stringify(runner.core.engine.snapshot()).length;
await runner.stop();
const dbBytes = statSync(dbFile).size;
process.stdout.write(`${JSON.stringify({ sends: total, tasks, elapsedMs: Math.round(elapsedMs), sendsPerSecond: Math.round((total / elapsedMs) * 1000), msPerSend: Number((elapsedMs / total).toFixed(3)), snapshotBytes, dbBytes })}\n`);
rmSync(dir, { recursive: true, force: true });
