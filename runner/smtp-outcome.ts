// The ONE place where a transport's answer (a nodemailer error, an SMTP reply, an HTTP status from
// an API transport) becomes an engine outcome. Everything else in the runner only sees the result.
//
// Decision table, first matching row wins ("enh" = the enhanced status code of RFC 3463 found in
// the reply text, e.g. `4.7.0`):
//
// | # | what the transport said                                   | outcome                  |
// |---|-----------------------------------------------------------|--------------------------|
// | 1 | no error                                                  | sent                     |
// | 2 | HTTP 429 (statusCode / responseCode 429, or 'Throttling') | service_error            |
// | 3 | any reply with enh 5.4.5 (Google daily sending limit)     | service_quota_reached    |
// | 4 | 554 with enh 5.2.0 (Exchange submission quota)            | service_quota_reached    |
// | 5 | connection level: ECONNECTION, ETIMEDOUT, ESOCKET, EDNS,  | service_error            |
// |   | ETLS, EPROXY, EAUTH, ENOAUTH, EOAUTH2, EMAXLIMIT, and     |                          |
// |   | socket errnos ECONNREFUSED/ECONNRESET/EPIPE/EHOSTUNREACH…  |                          |
// | 6 | 421 (service closing), 432 (password transition), 454     | service_error            |
// |   | (TLS/auth temporarily unavailable), 530/534/535/538 (auth)|                          |
// |   | and 503 (bad sequence: the session, not the message)      |                          |
// | 7 | any 4xx or 5xx answering the session, not a recipient:    | service_error            |
// |   | the greeting (CONN), EHLO/HELO, STARTTLS, AUTH, MAIL FROM  |                          |
// |   | or RSET (every recipient would get it alike: a refused     |                          |
// |   | sender, a server that will not talk to us)                |                          |
// | 8 | 450/451/452 with enh 4.7.x, 4.3.x or 4.4.x (throttling,   | service_error            |
// |   | system or network trouble); 451/452 without enh (local   |                          |
// |   | error / insufficient storage: the server's problem)       |                          |
// | 9 | any other 4xx with enh 4.7.x (policy / rate limiting)     | service_error            |
// |10 | any other 4xx (4.2.x mailbox full, 450 bare, greylisting  | deferred                 |
// |   | of one mailbox …)                                         |                          |
// |11 | any other 5xx (5.1.x bad address, 5.7.1 refused, …)       | rejected                 |
// |12 | EENVELOPE without a reply (nodemailer refused the address)| rejected                 |
// |13 | anything else (unknown error, no reply code)              | service_error            |
//
// Why row 13 is a service error and not a rejection: an unexplained failure says nothing about the
// recipient, and a service error keeps the recipient unharmed while the engine pauses the service
// with back-off (and disables it after too many in a row), so a bug cannot burn a mailing list.

export type SmtpOutcomeResult =
  | 'sent'
  | 'deferred'
  | 'rejected'
  | 'service_error'
  | 'service_quota_reached';

/** What the runner reports to the engine for one send (the engine adds task and recipient). */
export interface SmtpOutcome {
  result: SmtpOutcomeResult;
  /** The table row that decided, so logs and tests can say why. */
  rule: number;
  /** Reply text or error code, for the event log; never parsed again. */
  detail: string;
}

/** The fields of a nodemailer error (or an API transport error) that the mapping looks at. */
export interface TransportFailure {
  code?: string | undefined;
  responseCode?: number | undefined;
  response?: string | undefined;
  command?: string | undefined;
  statusCode?: number | undefined;
  name?: string | undefined;
  message?: string | undefined;
}

const CONNECTION_CODES = new Set([
  'ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY', 'EAUTH', 'ENOAUTH', 'EOAUTH2',
  'EMAXLIMIT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND',
  'EAI_AGAIN',
]);
const SERVICE_REPLY_CODES = new Set([421, 432, 454, 503, 530, 534, 535, 538]);
const DETAIL_LENGTH_MAX = 300;

/** The enhanced status code (class.subject.detail) in a reply text, e.g. '4.7.0', or null. */
export function enhancedStatus(text: string | undefined): string | null {
  if (text === undefined) return null;
  const match = /(?:^|\s)([245]\.\d{1,3}\.\d{1,3})(?=\s|$|[,;:.)\]])/.exec(text);
  return match?.[1] ?? null;
}

function detailOf(failure: TransportFailure): string {
  const text = failure.response ?? `${failure.code ?? 'ERROR'} ${failure.message ?? ''}`.trim();
  return text.replace(/[\r\n]+/g, ' ').slice(0, DETAIL_LENGTH_MAX);
}

/** Row number of the table above that classifies a failure (rows 2..13). */
function classify(failure: TransportFailure): { result: SmtpOutcomeResult; rule: number } {
  const reply = failure.responseCode;
  const enh = enhancedStatus(failure.response);
  if (failure.statusCode === 429 || reply === 429 || failure.name === 'Throttling') {
    return { result: 'service_error', rule: 2 };
  }
  if (enh === '5.4.5') return { result: 'service_quota_reached', rule: 3 };
  if (reply === 554 && enh === '5.2.0') return { result: 'service_quota_reached', rule: 4 };
  if (reply === undefined && failure.code !== undefined && CONNECTION_CODES.has(failure.code)) {
    return { result: 'service_error', rule: 5 };
  }
  if (reply === undefined) {
    if (failure.code === 'EENVELOPE') return { result: 'rejected', rule: 12 };
    return { result: 'service_error', rule: 13 };
  }
  if (SERVICE_REPLY_CODES.has(reply)) return { result: 'service_error', rule: 6 };
  if (reply >= 400 && reply < 600 && isSessionCommand(failure.command)) return { result: 'service_error', rule: 7 };
  if (reply >= 400 && reply < 500) return classifyTemporary(reply, enh);
  if (reply >= 500 && reply < 600) return { result: 'rejected', rule: 11 };
  return { result: 'service_error', rule: 13 };
}

function classifyTemporary(reply: number, enh: string | null): { result: SmtpOutcomeResult; rule: number } {
  const system = enh !== null && /^4\.[347]\./.test(enh);
  if (reply >= 450 && reply <= 452) {
    if (system) return { result: 'service_error', rule: 8 };
    if (enh === null && reply !== 450) return { result: 'service_error', rule: 8 };
    return { result: 'deferred', rule: 10 };
  }
  if (enh !== null && enh.startsWith('4.7.')) return { result: 'service_error', rule: 9 };
  return { result: 'deferred', rule: 10 };
}

/** Commands of the SMTP session itself (nodemailer names the greeting 'CONN'); RCPT TO and DATA are the recipient's. */
function isSessionCommand(command: string | undefined): boolean {
  if (command === undefined) return false;
  const verb = command.trim().toUpperCase();
  return verb === 'CONN' || verb === 'EHLO' || verb === 'HELO' || verb === 'LHLO' || verb === 'STARTTLS' ||
    verb === 'MAIL FROM' || verb === 'RSET' || verb.startsWith('AUTH');
}

/**
 * Maps the result of one send to an engine outcome. `failure` is null when the transport accepted
 * the message; `acceptedResponse` is the server's final reply then (kept for the event log).
 */
export function smtpOutcome(failure: TransportFailure | null, acceptedResponse = ''): SmtpOutcome {
  if (failure === null) {
    return { result: 'sent', rule: 1, detail: acceptedResponse.slice(0, DETAIL_LENGTH_MAX) };
  }
  const { result, rule } = classify(failure);
  return { result, rule, detail: detailOf(failure) };
}
