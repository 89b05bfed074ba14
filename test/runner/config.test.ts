import { describe, expect, it } from 'vitest';
import { ConfigError, messageIdDomainOf, parseRunnerConfig } from '../../runner/config.ts';

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

  it('refuses unknown fields, duplicate ids and access to unknown users', () => {
    expect(() => parseRunnerConfig({ ...base, sevices: [] }, 'c')).toThrow(/c: \(top level\): Unrecognized key: "sevices"/);
    expect(() => parseRunnerConfig({ ...base, services: [base.services[0], base.services[0]] }, 'c')).toThrow('c: services[1].id "smtp1" is used twice');
    expect(() => parseRunnerConfig({ ...base, services: [{ ...base.services[0], access: ['bob'] }] }, 'c')).toThrow('c: services[0].access[0] names unknown user "bob"');
  });

  it('refuses a from that is not an address, in both places, and keeps display names', () => {
    expect(() => parseRunnerConfig({ ...base, from: 'not an address' }, 'c')).toThrow('c: from: must be an address such as shop@example.com or Shop <shop@example.com>');
    expect(() => parseRunnerConfig({ ...base, services: [{ ...base.services[0], from: 'News <news at shop>' }] }, 'c'))
      .toThrow('c: services[0].from: must be an address such as shop@example.com or Shop <shop@example.com>');
    expect(parseRunnerConfig({ ...base, services: [{ ...base.services[0], from: 'News <news@shop.test>' }] }).services[0]?.from).toBe('News <news@shop.test>');
  });
});
