// One contract, two implementations: the nodemailer SMTP transport against a real SMTP server on
// loopback, and the in-memory double used by fast unit tests. Both must answer the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMessage } from '../../runner/message.ts';
import { smtpOutcome } from '../../runner/smtp-outcome.ts';
import { createMemoryTransport, createNodemailerTransport } from '../../runner/transport.ts';
import type { MailTransport } from '../../runner/transport.ts';
import { startSmtpHarness } from './smtp-harness.ts';
import type { SmtpHarness } from './smtp-harness.ts';

interface Backend {
  transport: MailTransport;
  /** Make the next send to `address` get this SMTP reply at RCPT TO. */
  script(address: string, responseCode: number, text: string): void;
  /** Make the next send to `address` fail to connect. */
  refuseNext(address: string): Promise<void>;
  restore(): Promise<void>;
  delivered(): { to: string; messageId: string }[];
  close(): Promise<void>;
}

async function smtpBackend(): Promise<Backend> {
  const harness: SmtpHarness = await startSmtpHarness();
  const transport = createNodemailerTransport(
    { kind: 'smtp', host: harness.host, port: harness.port, secure: false, ignoreTLS: true, requireTLS: false, pool: false, connectionTimeoutMs: 2000, greetingTimeoutMs: 2000, socketTimeoutMs: 5000 },
    {}, 'services[0]',
  );
  return {
    transport,
    script: (address, responseCode, text) => harness.replyTo(address, { responseCode, message: text }),
    refuseNext: () => harness.refuse(),
    restore: () => harness.accept(),
    delivered: () => harness.received.map((m) => ({ to: m.to.join(','), messageId: m.headers.get('message-id') ?? '' })),
    close: async () => { transport.close(); await harness.close(); },
  };
}

function memoryBackend(): Backend {
  const transport = createMemoryTransport();
  return {
    transport,
    script: (address, responseCode, text) => transport.failNext(address, { code: 'EENVELOPE', responseCode, response: `${responseCode} ${text}`, command: 'RCPT TO' }),
    refuseNext: (address) => {
      transport.failNext(address, { code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:25' });
      return Promise.resolve();
    },
    restore: () => Promise.resolve(),
    delivered: () => transport.sent.map((m) => ({ to: m.to, messageId: m.messageId })),
    close: () => Promise.resolve(),
  };
}

function message(to: string, recipient: number) {
  return buildMessage({
    template: { subject: 'Hello {{name}}', text: 'Hi {{name}}' }, from: 'sender@example.test', to,
    fields: { email: to, name: 'Ann' }, task: 'contract', recipient, messageIdDomain: 'example.test',
  });
}

const backends: [string, () => Promise<Backend>][] = [
  ['nodemailer SMTP + smtp-server', smtpBackend],
  ['in-memory double', () => Promise.resolve(memoryBackend())],
];

describe.each(backends)('transport contract: %s', (_name, make) => {
  let backend: Backend;
  beforeAll(async () => { backend = await make(); });
  afterAll(async () => { await backend.close(); });

  it('delivers a message with its stable Message-ID and answers 250', async () => {
    const report = await backend.transport.send(message('ann@example.test', 0));
    expect(report.ok).toBe(true);
    expect(report.ok && report.response.startsWith('250')).toBe(true);
    expect(backend.delivered()).toEqual([{ to: 'ann@example.test', messageId: '<fs.contract.0@example.test>' }]);
    expect(smtpOutcome(report.ok ? null : report.failure).result).toBe('sent');
  });

  it.each([
    [452, '4.2.2 Mailbox full', 'deferred'],
    [550, '5.1.1 No such user', 'rejected'],
    [450, '4.7.1 Too many messages, slow down', 'service_error'],
    [550, '5.4.5 Daily sending quota exceeded', 'service_quota_reached'],
  ])('a %i %s reply maps to %s and delivers nothing', async (code, text, result) => {
    const before = backend.delivered().length;
    backend.script('bob@example.test', code, text);
    const report = await backend.transport.send(message('bob@example.test', 1));
    expect(report.ok).toBe(false);
    if (report.ok) return;
    expect({ responseCode: report.failure.responseCode, response: report.failure.response }).toEqual({ responseCode: code, response: `${code} ${text}` });
    expect(smtpOutcome(report.failure).result).toBe(result);
    expect(backend.delivered().length).toBe(before);
  });

  it('a refused connection is a service error, and sending works again afterwards', async () => {
    await backend.refuseNext('cy@example.test');
    const refused = await backend.transport.send(message('cy@example.test', 2));
    expect(refused.ok ? 'sent' : smtpOutcome(refused.failure).result).toBe('service_error');
    await backend.restore();
    const again = await backend.transport.send(message('cy@example.test', 2));
    expect(again.ok).toBe(true);
    expect(backend.delivered().at(-1)).toEqual({ to: 'cy@example.test', messageId: '<fs.contract.2@example.test>' });
  });
});
