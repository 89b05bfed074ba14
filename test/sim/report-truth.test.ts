// What a report says must be what happened: campaigns the platform could not take are not left out
// of the completion percentiles, recipients a user cancelled are not counted as unmet demand, and
// work stuck for good is measured until the end of the run, not until the last event.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/index.ts';
import { renderReport } from '../../sim/report/index.ts';
import { resolveScenario, validateScenario } from '../../sim/scenario/index.ts';
import type { ResolvedScenario } from '../../sim/scenario/index.ts';

function resolve(doc: unknown): ResolvedScenario {
  const v = validateScenario(doc);
  if (!v.ok) throw new Error(v.errors.join('\n'));
  const r = resolveScenario(v.value);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.value;
}

describe('the report tells what happened', () => {
  it('counts campaigns refused for lack of capacity as never completed, so a p99 expectation fails', () => {
    // A daily cap of 100 takes the first campaign; the next two find every service used up.
    const run = runScenario(resolve({
      durationMs: 3_600_000,
      policies: ['fair'],
      services: [{ id: 's', intervalMs: 10, windows: [{ kind: 'fixed', limit: 100, periodMs: 86_400_000 }] }],
      users: [{ id: 'a', quota: 1_000 }],
      tasks: [{ at: 0, user: 'a', recipients: 100 }, { at: 5_000, user: 'a', recipients: 50 }, { at: 6_000, user: 'a', recipients: 50 }],
      expectations: { p99CompletionMs: 3_600_000 },
    }), { hashEvents: false });
    const m = run.report.policies[0]!;
    expect(m.campaigns.refused).toEqual({ SERVICE_QUOTA_EXHAUSTED: 2 });
    expect(m.campaigns.completed).toBe(1);
    expect(m.campaigns.completionMs.p50).toBeNull();
    expect(m.campaigns.completionMs.p99).toBeNull();
    expect(run.pass).toBe(false);
    expect(run.report.expectations[0]).toMatchObject({ description: 'p99 campaign completion ≤ 1h 00m', actual: 'not reached (campaigns unfinished or refused for lack of capacity)', pass: false });
  });

  it('leaves refusals for the user\'s own quota out of the completion percentiles', () => {
    const run = runScenario(resolve({
      durationMs: 3_600_000,
      policies: ['fair'],
      services: [{ id: 's', intervalMs: 10 }],
      users: [{ id: 'a', quota: 100 }],
      tasks: [{ at: 0, user: 'a', recipients: 100 }, { at: 5_000, user: 'a', recipients: 50 }],
    }), { hashEvents: false });
    const m = run.report.policies[0]!;
    expect(m.campaigns.refused).toEqual({ INSUFFICIENT_USER_QUOTA: 1 });
    expect(m.campaigns.completionMs.p99).toBe(990);
  });

  it('does not count what a user cancelled as demand it was owed', () => {
    // b cancels its big campaign after 10 s: what it sent before was its fair share, no less.
    const run = runScenario(resolve({
      durationMs: 600_000,
      policies: ['fair'],
      services: [{ id: 's', intervalMs: 100 }],
      users: [{ id: 'a', quota: 100_000 }, { id: 'b', quota: 100_000 }],
      tasks: [{ id: 'ta', at: 0, user: 'a', recipients: 2_000 }, { id: 'tb', at: 0, user: 'b', recipients: 2_000 }],
      actions: [{ at: 10_000, kind: 'cancelTask', task: 'tb' }],
    }), { hashEvents: false, checkInvariants: false });
    const m = run.report.policies[0]!;
    expect(m.campaigns.cancelled).toBe(1);
    const b = m.users.find((u) => u.user === 'b')!;
    expect(b.sends).toBe(50);
    expect(b.share).toBeCloseTo(b.fairShare, 3);
    expect(m.fairness.jainIndex).toBeGreaterThan(0.999);
  });

  it('measures work stuck for good until the end of the run', () => {
    // The only service is paused at 60 s and never resumed: the campaign stays stuck to the end.
    const run = runScenario(resolve({
      durationMs: 600_000,
      drainMs: 0,
      policies: ['fair'],
      services: [{ id: 's', intervalMs: 1_000 }],
      users: [{ id: 'a', quota: 1_000 }],
      tasks: [{ at: 0, user: 'a', recipients: 1_000 }],
      actions: [{ at: 60_000, kind: 'pauseService', service: 's' }],
    }), { hashEvents: false });
    const m = run.report.policies[0]!;
    expect(m.simulatedMs).toBe(600_000);
    expect(m.services[0]!.pausedMs).toBe(540_000);
    expect(m.queueDepth[m.queueDepth.length - 1]).toEqual({ t: 600_000, pending: 940 });
  });

  it('says the invariants were not checked when the checkers were off, not that they passed', () => {
    const doc = {
      durationMs: 60_000, policies: ['fair'], services: [{ id: 's', intervalMs: 100 }],
      users: [{ id: 'a', quota: 100 }], tasks: [{ at: 0, user: 'a', recipients: 10 }],
    };
    const off = runScenario(resolve(doc), { hashEvents: false, checkInvariants: false });
    expect(off.report.expectations.map((e) => e.description)).toEqual(['quota ledger mismatches (invariant checkers off) ≤ 0']);
    const { markdown, html } = renderReport(off.report);
    expect(markdown).toContain('Not checked: the invariant checkers were off');
    expect(markdown).not.toContain('every checker passed');
    expect(html).not.toContain('every checker passed');
    const on = runScenario(resolve(doc), { hashEvents: false });
    expect(on.report.expectations.map((e) => e.description)).toEqual(['invariant violations ≤ 0']);
    expect(renderReport(on.report).markdown).toContain('None: every checker passed.');
  });

  it('lists the scripted operator actions the engine refused, and notes refused campaigns by the verdict', () => {
    const run = runScenario(resolve({
      durationMs: 60_000, policies: ['fair'], services: [{ id: 's', intervalMs: 100 }],
      users: [{ id: 'a', quota: 15 }], tasks: [{ id: 't', at: 0, user: 'a', recipients: 10 }, { at: 100, user: 'a', recipients: 10 }],
      actions: [{ at: 30_000, kind: 'resumeTask', task: 't' }, { at: 31_000, kind: 'resumeUser', user: 'a' }],
      expectations: { maxUnfinished: 0 },
    }), { hashEvents: false });
    const m = run.report.policies[0]!;
    expect(m.actionsRefused?.map((a) => [a.at, a.action])).toEqual([[30_000, 'resumeTask t'], [31_000, 'resumeUser a']]);
    expect(m.actionsRefused?.every((a) => a.code.length > 0 && a.message.length > 0)).toBe(true);
    const { markdown, html } = renderReport(run.report);
    expect(markdown).toContain('### Operator actions refused');
    expect(markdown).toContain('| 30.0 s | resumeTask t |');
    expect(html).toContain('Operator actions refused');
    expect(markdown).toContain('Note: 1 of 2 campaigns (50.0%) were refused at creation under fair (INSUFFICIENT_USER_QUOTA 1).');
  });

  it('sends the recipients that domain shares leave to "other domains" at the global rates', () => {
    const run = runScenario(resolve({
      durationMs: 60_000, policies: ['fair'], services: [{ id: 's', intervalMs: 1 }],
      users: [{ id: 'a', quota: 4_000 }], tasks: [{ at: 0, user: 'a', recipients: 4_000 }],
      faults: { domains: [{ name: 'bad.example', share: 0.25, bounceRate: 1 }] },
    }), { hashEvents: false });
    const { rejected, sent } = run.report.policies[0]!.outcomes;
    expect(rejected + sent).toBe(4_000);
    expect(rejected).toBeGreaterThan(900);
    expect(rejected).toBeLessThan(1_100);
  });

  it('gives no fairness index for a run that sent nothing, and fails a minimum on it', () => {
    const run = runScenario(resolve({
      durationMs: 60_000, policies: ['fair'], services: [{ id: 's', intervalMs: 100 }],
      users: [{ id: 'a', quota: 100 }, { id: 'b', quota: 100 }],
      tasks: [{ at: 0, user: 'a', recipients: 10 }, { at: 0, user: 'b', recipients: 10 }],
      faults: { bounceRate: 1 },
      expectations: { minJainIndex: 0.9 },
    }), { hashEvents: false });
    expect(run.report.policies[0]!.outcomes.sent).toBe(0);
    expect(run.report.expectations[0]).toMatchObject({ description: "Jain's fairness index ≥ 0.900", actual: 'none (nothing was sent)', pass: false });
    expect(renderReport(run.report).markdown).toContain("Nothing was sent, so there is no share to judge: no Jain's index.");
  });
});
