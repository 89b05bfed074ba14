import { describe, expect, it } from 'vitest';
import { AccessChecker, createCheckers, FairnessChecker, IntervalChecker, QuotaChecker, RecipientChecker, WindowChecker } from '../../sim/checkers/index.ts';
import type { CheckedEvent, Checker } from '../../sim/checkers/index.ts';

// Hand-written events in the shape engine/API.md documents.
type Spec = { intervalMs?: number; concurrency?: number; windows?: unknown[]; access?: 'all' | string[] };
const service = (t: number, id: string, s: Spec = {}, type = 'service_added'): CheckedEvent =>
  ({ t, type, service: id, spec: { intervalMs: s.intervalMs ?? 0, windows: s.windows ?? [], concurrency: s.concurrency ?? 1, access: s.access ?? 'all' } }) as CheckedEvent;
const user = (t: number, id: string, quota = 100, weight = 1): CheckedEvent => ({ t, type: 'user_added', user: id, quota, weight }) as CheckedEvent;
const task = (t: number, id: string, u: string, n: number, startAt = t): CheckedEvent =>
  ({ t, type: 'task_created', task: id, user: u, recipients: n, reserved: n, weight: 1, startAt, deadlineAt: null }) as CheckedEvent;
const dispatch = (t: number, s: string, u: string, tk: string, r: number, attempt = 1): CheckedEvent =>
  ({ t, type: 'dispatch', service: s, user: u, task: tk, recipient: r, attempt }) as CheckedEvent;
const outcome = (t: number, s: string, u: string, tk: string, r: number, result: string, final: 'sent' | 'failed' | null, attempt = 1): CheckedEvent =>
  ({ t, type: 'outcome', service: s, user: u, task: tk, recipient: r, attempt, result, final }) as CheckedEvent;
const refunded = (t: number, u: string, tk: string, amount: number): CheckedEvent => ({ t, type: 'quota_refunded', user: u, task: tk, amount }) as CheckedEvent;
const completed = (t: number, u: string, tk: string, sent: number, failed: number): CheckedEvent => ({ t, type: 'task_completed', task: tk, user: u, sent, failed }) as CheckedEvent;

function run<C extends Checker>(checker: C, events: readonly CheckedEvent[]): C {
  for (const e of events) checker.push(e);
  checker.finish();
  return checker;
}

const messages = (c: Checker): string[] => c.violations().map((v) => v.message);

describe('IntervalChecker', () => {
  const s1 = service(0, 's1', { intervalMs: 1000 });

  it('accepts starts exactly one interval apart', () => {
    const c = run(new IntervalChecker(), [s1, dispatch(0, 's1', 'u', 't', 0), outcome(500, 's1', 'u', 't', 0, 'sent', 'sent'), dispatch(1000, 's1', 'u', 't', 1)]);
    expect(c.violationCount()).toBe(0);
  });

  it('reports two starts closer than intervalMs, with both starts', () => {
    const a = dispatch(0, 's1', 'u', 't', 0);
    const b = dispatch(900, 's1', 'u', 't', 1);
    const c = run(new IntervalChecker(), [s1, a, outcome(100, 's1', 'u', 't', 0, 'sent', 'sent'), b]);
    expect(c.violations()).toEqual([{ checker: 'interval', message: "service 's1': starts at 0 and 900 are 900 ms apart, intervalMs is 1000", events: [a, b] }]);
  });

  it('reports more sends in flight than the concurrency', () => {
    const a = dispatch(0, 's2', 'u', 't', 0);
    const b = dispatch(200, 's2', 'u', 't', 1);
    const c = run(new IntervalChecker(), [service(0, 's2', { intervalMs: 100, concurrency: 1 }), a, b]);
    expect(c.violations()).toEqual([{ checker: 'interval', message: "service 's2': 2 sends in flight at 200, concurrency is 1", events: [a, b] }]);
  });

  it('measures a lengthened interval from the real previous start', () => {
    const c = run(new IntervalChecker(), [s1, dispatch(1000, 's1', 'u', 't', 0), outcome(1100, 's1', 'u', 't', 0, 'sent', 'sent'),
      service(1500, 's1', { intervalMs: 5000 }, 'service_updated'), dispatch(3000, 's1', 'u', 't', 1)]);
    expect(messages(c)).toEqual(["service 's1': starts at 1000 and 3000 are 2000 ms apart, intervalMs is 5000"]);
  });

  it('reports an outcome for a send that is not in flight', () => {
    const c = run(new IntervalChecker(), [s1, outcome(5, 's1', 'u', 't', 3, 'sent', 'sent')]);
    expect(messages(c)).toEqual(["outcome on service 's1' for task 't' recipient 3, with no send in flight there"]);
  });
});

