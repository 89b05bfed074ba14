import { describe, expect, it } from 'vitest';
import { openScenarioDocument } from '../../sim/scenario/index.ts';
import type { ResolvedScenario } from '../../sim/scenario/index.ts';
import { simulate } from '../../sim/simulate.ts';
import { FaultModel } from '../../sim/fault-model.ts';
import { EventQueue } from '../../sim/event-queue.ts';
import type { EngineEvent } from '../../engine/index.ts';

function resolved(doc: Record<string, unknown>): ResolvedScenario {
  const o = openScenarioDocument({ durationMs: 60_000, policies: ['fair'], ...doc }, '.');
  if (!o.ok) throw new Error(o.errors.join('\n'));
  return o.value.resolved;
}

const one = {
  services: [{ id: 's', intervalMs: 1000, latencyMs: 100 }],
  users: [{ id: 'a', quota: 100 }],
  tasks: [{ id: 't', at: 0, user: 'a', recipients: 5 }],
};

describe('simulate', () => {
  it('paces one service exactly and measures completion from the events', () => {
    const events: EngineEvent[] = [];
    const run = simulate(resolved(one), 'fair', { observers: [(e) => events.push(e)] });
    expect(events.filter((e) => e.type === 'dispatch').map((e) => e.t)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(events.filter((e) => e.type === 'outcome').map((e) => e.t)).toEqual([100, 1100, 2100, 3100, 4100]);
    const m = run.metrics;
    expect(m.campaigns).toMatchObject({ created: 1, completed: 1, completionMs: { p50: 4100, p90: 4100, p99: 4100, max: 4100 }, firstSendMs: { p50: 0, p99: 0, max: 0 } });
    expect(m.outcomes).toEqual({ sent: 5, deferred: 0, rejected: 0, failed: 0, serviceErrors: 0, quotaReached: 0, refunded: 0 });
    expect(m.services[0]).toMatchObject({ service: 's', sends: 5, utilisation: 1, pausedMs: 0, disabled: false });
    expect(m.users).toEqual([{ user: 'a', weight: 1, sends: 5, share: 1, fairShare: 1 }]);
    expect(m.queueDepth[0]).toEqual({ t: 0, pending: 5 });
    expect(m.queueDepth[m.queueDepth.length - 1]).toEqual({ t: 4100, pending: 0 });
    expect(run.extra).toEqual({ meanFirstSendMs: 0, unfinished: 0, sendsTotal: 5, ledgerMismatches: [] });
  });

  it('bounces fail and refund; a cancel action refunds the rest', () => {
    const bounced = simulate(resolved({ ...one, faults: { bounceRate: 1 } }), 'fair').metrics;
    expect(bounced.outcomes).toMatchObject({ sent: 0, rejected: 5, failed: 5, refunded: 5 });
    const cancelled = simulate(resolved({ ...one, actions: [{ at: 2500, kind: 'cancelTask', task: 't' }] }), 'fair');
    expect(cancelled.metrics.campaigns).toMatchObject({ created: 1, completed: 0, cancelled: 1 });
    expect(cancelled.metrics.outcomes).toMatchObject({ sent: 3, refunded: 2 });
    expect(cancelled.extra.unfinished).toBe(0);
  });

  it('counts refusals by code', () => {
    const run = simulate(resolved({ ...one, users: [{ id: 'a', quota: 3 }] }), 'fair');
    expect(run.metrics.campaigns.refused).toEqual({ INSUFFICIENT_USER_QUOTA: 1 });
  });

  it('stops at endAt with work left and reports it unfinished', () => {
    const run = simulate(resolved({ ...one, durationMs: 1500, drainMs: 0 }), 'fair');
    expect(run.metrics.outcomes.sent).toBe(2);
    expect(run.extra.unfinished).toBe(1);
    expect(run.metrics.campaigns.completionMs).toEqual({ p50: null, p90: null, p99: null, max: null });
  });
});

describe('fault model', () => {
  it('a send during an outage meets a service error; bounce and deferral follow the domain', () => {
    const s = resolved({ ...one, faults: { domains: [{ name: 'bad', share: 1, bounceRate: 1 }] } });
    s.services[0]!.outages = [1000, 2000];
    const f = new FaultModel(s);
    expect(f.result(0, 0, 0, 1, 999)).toBe('rejected');
    expect(f.result(0, 0, 0, 1, 1000)).toBe('service_error');
    expect(f.reason).toBe('outage');
    expect(f.result(0, 0, 0, 1, 1999)).toBe('service_error');
    expect(f.result(0, 0, 0, 1, 2000)).toBe('rejected');
    expect(f.latencyMs(0)).toBe(100);
  });
});

describe('event queue', () => {
  it('pops by time, then by insertion order', () => {
    const q = new EventQueue<{ t: number; seq: number; name: string }>();
    for (const [t, name] of [[5, 'a'], [1, 'b'], [5, 'c'], [1, 'd'], [3, 'e']] as const) q.push({ t, seq: 0, name });
    const out: string[] = [];
    while (q.size > 0) out.push(q.pop()!.name);
    expect(out).toEqual(['b', 'd', 'e', 'a', 'c']);
    expect(q.peekTime()).toBe(Infinity);
  });
});
