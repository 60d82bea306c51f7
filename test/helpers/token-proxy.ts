import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { decodePart, makeKey, signRaw, withPart, type TestKey } from './keys.js';
import { closeServer, listenOnLoopback } from './loopback.js';

/**
 * What the proxy does to the provider's answer: nothing, a changed claim under the provider's
 * signature, claims re-signed by a foreign key under the provider's `kid`, or (refresh grants
 * only) a refusal as if the refresh token were revoked.
 */
export type ProxyMode = 'pass' | 'tamper-access' | 'foreign-access' | 'tamper-id' | 'fail-refresh';

/** One request a recorded path received. */
export interface Received {
  host: string;
  path: string;
  authorization: string | undefined;
}

/**
 * A token endpoint in front of a real provider's (`target`), on its own loopback origin, that
 * keeps every answer it passed on (so a test knows the real tokens) and can tamper with them.
 * Any other path answers 200 and records its Authorization: a recording API on another port.
 */
export class TokenProxy {
  url = '';
  target = '';
  mode: ProxyMode = 'pass';
  /** Every token answer as the provider sent it. */
  readonly answers: Record<string, string>[] = [];
  /** The grant type of every token request, in order. */
  readonly grants: string[] = [];
  readonly received: Received[] = [];
  private foreign?: TestKey;
  private readonly server = createServer((req, res) => void this.answer(req, res));

  async start(): Promise<this> {
    this.foreign = await makeKey('op-1'); // the provider's kid, another key
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cors = {
      'access-control-allow-origin': req.headers.origin ?? '*',
      'access-control-allow-headers': 'authorization, content-type',
    };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/token') {
      const { host = '', authorization } = req.headers;
      this.received.push({ host, path, authorization });
      return void res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end('{}');
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const grant = new URLSearchParams(body).get('grant_type') ?? '';
    this.grants.push(grant);
    const json = (status: number, value: unknown) =>
      res
        .writeHead(status, { ...cors, 'content-type': 'application/json' })
        .end(JSON.stringify(value));
    if (this.mode === 'fail-refresh' && grant === 'refresh_token')
      return void json(400, { error: 'invalid_grant' });
    const upstream = await fetch(`${this.target}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const answer = (await upstream.json()) as Record<string, string>;
    if (upstream.ok) this.answers.push({ ...answer });
    json(upstream.status, await this.altered(answer));
  }

  private async altered(answer: Record<string, string>): Promise<Record<string, string>> {
    const { access_token: access, id_token: id } = answer;
    if (this.mode === 'tamper-access' && access)
      return {
        ...answer,
        access_token: withPart(access, 1, { ...decodePart(access, 1), sub: 'admin' }),
      };
    if (this.mode === 'tamper-id' && id)
      return { ...answer, id_token: withPart(id, 1, { ...decodePart(id, 1), sub: 'admin' }) };
    if (this.mode === 'foreign-access' && access) {
      const resigned = await signRaw(
        this.foreign!,
        decodePart(access, 0),
        JSON.stringify(decodePart(access, 1)),
      );
      return { ...answer, access_token: resigned };
    }
    return answer;
  }
}