describe('WindowChecker', () => {
  const starts = (svc: string, times: number[]): CheckedEvent[] => times.map((t, i) => dispatch(t, svc, 'u', 't', i));

  it('rolling: a start exactly periodMs after another falls in a new span', () => {
    const c = run(new WindowChecker(), [service(0, 's', { windows: [{ kind: 'rolling', limit: 2, periodMs: 1000 }] }), ...starts('s', [0, 500, 1000, 1500])]);
    expect(c.violationCount()).toBe(0);
  });

  it('rolling: three starts inside one span of periodMs', () => {
    const ev = starts('s', [0, 500, 999]);
    const c = run(new WindowChecker(), [service(0, 's', { windows: [{ kind: 'rolling', limit: 2, periodMs: 1000 }] }), ...ev]);
    expect(c.violations()).toEqual([{ checker: 'window', message: "service 's': 3 starts in the rolling 1000 ms from 0 to 999, limit is 2", events: [ev[0], ev[2]] }]);
  });

  it('fixed (UTC): periods are aligned to the epoch, not to the first start', () => {
    const ok = run(new WindowChecker(), [service(0, 's', { windows: [{ kind: 'fixed', limit: 2, periodMs: 1000 }] }), ...starts('s', [500, 999, 1000, 1001])]);
    expect(ok.violationCount()).toBe(0);
    const ev = starts('s', [1000, 1500, 1999]);
    const bad = run(new WindowChecker(), [service(0, 's', { windows: [{ kind: 'fixed', limit: 2, periodMs: 1000 }] }), ...ev]);
    expect(bad.violations()).toEqual([{ checker: 'window', message: "service 's': 3 starts in the fixed 1000 ms period 1 (UTC-aligned), limit is 2", events: [ev[0], ev[2]] }]);
  });

  it('fixed day in Europe/Paris: the 23-hour day of the spring DST change is one period', () => {
    const w = { windows: [{ kind: 'fixed', limit: 1, periodMs: 86_400_000, timeZone: 'Europe/Paris' }] };
    const dayStart = Date.UTC(2026, 2, 28, 23); // 2026-03-29 00:00 in Paris (CET)
    const nextDay = Date.UTC(2026, 2, 29, 22); // 2026-03-30 00:00 in Paris (CEST): 23 hours later
    const ev = starts('s', [dayStart, nextDay - 1]);
    const bad = run(new WindowChecker(), [service(0, 's', w), ...ev]);
    expect(bad.violations()).toEqual([{ checker: 'window', message: "service 's': 2 starts in the fixed 86400000 ms period 2026-03-29 (Europe/Paris), limit is 1", events: [ev[0], ev[1]] }]);
    const ok = run(new WindowChecker(), [service(0, 's', w), ...starts('s', [dayStart, nextDay])]);
    expect(ok.violationCount()).toBe(0);
  });

  it('fixed hour in Asia/Kolkata (UTC+5:30): local hours start at half past in UTC', () => {
    const w = { windows: [{ kind: 'fixed', limit: 1, periodMs: 3_600_000, timeZone: 'Asia/Kolkata' }] };
    const ok = run(new WindowChecker(), [service(0, 's', w), ...starts('s', [Date.UTC(2026, 0, 5, 10, 29), Date.UTC(2026, 0, 5, 10, 31)])]);
    expect(ok.violationCount()).toBe(0);
    const bad = run(new WindowChecker(), [service(0, 's', w), ...starts('s', [Date.UTC(2026, 0, 5, 10, 31), Date.UTC(2026, 0, 5, 11, 29)])]);
    expect(bad.violationCount()).toBe(1);
  });

  it('fixed hour in Europe/Paris: the repeated hour of the autumn change is two real hours', () => {
    const w = { windows: [{ kind: 'fixed', limit: 1, periodMs: 3_600_000, timeZone: 'Europe/Paris' }] };
    // 00:30Z and 01:30Z both read 02:30 on Paris wall clocks on 2026-10-25.
    const c = run(new WindowChecker(), [service(0, 's', w), ...starts('s', [Date.UTC(2026, 9, 25, 0, 30), Date.UTC(2026, 9, 25, 1, 30)])]);
    expect(c.violationCount()).toBe(0);
  });

  it('judges a tightened window against the starts made before the update', () => {
    const c = run(new WindowChecker(), [service(0, 's', { windows: [{ kind: 'rolling', limit: 10, periodMs: 1000 }] }), dispatch(500, 's', 'u', 't', 0),
      service(600, 's', { windows: [{ kind: 'rolling', limit: 1, periodMs: 1000 }] }, 'service_updated'), dispatch(1000, 's', 'u', 't', 1)]);
    expect(messages(c)).toEqual(["service 's': 2 starts in the rolling 1000 ms from 500 to 1000, limit is 1"]);
  });
});

