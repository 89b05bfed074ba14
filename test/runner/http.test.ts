import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseListenAddress, startStatusServer } from '../../runner/http.ts';
import { createRunner } from '../../runner/runner.ts';
import { importTask } from '../../runner/task-import.ts';
import { createMemoryTransport } from '../../runner/transport.ts';
import { contactsCsv, smtpConfig, tempDir, until } from './fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => { tmp.remove(); });

describe('status server', () => {
  it('serves /status JSON and /metrics for Prometheus', async () => {
    const memory = createMemoryTransport();
    const runner = createRunner(smtpConfig(2525), { dbFile: join(tmp.dir, 'h.db'), logger: pino({ level: 'silent' }), transports: { smtp1: memory } });
    importTask(runner.core.db, Date.now(), { id: 'ta', user: 'alice', csvText: contactsCsv('a', 2), template: { subject: 's', text: 't' } });
    runner.start();
    await until(() => memory.sent.length === 2, 2_000, 'two sends');
    await until(() => runner.core.engine.status().in_flight === 0, 1_000, 'outcomes recorded');
    const server = await startStatusServer(runner, '127.0.0.1', 0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const status = await (await fetch(`${base}/status`)).json() as { running: boolean; engine: { is_running: boolean; total_pending_subtasks: number; services: { id: string; sent: number }[] }; tasks: unknown[] };
      expect(status.running).toBe(true);
      expect(status.engine.total_pending_subtasks).toBe(0);
      expect(status.engine.services.map((s) => [s.id, s.sent])).toEqual([['smtp1', 2]]);
      expect(status.tasks).toEqual([{ id: 'ta', user: 'alice', state: 'completed', total: 2, sent: 2, failed: 0 }]);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics.split('\n').filter((l) => l.startsWith('fairsend_'))).toEqual([
        'fairsend_sends_total{service="smtp1",result="sent"} 2',
        'fairsend_pending_subtasks 0', 'fairsend_in_flight 0', 'fairsend_active_services 1', 'fairsend_active_queues 0',
      ]);
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      server.close();
      await runner.stop();
    }
  });

  it('parses --http addresses and names the option when wrong', () => {
    expect(parseListenAddress('127.0.0.1:9090')).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(parseListenAddress('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseListenAddress('9090')).toEqual({ error: '--http must be HOST:PORT (e.g. 127.0.0.1:9090), got "9090"' });
    expect(parseListenAddress('h:70000')).toEqual({ error: '--http must be HOST:PORT (e.g. 127.0.0.1:9090), got "h:70000"' });
  });
});
