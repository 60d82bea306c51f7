import { createServer, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { closeServer, listenOnLoopback } from './loopback.js';

export interface RunningFetchServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Serves a fetch-style handler (`Request` → `Response`, as Workers, Deno and Bun call it) on
 * 127.0.0.1 through node:http, converting the request the way Node adapters (Hono, itty) do.
 */
export async function serveFetch(
  handler: (request: Request) => Promise<Response>,
): Promise<RunningFetchServer> {
  const server = createServer((req, res) => {
    void handler(toRequest(req, url)).then(
      async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      },
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    stop: () => {
      return closeServer(server);
    },
  };
}

function toRequest(req: IncomingMessage, base: string): Request {
  // From rawHeaders, as @hono/node-server does: req.headers drops a repeated Authorization.
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', base), {
    method: req.method ?? 'GET',
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit);
}
