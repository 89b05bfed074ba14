// Every refusal code: a stable code, a clear English message naming the field, the seed's
// Chinese wording for its three codes, and nothing changed (the snapshot is identical).
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../engine/index.ts';
import type { Engine, Result } from '../../engine/index.ts';

function setup(): Engine {
  const e = createEngine();
  expect(e.addUser(0, { id: 'alice', quota: 10 }).ok).toBe(true);
  expect(e.addUser(0, { id: 'bob', quota: 10 }).ok).toBe(true);
  expect(e.addService(0, { id: 'smtp', intervalMs: 1000, windows: [{ kind: 'rolling', limit: 2, periodMs: 60_000 }] }).ok).toBe(true);
  expect(e.createTask(0, { id: 'ok', user: 'alice', recipients: 1 }).ok).toBe(true);
  return e;
}

function expectRefused<T>(e: Engine, call: (e: Engine) => Result<T>, code: string, message: string, path?: string): void {
  const before = JSON.stringify(e.snapshot());
  const r = call(e);
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error.code).toBe(code);
  expect(r.error.message).toBe(message);
  expect(r.error.path).toBe(path);
  expect(JSON.stringify(e.snapshot())).toBe(before);
}

describe('creation checks (the seed three)', () => {
  it('INSUFFICIENT_USER_QUOTA, with the seed message', () => {
    const e = setup();
    expectRefused(e, (x) => x.createTask(5, { id: 't', user: 'alice', recipients: 10 }), 'INSUFFICIENT_USER_QUOTA', "user 'alice' has 9 quota left; task 't' needs 10", 'recipients');
    const r = e.createTask(5, { id: 't', user: 'alice', recipients: 10 });
    expect(!r.ok && r.error.messageZh).toBe('当前邮件发信额度不足');
  });

  it('NO_AVAILABLE_SERVICE when every service of the user is disabled or none admits it', () => {
    const e = setup();
    expect(e.disableService(1, 'smtp').ok).toBe(true);
    expectRefused(e, (x) => x.createTask(2, { id: 't', user: 'bob', recipients: 1 }), 'NO_AVAILABLE_SERVICE', "user 'bob' has no usable sending service", 'user');
    const r = e.createTask(2, { id: 't', user: 'bob', recipients: 1 });
    expect(!r.ok && r.error.messageZh).toBe('当前没有可用的发信服务');

    const e2 = createEngine();
    e2.addUser(0, { id: 'a', quota: 5 });
    e2.addUser(0, { id: 'b', quota: 5 });
    e2.addService(0, { id: 'dedicated', intervalMs: 10, access: ['a'] });
    expectRefused(e2, (x) => x.createTask(0, { id: 't', user: 'b', recipients: 1 }), 'NO_AVAILABLE_SERVICE', "user 'b' has no usable sending service", 'user');
  });

  it('SERVICE_QUOTA_EXHAUSTED when the windows of every usable service are full', () => {
    const e = setup();
    let now = 0;
    for (let i = 0; i < 2; i++) {
      now = e.nextWakeAt() as number;
      const r = e.poll(now);
      if (!r.ok) throw new Error(r.error.message);
      for (const d of r.value) e.report(now, { task: d.task, recipient: d.recipient, result: 'sent' });
      if (i === 0) e.createTask(now, { id: 'second', user: 'bob', recipients: 1 });
    }
    expect(e.status().services[0]?.windows[0]?.used).toBe(2);
    expectRefused(e, (x) => x.createTask(now, { id: 't', user: 'bob', recipients: 1 }), 'SERVICE_QUOTA_EXHAUSTED', "every sending service of user 'bob' has used its quota for now", 'user');
    const r = e.createTask(now, { id: 't', user: 'bob', recipients: 1 });
    expect(!r.ok && r.error.messageZh).toBe('当前发信服务额度已用完');
    // Once the rolling window frees a slot, creation works again.
    expect(e.createTask(60_000, { id: 't', user: 'bob', recipients: 1 }).ok).toBe(true);
  });
});

