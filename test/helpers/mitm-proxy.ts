import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback.js';

/** What the issuer answered, as the proxy saw it on the way through. */
export interface Passing {
  path: string;
  status: number;
  type: string;
  body: string;
}

/** A rewrite: the answer the client gets instead, or undefined to pass the real one through. */
export type Rewrite = (passing: Passing) => Partial<Passing> | undefined;

/**
 * A man in the middle on 127.0.0.1: forwards every request to `upstream` (the issuer) and hands
 * the client whatever `rewrite` makes of the answer (a swapped key set, an older signed set, a
 * forged token). Plain HTTP on both sides, as on a network without TLS. Records what it passed.
 */
export class MitmProxy {
  url = '';
  rewrite: Rewrite = () => undefined;
  seen: string[] = [];
  private server = createServer((req, res) => void this.forward(req, res));

  constructor(private readonly upstream: () => string) {}

  async start(): Promise<this> {
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    this.seen.push(path);
    const headers: Record<string, string> = {};
    for (const name of ['accept', 'if-none-match'])
      if (typeof req.headers[name] === 'string') headers[name] = req.headers[name] as string;
    const answer = await fetch(`${this.upstream()}${path}`, { headers });
    const real: Passing = {
      path,
      status: answer.status,
      type: answer.headers.get('content-type') ?? '',
      body: await answer.text(),
    };
    const sent = { ...real, ...this.rewrite(real) };
    const out: Record<string, string> = {
      'content-type': sent.type,
      'access-control-allow-origin': '*',
    };
    const cacheControl = answer.headers.get('cache-control');
    if (cacheControl !== null) out['cache-control'] = cacheControl;
    res.writeHead(sent.status, out).end(sent.body);
  }
}

/**
 * A fetch that reaches `host` (a name that is not loopback, as on a real network) through the
 * proxy, as Chromium's --host-resolver-rules maps a name: real HTTP, only the address differs.
 */
export function resolvingTo(host: string, proxy: MitmProxy) {
  return (input: string, init: RequestInit): Promise<Response> =>
    fetch(input.replace(`http://${host}`, proxy.url), init);
}