describe('QuotaChecker', () => {
  const base = [user(0, 'u1', 5), task(0, 't1', 'u1', 2), dispatch(0, 's', 'u1', 't1', 0), dispatch(0, 's', 'u1', 't1', 1), outcome(10, 's', 'u1', 't1', 0, 'sent', 'sent')];

  it('keeps balance + reserved + consumed == granted through sends and refunded failures', () => {
    const c = run(new QuotaChecker(), [...base, outcome(20, 's', 'u1', 't1', 1, 'rejected', 'failed'), refunded(20, 'u1', 't1', 1), completed(20, 'u1', 't1', 1, 1)]);
    expect(c.violationCount()).toBe(0);
    expect(c.ledger('u1')).toEqual({ granted: 5, balance: 4, reserved: 0, consumed: 1 });
  });

  it('counts a failure that is not refunded as consumed (chargeFailures)', () => {
    const c = run(new QuotaChecker({ chargeFailures: true }), [...base, outcome(20, 's', 'u1', 't1', 1, 'rejected', 'failed'), completed(20, 'u1', 't1', 1, 1)]);
    expect(c.violationCount()).toBe(0);
    expect(c.ledger('u1')).toEqual({ granted: 5, balance: 3, reserved: 0, consumed: 2 });
  });

  it('reports a failure that is neither refunded nor charged', () => {
    const failed = outcome(20, 's', 'u1', 't1', 1, 'rejected', 'failed');
    const c = run(new QuotaChecker(), [...base, failed, completed(20, 'u1', 't1', 1, 1)]);
    expect(c.violations()).toEqual([{ checker: 'quota', message: "task 't1': recipient 1 failed and its unit was not refunded", events: [failed] }]);
  });

  it('reports a reservation larger than the balance', () => {
    const t = task(0, 't9', 'u1', 6);
    const c = run(new QuotaChecker(), [user(0, 'u1', 5), t]);
    expect(c.violations()).toEqual([{ checker: 'quota', message: "user 'u1': task 't9' reserved 6 with a balance of 5", events: [t] }]);
  });

  it('reports a refund of more than is reserved, and a grant whose balance disagrees', () => {
    const grant = { t: 30, type: 'quota_granted', user: 'u1', amount: 10, balance: 99 } as CheckedEvent;
    const c = run(new QuotaChecker(), [...base, refunded(20, 'u1', 't1', 2), grant]);
    expect(messages(c)).toEqual(["task 't1': refund of 2 with only 1 reserved", "user 'u1': engine reports balance 99 after a grant of 10, the ledger says 13"]);
  });

  it('reports a task that completes with units still reserved', () => {
    const c = run(new QuotaChecker(), [...base, completed(20, 'u1', 't1', 1, 0)]);
    expect(messages(c)).toEqual(["task 't1' completed with 1 units still reserved"]);
  });
});

describe('AccessChecker', () => {
  it('reports a dispatch for a user outside the access list in force', () => {
    const bad = dispatch(5, 's', 'u2', 't', 0);
    const c = run(new AccessChecker(), [service(0, 's', { access: ['u1'] }), dispatch(1, 's', 'u1', 't', 0), bad,
      service(6, 's', { access: 'all' }, 'service_updated'), dispatch(7, 's', 'u2', 't', 1)]);
    expect(c.violations()).toEqual([{ checker: 'access', message: "user 'u2' sent through service 's', whose access list is [u1]", events: [bad] }]);
  });
});

