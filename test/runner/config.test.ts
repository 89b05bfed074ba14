import { describe, expect, it } from 'vitest';
import { ConfigError, accessOf, messageIdDomainOf, parseRunnerConfig } from '../../runner/config.ts';

const base = {
  from: 'Shop <shop@example.test>',
  services: [{ id: 'smtp1', intervalMs: 100, transport: { kind: 'smtp', host: '127.0.0.1', port: 2525 } }],
  users: [{ id: 'alice', quota: 10 }],
};

describe('parseRunnerConfig', () => {
  it('fills defaults', () => {
    const config = parseRunnerConfig(base);
    expect(config.services[0]).toEqual({
      id: 'smtp1', intervalMs: 100, concurrency: 1, windows: [], access: 'all',
      transport: { kind: 'smtp', host: '127.0.0.1', port: 2525, secure: false, ignoreTLS: false, requireTLS: false, pool: false, connectionTimeoutMs: 10_000, greetingTimeoutMs: 10_000, socketTimeoutMs: 60_000 },
    });
    expect(config.users).toEqual([{ id: 'alice', quota: 10, weight: 1 }]);
    expect({ policy: config.policy, inFlightOnRestart: config.inFlightOnRestart, commandPollMs: config.commandPollMs }).toEqual({ policy: 'fair', inFlightOnRestart: 'resend', commandPollMs: 250 });
    expect(messageIdDomainOf(config)).toBe('example.test');
  });

  it('names the path of every bad field', () => {
    const bad = { ...base, services: [{ ...base.services[0], intervalMs: -5, transport: { kind: 'smtp', host: '', port: 99999 } }], users: [{ id: 'a b' }] };
    expect(() => parseRunnerConfig(bad, 'c.yaml')).toThrow(ConfigError);
    let message = '';
    try { parseRunnerConfig(bad, 'c.yaml'); } catch (err) { message = (err as Error).message; }
    const lines = message.split('\n');
    expect(lines.map((l) => l.split(': ').slice(0, 2).join(': '))).toEqual([
      'c.yaml: services[0].intervalMs', 'c.yaml: services[0].transport.host', 'c.yaml: services[0].transport.port', 'c.yaml: users[0].id',
    ]);
  });

  it('says the sender is required when it is missing, and what it must be when it is wrong', () => {
    const { from: _from, ...noFrom } = base;
    expect(() => parseRunnerConfig(noFrom, 'c.yaml')).toThrow('c.yaml: from: is required: the address mail is sent from unless a service or task says otherwise, e.g. "Shop <shop@example.com>"');
    expect(() => parseRunnerConfig({ ...base, from: 'not an address' }, 'c.yaml')).toThrow('c.yaml: from: must be an address such as shop@example.com or Shop <shop@example.com>');
  });

  it('refuses unknown fields, duplicate ids and access to unknown users', () => {
    expect(() => parseRunnerConfig({ ...base, sevices: [] }, 'c')).toThrow(/c: \(top level\): Unrecognized key: "sevices"/);
    expect(() => parseRunnerConfig({ ...base, services: [base.services[0], base.services[0]] }, 'c')).toThrow('c: services[1].id "smtp1" is used twice');
    expect(() => parseRunnerConfig({ ...base, services: [{ ...base.services[0], access: ['bob'] }] }, 'c')).toThrow('c: services[0].access[0] names unknown user "bob"');
  });

  it('refuses engine options beyond the engine\'s limits as bad config, naming them', () => {
    const retry = { maxAttempts: 3, backoffMs: 10, backoffFactor: 1e308, backoffMaxMs: 100 };
    expect(() => parseRunnerConfig({ ...base, retry }, 'c')).toThrow(/^c: retry\.backoffFactor: /);
    expect(() => parseRunnerConfig({ ...base, retry: { ...retry, backoffFactor: 2, maxAttempts: 101 } }, 'c')).toThrow(/^c: retry\.maxAttempts: /);
    expect(() => parseRunnerConfig({ ...base, servicePause: { baseMs: 10, factor: 101, maxMs: 100, disableAfter: 3 } }, 'c')).toThrow(/^c: servicePause\.factor: /);
    expect(parseRunnerConfig({ ...base, retry: { ...retry, backoffFactor: 100, maxAttempts: 100 } }).retry?.backoffFactor).toBe(100);
  });

  it('refuses a from that is not an address, in both places, and keeps display names', () => {
    expect(() => parseRunnerConfig({ ...base, from: 'not an address' }, 'c')).toThrow('c: from: must be an address such as shop@example.com or Shop <shop@example.com>');
    expect(() => parseRunnerConfig({ ...base, services: [{ ...base.services[0], from: 'News <news at shop>' }] }, 'c'))
      .toThrow('c: services[0].from: must be an address such as shop@example.com or Shop <shop@example.com>');
    expect(parseRunnerConfig({ ...base, services: [{ ...base.services[0], from: 'News <news@shop.test>' }] }).services[0]?.from).toBe('News <news@shop.test>');
  });

  it('takes access as in scenarios, { users, groups }, with groups named by users[].group; a plain list still works', () => {
    const users = [{ id: 'ann', group: 'vip' }, { id: 'bob' }, { id: 'cy', group: 'vip' }, { id: 'dee', group: 'trial' }];
    const service = (id: string, access: unknown): unknown => ({ ...base.services[0], id, access });
    const config = parseRunnerConfig({
      ...base, users,
      services: [service('s1', { groups: ['vip'] }), service('s2', { users: ['dee', 'bob'], groups: ['vip'] }), service('s3', ['dee', 'ann']), service('s4', 'all')],
    });
    expect(config.users.map((u) => [u.id, u.group])).toEqual([['ann', 'vip'], ['bob', undefined], ['cy', 'vip'], ['dee', 'trial']]);
    expect(config.services.map((s) => accessOf(s, config.users))).toEqual([['ann', 'cy'], ['ann', 'bob', 'cy', 'dee'], ['dee', 'ann'], 'all']);
  });

  it('names the path of a bad access, in the scenario wording', () => {
    const users = [{ id: 'ann', group: 'vip' }];
    const refused = (access: unknown): string => {
      try {
        parseRunnerConfig({ ...base, users, services: [{ ...base.services[0], access }] }, 'c.yaml');
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(refused({ users: ['zed'], groups: ['vip', 'gold'] })).toBe('c.yaml: services[0].access.users names unknown user "zed"\nc.yaml: services[0].access.groups names unknown group "gold"');
    expect(refused({ groups: [] })).toBe('c.yaml: services[0].access: must name at least one user or group');
    expect(refused({ group: ['vip'] })).toBe('c.yaml: services[0].access: Unrecognized key: "group"\nc.yaml: services[0].access: must name at least one user or group');
    expect(refused(5)).toBe('c.yaml: services[0].access: must be "all", a list of user ids or { users: [...], groups: [...] }');
    expect(refused(['ann', 'zed'])).toBe('c.yaml: services[0].access[1] names unknown user "zed"');
    expect(() => parseRunnerConfig({ ...base, users: [{ id: 'ann', group: 'v i p' }] }, 'c.yaml')).toThrow('c.yaml: users[0].group: must be 1-64 characters of A-Z a-z 0-9 . _ -');
  });
});
