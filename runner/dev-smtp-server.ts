// A local SMTP server (the smtp-server package) that accepts mail and prints it, for trying the
// runner without a real mail provider. Also the base of the SMTP test harness.
//
//   npx tsx runner/dev-smtp-server.ts [--port 2525] [--host 127.0.0.1]
//
// Plain SMTP on loopback, no TLS, no authentication: never expose it.
import { pathToFileURL } from 'node:url';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';

export interface ReceivedMessage {
  /** Wall-clock time the DATA phase ended (ms). */
  at: number;
  from: string;
  to: string[];
  raw: string;
}

/** A scripted reply that refuses one recipient (RCPT TO) or one message (DATA). */
export interface ScriptedReply {
  responseCode: number;
  message: string;
}

export interface DevSmtpServerOptions {
  host?: string;
  port?: number;
  onMessage?: (message: ReceivedMessage) => void;
  /** Answer for a recipient at RCPT TO; null accepts it. */
  replyForRecipient?: (address: string) => ScriptedReply | null;
  /** Largest message accepted, in bytes (the server refuses bigger ones). */
  sizeMaxBytes?: number;
  /** Wait this long after receiving a message before answering 250 (tests: a crash mid-send). */
  replyDelayMs?: number;
}

export interface DevSmtpServer {
  readonly host: string;
  readonly port: number;
  /** Stop accepting connections (clients get ECONNREFUSED) until `accept()`. */
  refuse(): Promise<void>;
  accept(): Promise<void>;
  close(): Promise<void>;
}

function smtpError(reply: ScriptedReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.responseCode });
}

export async function startDevSmtpServer(options: DevSmtpServerOptions = {}): Promise<DevSmtpServer> {
  const host = options.host ?? '127.0.0.1';
  const sizeMax = options.sizeMaxBytes ?? 10 * 1024 * 1024;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, size: sizeMax, closeTimeout: 100,
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const reply = options.replyForRecipient?.(address.address) ?? null;
      callback(reply === null ? null : smtpError(reply));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelope = session.envelope;
        const from = envelope.mailFrom === false ? '' : envelope.mailFrom.address;
        options.onMessage?.({ at: Date.now(), from, to: envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        if ((options.replyDelayMs ?? 0) > 0) setTimeout(() => callback(null), options.replyDelayMs);
        else callback(null);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  let listening = true;
  return {
    host, port,
    // Closing only the listening socket refuses new connections and lets current ones finish.
    refuse: () => new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.server.close(() => resolve());
    }),
    accept: () => new Promise<void>((resolve, reject) => {
      if (listening) return resolve();
      server.server.once('error', reject);
      server.server.listen(port, host, () => { listening = true; resolve(); });
    }),
    close: () => new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
    }),
  };
}

function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] ?? fallback : fallback;
}

async function main(): Promise<void> {
  const port = Number(argValue('--port', '2525'));
  const host = argValue('--host', '127.0.0.1');
  let count = 0;
  const server = await startDevSmtpServer({
    host, port,
    onMessage: (m) => {
      count += 1;
      process.stdout.write(`\n--- message ${count} at ${new Date(m.at).toISOString()} from ${m.from} to ${m.to.join(', ')}\n${m.raw}\n`);
    },
  });
  process.stdout.write(`dev SMTP server listening on ${server.host}:${server.port} (Ctrl-C to stop)\n`);
  const stop = (): void => { void server.close().then(() => process.exit(0)); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