describe('RecipientChecker', () => {
  it('accepts retries and a completion that accounts for every recipient once', () => {
    const c = run(new RecipientChecker(), [task(0, 't', 'u', 2), dispatch(0, 's', 'u', 't', 0), dispatch(1, 's', 'u', 't', 1),
      outcome(2, 's', 'u', 't', 0, 'deferred', null), outcome(3, 's', 'u', 't', 1, 'sent', 'sent'),
      dispatch(10, 's', 'u', 't', 0, 2), outcome(11, 's', 'u', 't', 0, 'rejected', 'failed', 2), completed(11, 'u', 't', 1, 1)]);
    expect(c.violationCount()).toBe(0);
  });

  it('reports a recipient sent twice', () => {
    const again = dispatch(5, 's', 'u', 't', 0);
    const c = run(new RecipientChecker(), [task(0, 't', 'u', 2), dispatch(0, 's', 'u', 't', 0), outcome(1, 's', 'u', 't', 0, 'sent', 'sent'), again]);
    expect(c.violations()).toEqual([{ checker: 'recipients', message: "task 't': recipient 0 dispatched while sent", events: [again] }]);
  });

  it('reports a completion that lost a recipient', () => {
    const c = run(new RecipientChecker(), [task(0, 't', 'u', 2), dispatch(0, 's', 'u', 't', 0), outcome(1, 's', 'u', 't', 0, 'sent', 'sent'), completed(1, 'u', 't', 2, 0)]);
    expect(messages(c)).toEqual(["task 't' completed reporting 2 sent and 0 failed; of its 2 recipients 1 were sent and 0 failed"]);
  });

  it('checks what a cancel gives back and refuses dispatches after it', () => {
    const cancel = { t: 2, type: 'task_cancelled', task: 't', user: 'u', refunded: 3 } as CheckedEvent;
    const late = dispatch(3, 's', 'u', 't', 2);
    const c = run(new RecipientChecker(), [task(0, 't', 'u', 3), dispatch(0, 's', 'u', 't', 0), cancel, outcome(2, 's', 'u', 't', 0, 'sent', 'sent'), late]);
    expect(messages(c)).toEqual(["task 't': task_cancelled gave back 3 recipients, 2 were queued", "task 't': recipient 2 dispatched after the task ended (task_cancelled)"]);
  });

  it('reports recipient indices outside the task', () => {
    const c = run(new RecipientChecker(), [task(0, 't', 'u', 2), dispatch(0, 's', 'u', 't', 2)]);
    expect(messages(c)).toEqual(["task 't': dispatch for recipient 2, outside 0..1"]);
  });
});

