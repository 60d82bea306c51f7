import ky, { type KyInstance } from 'ky';
import ky1 from 'ky1';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createFetch,
  createVerifier,
  localJwks,
  type VerifiedToken,
  type VerifiedTokenOptions,
} from '../../src/index.js';
import { withVerifiedToken } from '../../src/ky.js';
import { refusal } from '../helpers/outcome.js';
import { ApiServer } from '../helpers/api-server.js';
import {
  AUDIENCE,
  decodePart,
  ISSUER,
  makeKey,
  sign,
  withPart,
  type TestKey,
} from '../helpers/keys.js';
import { kyFetchOption } from '../helpers/buffered-fetch.js';

let api: ApiServer;
let foreign: ApiServer;
let key: TestKey;
let attacker: TestKey;

beforeAll(async () => {
  [api, foreign] = await Promise.all([new ApiServer().start(), new ApiServer().start()]);
  [key, attacker] = await Promise.all([makeKey('api-1'), makeKey('api-1')]);
});
afterAll(() => Promise.all([api.stop(), foreign.stop()]));
afterEach(() => {
  api.reset();
  foreign.reset();
});

type Send = (url: string, init?: RequestInit) => Promise<Response>;
// A test may bring its own verifier (to watch its events); the default is verifier() below.
type Options = Omit<VerifiedTokenOptions, 'verifier'> &
  Partial<Pick<VerifiedTokenOptions, 'verifier'>>;

const verifier = () =>
  createVerifier({ keys: localJwks(key.publicJwk), issuer: ISSUER, audience: AUDIENCE });

// The same behaviour, checked through both clients.
const clients: [string, (options: Options) => Send][] = [
  [
    'ky (tokenward/ky)',
    (options) => {
      const client = withVerifiedToken(ky.create({ throwHttpErrors: false, ...kyFetchOption }), {
        verifier: verifier(),
        allowedOrigins: [api.url],
        ...options,
      });
      return (url, init) => client(url, init as never);
    },
  ],
  [
    'ky 1.14 (positional hook arguments)',
    (options) => {
      const instance = ky1.create({
        throwHttpErrors: false,
        ...kyFetchOption,
      });
      const client = withVerifiedToken(instance as unknown as KyInstance, {
        verifier: verifier(),
        allowedOrigins: [api.url],
        ...options,
      }) as unknown as typeof instance;
      return (url, init) => client(url, init as never);
    },
  ],
  [
    'createFetch',
    (options) => createFetch({ verifier: verifier(), allowedOrigins: [api.url], ...options }),
  ],
];

const expired = () => sign(key, { exp: Math.floor(Date.now() / 1000) - 60 });
const tampered = async () => {
  const token = await sign(key, { role: 'user' });
  return withPart(token, 1, { ...decodePart(token, 1), role: 'admin' });
};