describe('bad arguments are refused and change nothing', () => {
  it('unknown ids', () => {
    const e = setup();
    expectRefused(e, (x) => x.createTask(1, { id: 't', user: 'carol', recipients: 1 }), 'UNKNOWN_USER', "unknown user 'carol'", 'user');
    expectRefused(e, (x) => x.pauseTask(1, 'nope'), 'UNKNOWN_TASK', "unknown task 'nope'");
    expectRefused(e, (x) => x.pauseService(1, 'nope'), 'UNKNOWN_SERVICE', "unknown service 'nope'");
    expectRefused(e, (x) => x.grantQuota(1, 'nope', 5), 'UNKNOWN_USER', "unknown user 'nope'");
    expectRefused(e, (x) => x.report(1, { task: 'ok', recipient: 0, result: 'sent' }), 'UNKNOWN_DISPATCH', "recipient 0 of task 'ok' is not in flight", 'recipient');
    expectRefused(
      e,
      (x) => x.addService(1, { id: 'x', intervalMs: 5, access: ['alice', 'zed'] }),
      'UNKNOWN_USER',
      "service 'x': access[1] names unknown user \"zed\"",
      'access[1]',
    );
  });

  it('duplicate ids', () => {
    const e = setup();
    expectRefused(e, (x) => x.addUser(1, { id: 'alice' }), 'DUPLICATE_ID', "user 'alice' already exists", 'id');
    expectRefused(e, (x) => x.addService(1, { id: 'smtp', intervalMs: 1 }), 'DUPLICATE_ID', "service 'smtp' already exists", 'id');
    expectRefused(e, (x) => x.createTask(1, { id: 'ok', user: 'bob', recipients: 1 }), 'DUPLICATE_ID', "task 'ok' already exists", 'id');
  });

  it('negative, fractional, NaN and missing numbers', () => {
    const e = setup();
    expectRefused(e, (x) => x.addService(1, { id: 'x', intervalMs: -5 }), 'INVALID_ARGUMENT', "service 'x': intervalMs must be an integer from 0 to 2678400000, got -5", 'intervalMs');
    expectRefused(e, (x) => x.addService(1, { id: 'x', intervalMs: Number.NaN }), 'INVALID_ARGUMENT', "service 'x': intervalMs must be an integer from 0 to 2678400000, got NaN", 'intervalMs');
    expectRefused(
      e,
      (x) => x.addService(1, { id: 'x', intervalMs: 5, windows: [{ kind: 'rolling', limit: 0, periodMs: 1000 }] }),
      'INVALID_ARGUMENT',
      "service 'x': windows[0].limit must be an integer from 1 to 1000000000, got 0",
      'windows[0]',
    );
    expectRefused(
      e,
      (x) => x.addService(1, { id: 'x', intervalMs: 5, windows: [{ kind: 'fixed', limit: 5, periodMs: 86_400_000, timeZone: 'Mars/Olympus' }] }),
      'INVALID_ARGUMENT',
      "service 'x': windows[0].timeZone must be an IANA time zone such as 'Europe/Paris', got \"Mars/Olympus\"",
      'windows[0]',
    );
    expectRefused(e, (x) => x.addUser(1, { id: 'x', quota: 1.5 }), 'INVALID_ARGUMENT', "user 'x': quota must be an integer from 0 to 1000000000000, got 1.5", 'quota');
    expectRefused(e, (x) => x.addUser(1, { id: 'x', weight: 0 }), 'INVALID_ARGUMENT', "user 'x': weight must be an integer from 1 to 10000, got 0", 'weight');
    expectRefused(e, (x) => x.grantQuota(1, 'bob', -3), 'INVALID_ARGUMENT', "quota grant to user 'bob': amount must be an integer from 1 to 1000000000000, got -3", 'amount');
    const balance = e.status().users.find((u) => u.id === 'bob')!.balance;
    expectRefused(e, (x) => x.grantQuota(1, 'bob', 1e12 - balance + 1), 'INVALID_ARGUMENT', `quota grant to user 'bob': a balance of ${balance} + ${1e12 - balance + 1} would exceed 1000000000000`, 'amount');
    expectRefused(e, (x) => x.createTask(1, { id: 't', user: 'bob', recipients: 0 }), 'INVALID_ARGUMENT', "task 't': recipients must be an integer from 1 to 1000000000, got 0", 'recipients');
    expectRefused(e, (x) => x.createTask(1, { id: '', user: 'bob', recipients: 1 }), 'INVALID_ARGUMENT', 'task: id must be a non-empty string, got ""', 'id');
  });

  it('unknown fields of a spec or a patch (a misspelt field would otherwise be ignored)', () => {
    const e = setup();
    const bad = <T>(value: T): T => value;
    expectRefused(e, (x) => x.updateService(1, 'smtp', bad({ intervalMS: 5 } as never)), 'INVALID_ARGUMENT', "patch has an unknown field 'intervalMS' (it takes intervalMs, windows, concurrency, access)", 'intervalMS');
    expectRefused(e, (x) => x.addService(1, bad({ id: 'x', intervalMs: 5, acess: ['bob'] } as never)), 'INVALID_ARGUMENT', "service has an unknown field 'acess' (it takes id, intervalMs, windows, concurrency, access)", 'acess');
    expectRefused(e, (x) => x.addUser(1, bad({ id: 'x', qouta: 5 } as never)), 'INVALID_ARGUMENT', "user has an unknown field 'qouta' (it takes id, quota, weight)", 'qouta');
    expectRefused(e, (x) => x.updateUser(1, 'bob', bad({ weight: 2, quota: 5 } as never)), 'INVALID_ARGUMENT', "patch has an unknown field 'quota' (it takes weight)", 'quota');
    expectRefused(e, (x) => x.createTask(1, bad({ id: 't', user: 'bob', recipients: 1, service: ['smtp'] } as never)), 'INVALID_ARGUMENT', "task has an unknown field 'service' (it takes id, user, recipients, startAt, maxLatenessMs, weight, services)", 'service');
    // Inside a window too: a misspelt timeZone would have cut calendar days in UTC.
    const window = { kind: 'fixed', limit: 2, periodMs: 86_400_000, timezone: 'Asia/Tokyo' };
    expectRefused(e, (x) => x.addService(1, bad({ id: 'x', intervalMs: 5, windows: [window] } as never)), 'INVALID_ARGUMENT', "service 'x': windows[0].timezone is not a window field (a window takes kind, limit, periodMs, timeZone)", 'windows[0]');
    expectRefused(e, (x) => x.updateService(1, 'smtp', bad({ windows: [window] } as never)), 'INVALID_ARGUMENT', "service 'smtp': windows[0].timezone is not a window field (a window takes kind, limit, periodMs, timeZone)", 'windows[0]');
    // Fields inherited from a prototype are read as before; only own fields are checked.
    const inherited = Object.create({ weight: 3 }) as { weight?: number };
    expect(e.updateUser(1, 'bob', inherited).ok).toBe(true);
    expect(e.status().users.find((u) => u.id === 'bob')!.weight).toBe(3);
  });

  it('empty and invalid recipient lists', () => {
    const e = setup();
    expectRefused(e, (x) => x.createTask(1, { id: 't', user: 'bob', recipients: [] }), 'NO_VALID_RECIPIENTS', "task 't' has no valid recipient (0 given, 0 invalid, 0 duplicate)", 'recipients');
    expectRefused(
      e,
      (x) => x.createTask(1, { id: 't', user: 'bob', recipients: ['nope', 'a@b', 'x@y.com\r\nBcc: z@w.com'] }),
      'NO_VALID_RECIPIENTS',
      "task 't' has no valid recipient (3 given, 3 invalid, 0 duplicate)",
      'recipients',
    );
  });

  it('time going backwards', () => {
    const e = setup();
    expect(e.poll(100).ok).toBe(true);
    expectRefused(e, (x) => x.poll(99), 'TIME_WENT_BACKWARDS', "now (99) is before the engine's clock (100)", 'now');
    expectRefused(e, (x) => x.addUser(-1, { id: 'x' }), 'INVALID_ARGUMENT', 'now must be an integer number of milliseconds >= 0, got -1', 'now');
  });

  it('wrong states', () => {
    const e = setup();
    expectRefused(e, (x) => x.resumeTask(1, 'ok'), 'INVALID_STATE', "task 'ok' is active, not paused");
    expectRefused(e, (x) => x.resumeService(1, 'smtp'), 'INVALID_STATE', "service 'smtp' is not paused or disabled");
    expect(e.suspendUser(1, 'bob').ok).toBe(true);
    expectRefused(e, (x) => x.createTask(1, { id: 't', user: 'bob', recipients: 1 }), 'USER_SUSPENDED', "user 'bob' is suspended and cannot create tasks", 'user');
  });
});

describe('recipient lists', () => {
  it('trims, de-duplicates case-insensitively and reports invalid addresses without charging them', () => {
    const e = setup();
    const r = e.createTask(1, { id: 't', user: 'bob', recipients: [' Ann@Example.com', 'ann@example.COM', 'bad@', 'joe@example.org'] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.reserved).toBe(2);
    expect(r.value.recipients).toEqual(['Ann@Example.com', 'joe@example.org']);
    expect(r.value.duplicates).toEqual([{ index: 1, address: 'ann@example.COM', firstIndex: 0 }]);
    expect(r.value.invalid).toEqual([{ index: 2, address: 'bad@', reason: "missing '@' with text on both sides" }]);
    expect(e.status().users.find((u) => u.id === 'bob')).toMatchObject({ balance: 8, reserved: 2 });
  });
});

describe('engine options', () => {
  it('refuses bad options loudly at creation', () => {
    expect(() => createEngine({ policy: 'lottery' as never })).toThrow('engine option policy must be one of fair, round-robin, fifo, got lottery');
    expect(() => createEngine({ retry: { maxAttempts: 0 } })).toThrow('engine option retry.maxAttempts must be an integer from 1 to 100, got 0');
  });
});
