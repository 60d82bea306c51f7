import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback.js';

/** One request exactly as it arrived: the Host it named, every raw header (repeats kept), the body. */
export interface ArrivedRequest {
  method: string;
  host: string;
  path: string;
  headers: [string, string][];
  body: string;
}

/** A fetch-style API on 127.0.0.1 that logs everything it receives. */
export interface GuardedApi {
  url: string;
  log: ArrivedRequest[];
  stop(): Promise<void>;
}

// A page on another origin calls these APIs: it must be able to send Authorization and to read
// the challenge, or discovery and step-up cannot work in a browser.
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-expose-headers': 'www-authenticate, cache-control',
};

/**
 * Serves `handler` (Request → Response, e.g. one built on protectResource) through node:http on
 * 127.0.0.1, logging every request (preflights included) before the handler sees it, and
 * adding CORS headers to every answer.
 */
export async function startGuardedApi(
  handler: (request: Request) => Promise<Response>,
): Promise<GuardedApi> {
  const log: ArrivedRequest[] = [];
  const server = createServer((req, res) => void answer(req, res));
  const url = await listenOnLoopback(server);
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    log.push({
      method,
      host: req.headers.host ?? '',
      path,
      headers,
      body: body.toString('latin1'),
    });
    if (method === 'OPTIONS') return void res.writeHead(204, CORS).end();
    const hasBody = method !== 'GET' && method !== 'HEAD';
    try {
      const response = await handler(
        new Request(new URL(path, url), { method, headers, ...(hasBody ? { body } : {}) }),
      );
      res.writeHead(response.status, { ...Object.fromEntries(response.headers), ...CORS });
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, CORS).end(String(error));
    }
  };
  return { url, log, stop: () => closeServer(server) };
}
