import { describe, expect, it } from 'vitest';
import { enhancedStatus, smtpOutcome } from '../../runner/smtp-outcome.ts';
import type { TransportFailure } from '../../runner/smtp-outcome.ts';

// Every row of the table in runner/smtp-outcome.ts, with the replies real providers send.
const cases: [string, TransportFailure, string, number][] = [
  ['HTTP 429 from an API transport', { statusCode: 429, message: 'Too Many Requests' }, 'service_error', 2],
  ['SES throttling', { name: 'Throttling', message: 'Maximum sending rate exceeded.' }, 'service_error', 2],
  ['Google daily limit', { code: 'EMESSAGE', responseCode: 550, command: 'DATA', response: '550 5.4.5 Daily user sending quota exceeded.' }, 'service_quota_reached', 3],
  ['Google daily limit on RCPT', { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: '550 5.4.5 Daily sending quota exceeded' }, 'service_quota_reached', 3],
  ['Exchange submission quota', { code: 'EMESSAGE', responseCode: 554, command: 'DATA', response: '554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException' }, 'service_quota_reached', 4],
  ['connection refused', { code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:1' }, 'service_error', 5],
  ['connection closed', { code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, 'service_error', 5],
  ['timeout', { code: 'ETIMEDOUT', message: 'Greeting never received' }, 'service_error', 5],
  ['dns', { code: 'EDNS', message: 'getaddrinfo ENOTFOUND smtp.example.test' }, 'service_error', 5],
  ['tls', { code: 'ETLS', message: 'STARTTLS failed' }, 'service_error', 5],
  ['auth failure without reply', { code: 'EAUTH', message: 'Missing credentials for "PLAIN"' }, 'service_error', 5],
  ['no credentials', { code: 'ENOAUTH', message: 'no credentials' }, 'service_error', 5],
  ['pool limit', { code: 'EMAXLIMIT', message: 'limit' }, 'service_error', 5],
  ['raw errno', { code: 'ECONNRESET', message: 'read ECONNRESET' }, 'service_error', 5],
  ['421 closing', { code: 'EENVELOPE', responseCode: 421, command: 'RCPT TO', response: '421 4.7.0 Try again later, closing connection.' }, 'service_error', 6],
  ['432 password transition', { code: 'EAUTH', responseCode: 432, command: 'AUTH PLAIN', response: '432 4.7.12 A password transition is needed' }, 'service_error', 6],
  ['454 TLS unavailable', { code: 'EENVELOPE', responseCode: 454, command: 'RCPT TO', response: '454 4.7.0 Temporary authentication failure' }, 'service_error', 6],
  ['535 auth failed', { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', response: '535 5.7.8 Username and Password not accepted' }, 'service_error', 6],
  ['530 auth required', { code: 'EENVELOPE', responseCode: 530, command: 'MAIL FROM', response: '530 5.7.0 Authentication Required' }, 'service_error', 6],
  ['503 bad sequence', { code: 'EENVELOPE', responseCode: 503, command: 'RCPT TO', response: '503 5.5.1 Error: need MAIL command' }, 'service_error', 6],
  ['450 4.7.1 rate limited', { code: 'EENVELOPE', responseCode: 450, command: 'RCPT TO', response: '450 4.7.1 Client host rejected: too many messages' }, 'service_error', 8],
  ['451 4.7.1 throttled', { code: 'EMESSAGE', responseCode: 451, command: 'DATA', response: '451 4.7.1 Please try again later' }, 'service_error', 8],
  ['451 4.3.0 system', { code: 'EMESSAGE', responseCode: 451, command: 'DATA', response: '451 4.3.0 Mail server temporarily rejected message' }, 'service_error', 8],
  ['452 4.3.1 storage', { code: 'EENVELOPE', responseCode: 452, command: 'RCPT TO', response: '452 4.3.1 Insufficient system storage' }, 'service_error', 8],
  ['451 4.4.2 network', { code: 'EMESSAGE', responseCode: 451, command: 'DATA', response: '451 4.4.2 Connection dropped' }, 'service_error', 8],
  ['451 without enhanced code', { code: 'EMESSAGE', responseCode: 451, command: 'DATA', response: '451 Requested action aborted: local error' }, 'service_error', 8],
  ['452 without enhanced code', { code: 'EENVELOPE', responseCode: 452, command: 'RCPT TO', response: '452 Requested action not taken' }, 'service_error', 8],
  ['471 4.7.0 policy', { code: 'EMESSAGE', responseCode: 471, command: 'DATA', response: '471 4.7.0 Policy' }, 'service_error', 9],
  ['452 4.2.2 mailbox full', { code: 'EENVELOPE', responseCode: 452, command: 'RCPT TO', response: '452 4.2.2 Mailbox full' }, 'deferred', 10],
  ['450 4.2.1 mailbox busy', { code: 'EENVELOPE', responseCode: 450, command: 'RCPT TO', response: '450 4.2.1 The user you are trying to contact is receiving mail too quickly' }, 'deferred', 10],
  ['450 bare', { code: 'EENVELOPE', responseCode: 450, command: 'RCPT TO', response: '450 Requested mail action not taken: mailbox unavailable' }, 'deferred', 10],
  ['451 4.1.8 sender domain', { code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO', response: '451 4.1.8 Domain of sender address does not resolve' }, 'deferred', 10],
  ['455 bare', { code: 'EENVELOPE', responseCode: 455, command: 'RCPT TO', response: '455 Server unable to accommodate parameters' }, 'deferred', 10],
  ['550 on MAIL FROM', { code: 'EENVELOPE', responseCode: 550, command: 'MAIL FROM', response: '550 5.7.1 Sender address rejected' }, 'service_error', 7],
  ['554 greeting', { code: 'EPROTOCOL', responseCode: 554, command: 'CONN', response: '554 5.7.1 no SMTP service here' }, 'service_error', 7],
  ['450 greeting', { code: 'EPROTOCOL', responseCode: 450, command: 'CONN', response: '450 busy' }, 'service_error', 7],
  ['450 bare on MAIL FROM', { code: 'EENVELOPE', responseCode: 450, command: 'MAIL FROM', response: '450 try later' }, 'service_error', 7],
  ['550 to EHLO', { code: 'EPROTOCOL', responseCode: 550, command: 'EHLO', response: '550 go away' }, 'service_error', 7],
  ['501 to AUTH LOGIN', { code: 'EAUTH', responseCode: 501, command: 'AUTH LOGIN', response: '501 5.5.2 Cannot decode' }, 'service_error', 7],
  ['550 5.1.1 unknown user', { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 The email account that you tried to reach does not exist' }, 'rejected', 11],
  ['553 bad address', { code: 'EENVELOPE', responseCode: 553, command: 'RCPT TO', response: '553 5.1.3 Bad recipient address syntax' }, 'rejected', 11],
  ['554 5.7.1 spam', { code: 'EMESSAGE', responseCode: 554, command: 'DATA', response: '554 5.7.1 Message rejected as spam' }, 'rejected', 11],
  ['552 5.3.4 too big', { code: 'EMESSAGE', responseCode: 552, command: 'DATA', response: '552 5.3.4 Message size exceeds fixed limit' }, 'rejected', 11],
  ['nodemailer refused address', { code: 'EENVELOPE', message: 'No recipients defined' }, 'rejected', 12],
  ['unknown error', { message: 'something odd' }, 'service_error', 13],
  ['stream error', { code: 'ESTREAM', message: 'stream broke' }, 'service_error', 13],
  ['2xx or 3xx as a failure', { code: 'EPROTOCOL', responseCode: 354, response: '354 go ahead' }, 'service_error', 13],
];

describe('smtpOutcome', () => {
  it('maps an accepted message to sent with the reply as detail', () => {
    expect(smtpOutcome(null, '250 2.0.0 OK queued as 12345')).toEqual({
      result: 'sent', rule: 1, detail: '250 2.0.0 OK queued as 12345',
    });
  });

  it.each(cases)('%s', (_name, failure, result, rule) => {
    const outcome = smtpOutcome(failure);
    expect({ result: outcome.result, rule: outcome.rule }).toEqual({ result, rule });
  });

  it('covers every row of the table', () => {
    const rules = new Set([1, ...cases.map((c) => c[3])]);
    expect([...rules].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('keeps the detail on one line and bounded', () => {
    const outcome = smtpOutcome({ responseCode: 550, response: `550 5.1.1 no\r\nsuch ${'x'.repeat(400)}` });
    expect(outcome.detail.includes('\n')).toBe(false);
    expect(outcome.detail.length).toBe(300);
    expect(outcome.detail.slice(0, 18)).toBe('550 5.1.1 no such ');
  });

  it('uses code and message as detail when there is no reply', () => {
    expect(smtpOutcome({ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:1' }).detail)
      .toBe('ESOCKET connect ECONNREFUSED 127.0.0.1:1');
  });
});

describe('enhancedStatus', () => {
  it.each([
    ['450 4.7.1 Client host rejected', '4.7.1'],
    ['550 5.1.1 <a@b.c>: unknown', '5.1.1'],
    ['451 Requested action aborted', null],
    ['250 2.0.0 OK', '2.0.0'],
    ['version 1.2.3 here', null],
    [undefined, null],
  ])('%s -> %s', (text, expected) => {
    expect(enhancedStatus(text)).toBe(expected);
  });
});
