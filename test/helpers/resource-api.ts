import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback.js';

/** One request as the API saw it: every header and the body, to prove what reached it. */
export interface LoggedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * A hand-written RFC 9728 resource server on 127.0.0.1 for the attach side's tests (not built on
 * protectResource, so the client is checked against an independent server): serves its metadata
 * at the well-known path, answers 401 with `resource_metadata` without a token, 403
 * insufficient_scope when the token's `scope` lacks `requiredScope`, else 200. It decodes tokens
 * without verifying them: the client under test is what must never send a wrong one. Logs all.
 */
export class ResourceApi {
  log: LoggedRequest[] = [];
  metadataFetches = 0;
  /** The metadata document; `resource` defaults to this server's URL. */
  metadata: Record<string, unknown> = {};
  metadataHeaders: Record<string, string> = { 'cache-control': 'max-age=60' };
  /** Sent instead of the JSON document when set. */
  metadataBody: string | undefined;
  /** Milliseconds the metadata answer is held back. */
  metadataDelay = 0;
  requiredScope: string | undefined;
  /** Where the 401 challenge points (undefined: no resource_metadata parameter). */
  metadataUrl: () => string | undefined = () => `${this.url}${WELL_KNOWN}`;
  url = '';
  private server = createServer((req, res) => void this.handle(req, res));

  async start(host = '127.0.0.1'): Promise<this> {
    this.url = await listenOnLoopback(this.server, host);
    return this;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  /** Everything every request carried, as one string (for "zero bytes of the token" checks). */
  everything(): string {
    return JSON.stringify(this.log);
  }

  /** Requests other than CORS preflights and metadata fetches. */
  get calls(): LoggedRequest[] {
    return this.log.filter((r) => r.method !== 'OPTIONS' && !r.path.startsWith(WELL_KNOWN));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const path = req.url ?? '/';
    this.log.push({ method: req.method ?? 'GET', path, headers: { ...req.headers }, body });
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-expose-headers': 'www-authenticate, cache-control',
    };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    if (path.startsWith(WELL_KNOWN)) return this.serveMetadata(res, cors);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const named = this.metadataUrl();
    const pointer = named === undefined ? [] : [`resource_metadata="${named}"`];
    if (token === undefined) {
      const challenge = ['Bearer', pointer.join('')].join(' ').trim();
      return void res.writeHead(401, { ...cors, 'www-authenticate': challenge }).end();
    }
    const scope = String(claimsOf(token).scope ?? '').split(' ');
    if (this.requiredScope !== undefined && !scope.includes(this.requiredScope)) {
      const params = ['error="insufficient_scope"', `scope="${this.requiredScope}"`, ...pointer];
      const challenge = `Bearer ${params.join(', ')}`;
      return void res.writeHead(403, { ...cors, 'www-authenticate': challenge }).end();
    }
    res.writeHead(200, { ...cors, 'content-type': 'application/json' });
    res.end(JSON.stringify({ aud: claimsOf(token).aud, path }));
  }

  private serveMetadata(res: ServerResponse, cors: Record<string, string>): void {
    this.metadataFetches++;
    const document = { resource: this.url, ...this.metadata };
    setTimeout(() => {
      res.writeHead(200, { ...cors, 'content-type': 'application/json', ...this.metadataHeaders });
      res.end(this.metadataBody ?? JSON.stringify(document));
    }, this.metadataDelay);
  }
}

function claimsOf(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
  } catch {
    return {};
  }
}
