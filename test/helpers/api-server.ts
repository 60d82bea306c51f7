import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback.js';

export interface ApiRequest {
  path: string;
  method: string;
  authorization: string | undefined;
  body: string;
}

/**
 * A real API server on 127.0.0.1 that echoes the Authorization header it received, answers
 * 401 invalid_token for tokens a test marks as revoked, and can hand back a token in a header.
 */
export class ApiServer {
  requests: ApiRequest[] = [];
  revoked = new Set<string>();
  tokenToHandBack: string | undefined;
  private server: Server = createServer((req, res) => {
    void this.body(req).then((body) => {
      const authorization = req.headers.authorization;
      this.requests.push({
        path: req.url ?? '/',
        method: req.method ?? 'GET',
        authorization,
        body,
      });
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
        'access-control-allow-headers': '*',
        'access-control-expose-headers': 'x-new-token, www-authenticate',
      };
      if (req.method === 'OPTIONS') return void res.writeHead(204, headers).end();
      const bearer = authorization?.replace(/^Bearer /, '');
      if (bearer !== undefined && this.revoked.has(bearer)) {
        headers['www-authenticate'] = 'Bearer error="invalid_token", error_description="revoked"';
        return void res.writeHead(401, headers).end('{"error":"invalid_token"}');
      }
      if (this.tokenToHandBack !== undefined) headers['x-new-token'] = this.tokenToHandBack;
      res
        .writeHead(200, headers)
        .end(JSON.stringify({ authorization: authorization ?? null, body }));
    });
  });
  url = '';

  async start(): Promise<this> {
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  reset(): void {
    this.requests = [];
    this.revoked.clear();
    this.tokenToHandBack = undefined;
  }

  /** Requests that carried a method other than the CORS preflight. */
  get calls(): ApiRequest[] {
    return this.requests.filter((r) => r.method !== 'OPTIONS');
  }

  private body(req: IncomingMessage): Promise<string> {
    return new Promise((resolve) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => resolve(text));
    });
  }
}
