import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../runner/config.ts';
import { createNodemailerTransport, redact } from '../../runner/transport.ts';

const smtp = { kind: 'smtp' as const, host: '127.0.0.1', port: 1, secure: false, ignoreTLS: true, requireTLS: false, pool: false, connectionTimeoutMs: 500, greetingTimeoutMs: 500, socketTimeoutMs: 500 };

describe('credentials', () => {
  it('redacts secrets from any text', () => {
    expect(redact('535 auth failed for hunter2xyz (hunter2xyz)', ['hunter2xyz'])).toBe('535 auth failed for [redacted] ([redacted])');
    expect(redact('short ab', ['ab'])).toBe('short ab');
  });

  it('names a missing variable, never a value', () => {
    const auth = { userEnv: 'SMTP_USER', passEnv: 'SMTP_PASS' };
    expect(() => createNodemailerTransport({ ...smtp, auth }, { SMTP_USER: 'me' }, 'services[2]'))
      .toThrow(new ConfigError('services[2].transport.auth.passEnv: environment variable SMTP_PASS is not set'));
  });

  it('keeps the password out of a failure report', async () => {
    const transport = createNodemailerTransport({ ...smtp, auth: { userEnv: 'U', passEnv: 'P' } }, { U: 'me', P: 'pa55word-secret' }, 'services[0]');
    const report = await transport.send({ from: 'a@example.test', to: 'b@example.test', subject: 's', text: 't', messageId: '<x@example.test>', headers: {} });
    transport.close();
    expect(report.ok).toBe(false);
    expect(JSON.stringify(report).includes('pa55word-secret')).toBe(false);
    expect(report.ok ? null : report.failure.code).toBe('ESOCKET');
  });
});
