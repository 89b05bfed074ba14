// `--http 127.0.0.1:PORT`: GET /status (JSON) and GET /metrics (Prometheus text). Read-only.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Runner } from './runner.ts';

/** Parses "HOST:PORT"; answers an error message naming the option when it is not one. */
export function parseListenAddress(text: string): { host: string; port: number } | { error: string } {
  const match = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (match === null || !Number.isInteger(port) || port > 65535) {
    return { error: `--http must be HOST:PORT (e.g. 127.0.0.1:9090), got "${text}"` };
  }
  return { host: (match[1] ?? '').replace(/^\[|\]$/g, ''), port };
}

/**
 * `source` gives the runner once there is one: the CLI binds the port before it opens the database,
 * so a busy port is refused before anything is written (503 until then).
 */
export function startStatusServer(source: Runner | (() => Runner | null), host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const runner = typeof source === 'function' ? source() : source;
    if (runner === null) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('starting\n');
    } else if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/status') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(runner.status(), null, 2)}\n`);
    } else if (path === '/metrics') {
      runner.metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': runner.metrics.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /status or /metrics\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
