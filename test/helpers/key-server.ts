import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the key server answers; switch it mid-test to model an outage or a lying server. */
export type ServerMode =
  | 'ok'
  | 'status-500'
  | 'status-503'
  | 'status-404'
  | 'status-204'
  | 'html'
  | 'broken-json'
  | 'reset'
  | 'hang'
  | 'slow-body'
  | 'huge'
  | 'redirect-loop';

export interface Route {
  body: string | (() => string);
  type?: string;
  cacheControl?: string;
  etag?: string;
}

/**
 * A real HTTP key server on 127.0.0.1 (no mocked fetch). Serves whatever routes a test sets,
 * counts requests per path, honours If-None-Match, and sends CORS headers so happy-dom's
 * fetch (page origin http://localhost:3000) may read it.
 */
export class KeyServer {
  mode: ServerMode = 'ok';
  routes = new Map<string, Route>();
  requests: { path: string; headers: IncomingMessage['headers'] }[] = [];
  private server: Server = createServer((req, res) => {
    // handle() answers synchronously, so onRequest sees the request already answered in the old mode.
    this.handle(req, res);
    if (req.method !== 'OPTIONS') this.onRequest?.(new URL(req.url ?? '/', this.url).pathname);
  });
  private sockets = new Set<Socket>();
  private hanging = new Set<ServerResponse>();
  url = '';
  /** Called after each request is counted and answered, e.g. to end an outage after one failure. */
  onRequest: ((path: string) => void) | undefined;

  async start(): Promise<this> {
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  reset(): void {
    this.mode = 'ok';
    this.onRequest = undefined;
    this.requests = [];
    this.routes.clear();
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  json(path: string, value: unknown, extra: Omit<Route, 'body'> = {}): void {
    this.routes.set(path, { body: JSON.stringify(value), type: 'application/json', ...extra });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', this.url).pathname;
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-expose-headers', 'ETag, Date, Cache-Control');
    res.setHeader('access-control-allow-headers', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    this.requests.push({ path, headers: req.headers });
    const route = this.routes.get(path);
    switch (this.mode) {
      case 'status-500':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
        return;
      case 'status-503':
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
        return;
      case 'status-404':
        res.writeHead(404).end('not found');
        return;
      case 'status-204':
        res.writeHead(204).end();
        return;
      case 'html':
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<html><body>Sign in</body></html>');
        return;
      case 'broken-json':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": [');
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        this.hanging.add(res);
        return;
      case 'slow-body':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"keys": [');
        this.hanging.add(res);
        return;
      case 'huge': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = ' '.repeat(64 * 1024);
        for (let i = 0; i < 12; i++) res.write(chunk);
        res.end('{"keys": []}');
        return;
      }
      case 'redirect-loop':
        res.writeHead(302, { location: path }).end();
        return;
      case 'ok':
        break;
    }
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    const headers: Record<string, string> = { 'content-type': route.type ?? 'application/json' };
    if (route.cacheControl !== undefined) headers['cache-control'] = route.cacheControl;
    if (route.etag !== undefined) {
      headers.etag = route.etag;
      if (req.headers['if-none-match'] === route.etag) {
        res.writeHead(304, headers).end();
        return;
      }
    }
    res.writeHead(200, headers).end(typeof route.body === 'function' ? route.body() : route.body);
  }
}