describe.each(clients)('%s', (_name, client) => {
  it('attaches a verified token to an allowed origin', async () => {
    const token = await sign(key);
    const response = await client({ getToken: () => token })(`${api.url}/me`);
    expect(await response.json()).toMatchObject({ authorization: `Bearer ${token}` });
  });

  it('sends no token to another origin, and never reads its response token', async () => {
    const token = await sign(key);
    const responseToken = vi.fn(() => undefined);
    foreign.tokenToHandBack = await tampered();
    const send = client({ getToken: async () => token, responseToken });
    const response = await send(`${foreign.url}/collect`);
    expect(await response.json()).toMatchObject({ authorization: null });
    expect(responseToken).not.toHaveBeenCalled();
  });

  it('never lets a tampered token reach the server', async () => {
    const send = client({ getToken: tampered });
    expect((await refusal(send(`${api.url}/me`))).code).toBe('ERR_SIGNATURE_INVALID');
    expect(api.calls).toHaveLength(0);
  });

  it('refreshes an expired token once, sends the fresh one, and reports it to onToken', async () => {
    const fresh = await sign(key, { n: 'fresh' });
    const onToken = vi.fn<(v: VerifiedToken) => void>();
    const refresh = vi.fn(async () => fresh);
    const response = await client({ getToken: expired, refresh, onToken })(`${api.url}/me`);
    expect(await response.json()).toMatchObject({ authorization: `Bearer ${fresh}` });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(onToken.mock.calls[0]![0].token).toBe(fresh);
  });

  it('rejects, sending nothing, when the refreshed token fails too', async () => {
    const send = client({ getToken: expired, refresh: tampered });
    expect((await refusal(send(`${api.url}/me`))).code).toBe('ERR_SIGNATURE_INVALID');
    expect(api.calls).toHaveLength(0);
  });

  it('keeps the original reason when refresh yields nothing', async () => {
    const send = client({ getToken: expired, refresh: () => undefined });
    expect((await refusal(send(`${api.url}/me`))).code).toBe('ERR_TOKEN_EXPIRED');
    expect(api.calls).toHaveLength(0);
  });

  it('sends a logged-out request without Authorization', async () => {
    for (const nothing of [undefined, null, '']) {
      const response = await client({ getToken: () => nothing })(`${api.url}/public`);
      expect(await response.json()).toMatchObject({ authorization: null });
    }
  });

  it('shares one refresh between concurrent requests', async () => {
    const fresh = await sign(key, { n: 'shared' });
    // The refresh is held until the tenth request has seen its token refused, so every request
    // must find the one refresh in flight, however slowly the machine runs. The release waits
    // one macrotask, after the tenth request's own microtasks (its join) have run.
    let refused = 0;
    let release!: () => void;
    const allRefused = new Promise<void>((resolve) => (release = resolve));
    const watched = createVerifier({
      keys: localJwks(key.publicJwk),
      issuer: ISSUER,
      audience: AUDIENCE,
      onEvent: (event) => {
        if (event.type === 'token:rejected' && ++refused === 10) setTimeout(release, 0);
      },
    });
    let calls = 0;
    const refresh = async () => {
      calls++;
      await allRefused;
      return fresh;
    };
    const send = client({ verifier: watched, getToken: expired, refresh });
    const responses = await Promise.all(Array.from({ length: 10 }, () => send(`${api.url}/me`)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(calls).toBe(1);
    expect(api.calls.every((c) => c.authorization === `Bearer ${fresh}`)).toBe(true);
  });

  it('on 401 invalid_token, refreshes once and retries once, body included', async () => {
    const revoked = await sign(key, { n: 'revoked' });
    const fresh = await sign(key, { n: 'after-401' });
    api.revoked.add(revoked);
    const refresh = vi.fn(async () => fresh);
    const send = client({ getToken: () => revoked, refresh });
    const response = await send(`${api.url}/orders`, {
      method: 'POST',
      body: '{"item":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(api.calls.map((c) => [c.authorization, c.body])).toEqual([
      [`Bearer ${revoked}`, '{"item":1}'],
      [`Bearer ${fresh}`, '{"item":1}'],
    ]);
  });

  it('does not retry a 401 without refresh', async () => {
    const revoked = await sign(key);
    api.revoked.add(revoked);
    const response = await client({ getToken: () => revoked })(`${api.url}/me`);
    expect(response.status).toBe(401);
    expect(api.calls).toHaveLength(1);
  });

  it('verifies a token handed back by the server before the caller sees the response', async () => {
    api.tokenToHandBack = await sign(key, { n: 'rotated' });
    const onToken = vi.fn<(v: VerifiedToken) => void>();
    const send = client({
      getToken: () => undefined,
      responseToken: (response) => response.headers.get('x-new-token'),
      onToken,
    });
    expect((await send(`${api.url}/login`)).status).toBe(200);
    expect(onToken.mock.calls[0]![0].payload.n).toBe('rotated');
  });

  it('rejects a forged response token (MITM) and does not call onToken', async () => {
    api.tokenToHandBack = await sign(attacker, { n: 'forged' });
    const onToken = vi.fn();
    const send = client({
      getToken: () => undefined,
      responseToken: (response) => response.headers.get('x-new-token'),
      onToken,
    });
    expect((await refusal(send(`${api.url}/login`))).code).toBe('ERR_SIGNATURE_INVALID');
    expect(onToken).not.toHaveBeenCalled();
  });
});

describe('createFetch', () => {
  it('accepts Request objects and URLs as well as strings', async () => {
    const token = await sign(key);
    const send = createFetch({
      verifier: verifier(),
      getToken: () => token,
      allowedOrigins: [api.url],
    });
    for (const input of [
      new URL(`${api.url}/a`),
      new Request(`${api.url}/b`, { method: 'PUT', body: 'x' }),
    ]) {
      expect(await (await send(input)).json()).toMatchObject({ authorization: `Bearer ${token}` });
    }
    expect(api.calls.map((c) => c.method)).toEqual(['GET', 'PUT']);
  });

  it('uses the fetch it is given', async () => {
    const inner = vi.fn((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    const send = createFetch({
      verifier: verifier(),
      getToken: () => undefined,
      allowedOrigins: [api.url],
      fetch: inner,
    });
    await send(`${api.url}/x`);
    expect(inner).toHaveBeenCalledTimes(1);
  });
});

describe('allowedOrigins', () => {
  const make = (allowedOrigins?: string[]) =>
    createFetch({
      verifier: verifier(),
      getToken: () => 'x',
      ...(allowedOrigins ? { allowedOrigins } : {}),
    });

  it.each(['https://api.example.com/v1', 'api.example.com', '*', 'file:///etc'])(
    'refuses %j as an origin',
    (origin) => {
      expect(() => make([origin])).toThrow(TypeError);
    },
  );

  it('compares scheme, host and port exactly, never by prefix', async () => {
    const token = await sign(key);
    const [port] = api.url.split(':').slice(-1);
    const send = createFetch({
      verifier: verifier(),
      getToken: () => token,
      allowedOrigins: [`http://127.0.0.1:${port!.slice(0, -1)}`],
    });
    const response = await send(`${api.url}/me`);
    expect(await response.json()).toMatchObject({ authorization: null });
    const https = createFetch({
      verifier: verifier(),
      getToken: () => token,
      allowedOrigins: [api.url.replace('http:', 'https:')],
    });
    expect(await (await https(`${api.url}/me`)).json()).toMatchObject({ authorization: null });
  });

  it('defaults to the page origin in a browser, and is required elsewhere', async () => {
    if (typeof window === 'undefined') {
      expect(() => make()).toThrow(/allowedOrigins.*required outside a browser/);
      return;
    }
    // happy-dom: move the page to the API's origin, as a same-origin SPA would be.
    (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(
      `${api.url}/app`,
    );
    const token = await sign(key);
    const send = createFetch({ verifier: verifier(), getToken: () => token });
    expect(await (await send(`${api.url}/me`)).json()).toMatchObject({
      authorization: `Bearer ${token}`,
    });
    expect(await (await send(`${foreign.url}/me`)).json()).toMatchObject({ authorization: null });
  });
});
