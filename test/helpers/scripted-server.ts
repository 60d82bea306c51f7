import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A real HTTP server on 127.0.0.1 whose answers a test scripts: each request takes the next
 * handler in `script`, or `fallback` when the script has run out. Records every request.
 * Sends CORS headers so happy-dom's fetch may read it.
 */
export class ScriptedServer {
  script: Handler[] = [];
  fallback: Handler = (_, res) => res.writeHead(404).end();
  seen: IncomingMessage[] = [];
  url = '';
  private sockets = new Set<Socket>();
  private server: Server = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'Authorization, *');
    res.setHeader(
      'access-control-expose-headers',
      'ETag, Date, Cache-Control, Retry-After, X-Token',
    );
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    this.seen.push(req);
    (this.script.shift() ?? this.fallback)(req, res);
  });

  async start(host = '127.0.0.1'): Promise<this> {
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(0, host, resolve));
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  reset(): void {
    this.script = [];
    this.seen = [];
    this.fallback = (_, res) => res.writeHead(404).end();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A handler answering 200 with a JSON body and extra headers. */
export const json =
  (body: unknown, headers: Record<string, string> = {}): Handler =>
  (_, res) =>
    res
      .writeHead(200, { 'content-type': 'application/json', ...headers })
      .end(JSON.stringify(body));