describe('FairnessChecker', () => {
  const setup = (w1 = 1, w2 = 1): CheckedEvent[] => [service(0, 's'), user(0, 'u1', 100, w1), user(0, 'u2', 100, w2), task(0, 'a', 'u1', 20), task(0, 'b', 'u2', 20)];
  const seq = (users: string[]): CheckedEvent[] => {
    const next: Record<string, number> = {};
    return users.map((u, i) => dispatch(i, 's', u, u === 'u1' ? 'a' : 'b', (next[u] = (next[u] ?? -1) + 1)));
  };

  it('accepts alternation, and a lead of two within the bound for equal weights', () => {
    const c = run(new FairnessChecker(), [...setup(), ...seq(['u1', 'u2', 'u1', 'u2', 'u1', 'u1', 'u2', 'u2'])]);
    expect(c.violationCount()).toBe(0);
  });

  it('reports a user served three times in a row while the other waits', () => {
    const d = seq(['u1', 'u2', 'u1', 'u1', 'u1']);
    const c = run(new FairnessChecker(), [...setup(), ...d]);
    expect(c.violations()).toEqual([{
      checker: 'fairness',
      message: "users 'u1' (weight 1) and 'u2' (weight 1), both backlogged: over a run of dispatches 'u1' got 3 and 'u2' 0, so n/w differ by 3, bound is 2",
      events: [d[1], d[4]],
    }]);
  });

  it('scales the bound with weights', () => {
    const ok = run(new FairnessChecker(), [...setup(2, 1), ...seq(['u1', 'u1', 'u2', 'u1', 'u1', 'u2', 'u1', 'u1', 'u1', 'u2'])]);
    expect(ok.violationCount()).toBe(0);
    const bad = run(new FairnessChecker(), [...setup(2, 1), ...seq(['u1', 'u1', 'u1', 'u1'])]);
    expect(messages(bad)).toEqual(["users 'u1' (weight 2) and 'u2' (weight 1), both backlogged: over a run of dispatches 'u1' got 4 and 'u2' 0, so n/w differ by 2, bound is 1.5"]);
  });

  it('does not compare a user that has nothing ready', () => {
    const events = [service(0, 's'), user(0, 'u1'), user(0, 'u2'), task(0, 'a', 'u1', 20), task(0, 'b', 'u2', 20, 1_000), ...seq(['u1', 'u1', 'u1', 'u1'])];
    expect(run(new FairnessChecker(), events).violationCount()).toBe(0);
  });

  it('does not compare users with different access sets', () => {
    const events = [service(0, 's', { access: ['u1', 'u2'] }), service(0, 's2', { access: ['u2'] }), user(0, 'u1'), user(0, 'u2'),
      task(0, 'a', 'u1', 20), task(0, 'b', 'u2', 20), ...seq(['u1', 'u1', 'u1', 'u1'])];
    expect(run(new FairnessChecker(), events).violationCount()).toBe(0);
  });

  it('counts a user\'s sends on every service: two services serving two users in turn are fair', () => {
    const events = [service(0, 's'), service(0, 's2'), user(0, 'u1'), user(0, 'u2'), task(0, 'a', 'u1', 20), task(0, 'b', 'u2', 20),
      ...[0, 1, 2, 3].flatMap((k) => [dispatch(k, 's', 'u1', 'a', k), dispatch(k, 's2', 'u2', 'b', k)])];
    expect(run(new FairnessChecker(), events).violationCount()).toBe(0);
  });

  it('holds the tasks of one user to the same bound, with task weights', () => {
    const heavy = { ...task(0, 'a', 'u1', 20), weight: 2 } as CheckedEvent;
    const d = [dispatch(1, 's', 'u1', 'a', 0), dispatch(2, 's', 'u1', 'a', 1), dispatch(3, 's', 'u1', 'b', 0), dispatch(4, 's', 'u1', 'a', 2), dispatch(5, 's', 'u1', 'a', 3), dispatch(6, 's', 'u1', 'a', 4), dispatch(7, 's', 'u1', 'a', 5)];
    const c = run(new FairnessChecker(), [service(0, 's'), user(0, 'u1'), heavy, task(0, 'b', 'u1', 20), ...d]);
    expect(c.violations()).toEqual([{
      checker: 'fairness',
      message: "tasks 'a' (weight 2) and 'b' (weight 1) of user 'u1', both backlogged: over a run of dispatches 'a' got 4 and 'b' 0, so n/w differ by 2, bound is 1.5",
      events: [d[2], d[6]],
    }]);
  });

  it('reports one lapse once, showing its worst run', () => {
    const d = seq(['u1', 'u2', 'u1', 'u1', 'u1', 'u1', 'u1', 'u2', 'u1']);
    const c = run(new FairnessChecker(), [...setup(), ...d]);
    expect(c.violationCount()).toBe(1);
    expect(c.violations()).toEqual([{
      checker: 'fairness',
      message: "users 'u1' (weight 1) and 'u2' (weight 1), both backlogged: over a run of dispatches 'u1' got 5 and 'u2' 0, so n/w differ by 5, bound is 2",
      events: [d[1], d[6]],
    }]);
  });

  it('starts the comparison afresh when a user becomes backlogged again', () => {
    const events = [...setup(), ...seq(['u1', 'u2']), { t: 3, type: 'user_suspended', user: 'u2' } as CheckedEvent,
      dispatch(4, 's', 'u1', 'a', 5), dispatch(5, 's', 'u1', 'a', 6), dispatch(6, 's', 'u1', 'a', 7),
      { t: 7, type: 'user_resumed', user: 'u2' } as CheckedEvent, dispatch(8, 's', 'u1', 'a', 8), dispatch(9, 's', 'u2', 'b', 1)];
    expect(run(new FairnessChecker(), events).violationCount()).toBe(0);
  });
});

describe('createCheckers', () => {
  it('runs every checker and gathers their violations', () => {
    const set = createCheckers();
    expect(set.checkers.map((c) => c.name)).toEqual(['interval', 'window', 'quota', 'access', 'recipients', 'fairness']);
    for (const e of [service(0, 's', { intervalMs: 10, access: ['u1'] }), user(0, 'u1'), user(0, 'u2'), task(0, 't', 'u2', 1), dispatch(0, 's', 'u2', 't', 0), dispatch(5, 's', 'u2', 't', 0)]) set.push(e);
    set.finish();
    expect(set.violations().map((v) => `${v.checker}: ${v.message}`)).toEqual([
      "interval: service 's': starts at 0 and 5 are 5 ms apart, intervalMs is 10",
      "interval: service 's': 2 sends in flight at 5, concurrency is 1",
      "access: user 'u2' sent through service 's', whose access list is [u1]",
      "access: user 'u2' sent through service 's', whose access list is [u1]",
      "recipients: task 't': recipient 0 dispatched while in flight",
    ]);
    expect(set.violationCount()).toBe(5);
  });
});
