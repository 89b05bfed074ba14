// A real SMTP server on loopback for tests: records every message with its arrival time and the
// parsed headers, and can refuse recipients or stop accepting connections on command.
import { startDevSmtpServer } from '../../runner/dev-smtp-server.ts';
import type { DevSmtpServer, ReceivedMessage, ScriptedReply } from '../../runner/dev-smtp-server.ts';

export interface Received extends ReceivedMessage {
  headers: Map<string, string>;
  body: string;
}

export interface SmtpHarness extends DevSmtpServer {
  readonly received: Received[];
  /** The next `times` RCPT TO for this address get this reply. */
  replyTo(address: string, reply: ScriptedReply, times?: number): void;
  /** Resolves when `count` messages have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs: number): Promise<void>;
}

export function parseHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: split < 0 ? '' : raw.slice(split + 4) };
}

export async function startSmtpHarness(options: { replyDelayMs?: number } = {}): Promise<SmtpHarness> {
  const received: Received[] = [];
  const scripts = new Map<string, { reply: ScriptedReply; times: number }>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = await startDevSmtpServer({
    ...options,
    onMessage: (m) => {
      received.push({ ...m, ...parseHeaders(m.raw) });
      for (const w of waiters.filter((x) => received.length >= x.count)) w.resolve();
    },
    replyForRecipient: (address) => {
      const script = scripts.get(address.toLowerCase());
      if (script === undefined) return null;
      script.times -= 1;
      if (script.times <= 0) scripts.delete(address.toLowerCase());
      return script.reply;
    },
  });
  return {
    ...server,
    received,
    replyTo(address, reply, times = 1) {
      scripts.set(address.toLowerCase(), { reply, times });
    },
    waitFor(count, timeoutMs) {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} messages after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(); } });
      });
    },
  };
}
