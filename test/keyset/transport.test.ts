import ky from 'ky';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVerifier, discovery, isVerificationError, jwks, pem } from '../../src/index.js';
import type { FetchPolicy } from '../../src/keys/policy.js';
import { fetchDocument } from '../../src/keyset/transport.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { json, ScriptedServer, type Handler } from '../helpers/scripted-server.js';

const server = new ScriptedServer();
let base = '';
let key: TestKey;
const ok: Handler = (req, res) => json({ keys: [key.publicJwk] })(req, res);
const keysBody = () => JSON.stringify({ keys: [key.publicJwk] });

beforeAll(async () => {
  key = await makeKey('transport');
  base = (await server.start()).url;
});
afterAll(() => server.stop());
beforeEach(() => server.reset());

const policy = (extra: Partial<FetchPolicy> = {}): FetchPolicy => ({
  timeoutMs: 3000,
  retry: 2,
  headers: {},
  fetch: undefined,
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isVerificationError(error) && error.code).toBe('ERR_KEY_FETCH_FAILED');
  return (error as Error).message;
}

describe('key transport: the platform fetch, bounded', () => {
  it('retries 429 and 408 (honouring Retry-After), then reads the keys', async () => {
    server.script = [
      (_, res) => res.writeHead(429, { 'retry-after': '0' }).end(),
      (_, res) => res.writeHead(408).end(),
      ok,
    ];
    const response = await fetchDocument(
      { url: `${base}/k`, accept: 'application/json' },
      policy(),
      Date.now,
    );
    expect(JSON.parse(response.body).keys).toHaveLength(1);
    expect(server.seen).toHaveLength(3);
  });

  it('gives up after `retry` retries, and never retries a 4xx that will not change', async () => {
    server.script = [(_, res) => res.writeHead(503).end(), (_, res) => res.writeHead(503).end()];
    expect(
      await failure(
        fetchDocument({ url: `${base}/k`, accept: '*/*' }, policy({ retry: 1 }), Date.now),
      ),
    ).toMatch(/503/);
    expect(server.seen).toHaveLength(2);
    server.seen = [];
    server.script = [(_, res) => res.writeHead(403).end()];
    expect(
      await failure(fetchDocument({ url: `${base}/k`, accept: '*/*' }, policy(), Date.now)),
    ).toMatch(/403/);
    expect(server.seen).toHaveLength(1);
  });

  it('bounds every try and the backoff between them by one deadline', async () => {
    server.script = [(_, res) => res.writeHead(503, { 'retry-after': '60' }).end()];
    const started = Date.now();
    const message = await failure(
      fetchDocument(
        { url: `${base}/k`, accept: '*/*' },
        policy({ timeoutMs: 400, retry: 5 }),
        Date.now,
      ),
    );
    expect(message).toMatch(/within 0.4s/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('bounds a fetch that ignores its abort signal and never settles', async () => {
    const deaf = () => new Promise<Response>(() => undefined);
    const started = Date.now();
    const message = await failure(
      fetchDocument(
        { url: `${base}/k`, accept: '*/*' },
        policy({ timeoutMs: 300, fetch: deaf }),
        Date.now,
      ),
    );
    expect(message).toMatch(/within 0.3s/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  // Node only: happy-dom's fetch keeps an HTTP cache of its own that answers a hand-made
  // conditional request itself (the jwks() ETag test covers 304s in happy-dom).
  it.skipIf(typeof window !== 'undefined')(
    'takes a 304 only as the answer to its own If-None-Match',
    async () => {
      server.script = [(_, res) => res.writeHead(304).end()];
      expect(
        await failure(fetchDocument({ url: `${base}/k`, accept: '*/*' }, policy(), Date.now)),
      ).toMatch(/304 to a request that was not conditional/);
      // As browsers see it: a 200 with an ETag first, then the conditional request.
      server.script = [
        (_, res) =>
          res.writeHead(200, { etag: '"v1"', 'content-type': 'application/json' }).end(keysBody()),
        (_, res) => res.writeHead(304, { etag: '"v1"' }).end(),
      ];
      await fetchDocument({ url: `${base}/k`, accept: '*/*' }, policy(), Date.now);
      const renewed = await fetchDocument(
        { url: `${base}/k`, accept: '*/*', etag: '"v1"' },
        policy(),
        Date.now,
      );
      expect(renewed.notModified).toBe(true);
      expect(server.seen.at(-1)!.headers['if-none-match']).toBe('"v1"');
    },
  );

  it('never takes keys asked for over https from a redirect to http', async () => {
    // The fetch seam maps https://idp.test to this server, whose answer redirects to plain http.
    server.script = [(_, res) => res.writeHead(302, { location: `${base}/plain` }).end(), ok];
    const routed = (input: string, init: RequestInit) =>
      fetch(input.replace('https://idp.test', base), init);
    const message = await failure(
      fetchDocument(
        { url: 'https://idp.test/keys', accept: '*/*' },
        policy({ fetch: routed }),
        Date.now,
      ),
    );
    expect(message).toMatch(/redirect led from https to http/);
  });
});

describe('remote sources fetch through the fetch or ky they are given', () => {
  it('uses the `fetch` option for every key request', async () => {
    server.script = [ok];
    const calls: string[] = [];
    const verifier = createVerifier({
      keys: jwks(`${base}/k`, {
        fetch: (input, init) => {
          calls.push(input);
          return fetch(input, init);
        },
      }),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    await verifier.verify(await sign(key));
    expect(calls).toEqual([`${base}/k`]);
  });

  it('sends the key request through a ky instance, its hooks included', async () => {
    server.script = [ok];
    const api = ky.create({
      hooks: { beforeRequest: [({ request }) => request.headers.set('x-through', 'ky')] },
    });
    const verifier = createVerifier({
      keys: jwks(`${base}/k`, { ky: api }),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    await verifier.verify(await sign(key));
    expect(server.seen.map((r) => r.headers['x-through'])).toEqual(['ky']);
  });

  it('refuses both at once, and anything that is not a function', () => {
    expect(() => jwks(`${base}/k`, { fetch, ky })).toThrow(TypeError);
    expect(() => jwks(`${base}/k`, { fetch: 'yes' as never })).toThrow(/fetch-compatible/);
  });
});

describe('https key URLs never follow a redirect to http', () => {
  // The fetch seam maps https://idp.test to this server; the server redirects to plain http.
  const routed = (input: string, init: RequestInit) =>
    fetch(input.replace('https://idp.test', base), init);
  const toPlainHttp: Handler = (_, res) => res.writeHead(302, { location: `${base}/plain` }).end();

  it.each([
    ['jwks()', () => jwks('https://idp.test/keys', { fetch: routed, retry: 0 })],
    ['pem(url)', () => pem('https://idp.test/rs256.pub', { fetch: routed, retry: 0 })],
  ])('%s', async (_, source) => {
    server.script = [toPlainHttp];
    server.fallback = ok;
    const verifier = createVerifier({ keys: source(), issuer: ISSUER, audience: AUDIENCE });
    const error = await verifier.verify(await sign(key)).catch((e: Error) => e);
    expect(isVerificationError(error) && error.code).toBe('ERR_KEY_FETCH_FAILED');
    expect((error as Error).message).toMatch(/redirect led from https to http/);
  });

  it("discovery()'s jwks_uri", async () => {
    const issuer = 'https://idp.test';
    server.script = [json({ issuer, jwks_uri: `${issuer}/keys` }), toPlainHttp];
    server.fallback = ok;
    const verifier = createVerifier({
      keys: discovery(issuer, { fetch: routed, retry: 0 }),
      audience: AUDIENCE,
    });
    const error = await verifier.verify(await sign(key, { iss: issuer })).catch((e: Error) => e);
    expect(isVerificationError(error) && error.code).toBe('ERR_KEY_FETCH_FAILED');
    expect((error as Error).message).toMatch(/redirect led from https to http/);
  });
});
