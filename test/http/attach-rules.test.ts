import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createFetch,
  createVerifier,
  localJwks,
  type VerifiedFetchOptions,
} from '../../src/index.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { ScriptedServer, type Handler } from '../helpers/scripted-server.js';

// The attach side (src/http/attach.ts) through createFetch against a real server: each refresh
// verifies afresh, only a 401 that says the token is bad triggers one, and every option
// mistake is a TypeError naming the function. Each case names the mutant it kills.

const T = 1_800_000_000;
const server = new ScriptedServer();
let key: TestKey;
beforeAll(async () => {
  await server.start();
  key = await makeKey('attach', 'ES256');
});
afterAll(() => server.stop());
afterEach(() => server.reset());

const echo: Handler = (req, res) =>
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ authorization: req.headers.authorization ?? null }));
const sentBy = async (response: Response) =>
  ((await response.json()) as { authorization: string | null }).authorization;

/** A verifier on a clock the test moves, and tokens issued at T valid for 60 s. */
function setup(options: Partial<VerifiedFetchOptions> = {}) {
  const time = { ms: T * 1000 };
  const verifier = createVerifier({
    keys: localJwks(key.publicJwk),
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    clock: () => time.ms,
  });
  const send = createFetch({
    verifier,
    getToken: () => token({ n: 'stale', exp: T - 1 }),
    allowedOrigins: [server.url],
    ...options,
  });
  return { time, send };
}
const token = (claims: Record<string, unknown>) =>
  sign(key, { iat: T, exp: T + 60, ...claims }, {}, T);

describe('every refresh verifies a new token', () => {
  // Kills `refreshing = undefined` removed from the shared refresh's finally: the first
  // refresh's result would be handed to every later caller without calling refresh or
  // verifying again, even once that token has expired.
  it('calls refresh again for a later request, and never resends an expired refreshed token', async () => {
    server.fallback = echo;
    const issued: string[] = [];
    const refresh = async () => {
      const fresh = await token({ n: `fresh-${issued.length}`, exp: T + 60 * (issued.length + 1) });
      issued.push(fresh);
      return fresh;
    };
    const { time, send } = setup({ refresh });
    expect(await sentBy(await send(`${server.url}/a`))).toBe(`Bearer ${issued[0]}`);
    time.ms = (T + 90) * 1000; // the first refreshed token has expired
    expect(await sentBy(await send(`${server.url}/b`))).toBe(`Bearer ${issued[1]}`);
    expect(issued).toHaveLength(2);
  });

  // Kills `refreshing ??=` → `refreshing =`: concurrent callers share the refresh in flight.
  it('shares one refresh between requests that need it at the same time', async () => {
    server.fallback = echo;
    let calls = 0;
    const refresh = async () => (calls++, token({ n: 'shared' }));
    const { send } = setup({ refresh });
    const answers = await Promise.all([1, 2, 3].map((i) => send(`${server.url}/${i}`)));
    const sent = await Promise.all(answers.map(sentBy));
    expect(new Set(sent).size).toBe(1);
    expect(calls).toBe(1);
  });
});

describe('only a 401 that calls the token invalid triggers a refresh (RFC 6750 §3.1)', () => {
  const challenge =
    (status: number, header: string | undefined): Handler =>
    (_, res) =>
      res.writeHead(status, header === undefined ? {} : { 'www-authenticate': header }).end();

  // Kills saysInvalidToken loosened: the status test removed or turned into >= 401, the
  // scheme or the error test removed, or the error matched anywhere in the header.
  it.each([
    [401, 'Bearer error="invalid_token"', true],
    [401, 'DPoP error="invalid_token", algs="ES256"', true],
    [401, 'bearer realm="api", error=invalid_token', true],
    [403, 'Bearer error="invalid_token"', false],
    [400, 'Bearer error="invalid_token"', false],
    [401, 'Bearer error="insufficient_scope"', false],
    [401, 'Bearer realm="x-invalid_token"', false],
    [401, 'Basic error="invalid_token"', false],
    [401, 'Newbearer error="invalid_token"', false],
    [401, undefined, false],
  ])('%s %s → refresh: %s', async (status, header, refreshes) => {
    const current = await token({ n: 'current' });
    const fresh = await token({ n: 'fresh' });
    server.script = [challenge(status, header)];
    server.fallback = echo;
    let calls = 0;
    const { send } = setup({ getToken: () => current, refresh: () => (calls++, fresh) });
    const response = await send(`${server.url}/x`);
    expect([calls, server.seen.length]).toEqual(refreshes ? [1, 2] : [0, 1]);
    if (refreshes) expect(await sentBy(response)).toBe(`Bearer ${fresh}`);
    else expect(response.status).toBe(status);
  });
});

describe('option mistakes are TypeErrors at creation that name createFetch', () => {
  const verifier = { verify: async () => ({}) as never };
  const base = { verifier, getToken: () => undefined, allowedOrigins: ['https://api.test'] };
  const dpop = { jkt: 'x', proof: async () => 'p', learnNonce: () => false };
  // Kills each test of createAttacher's option checks removed alone.
  it.each([
    ['no options', undefined],
    ['no verifier', { ...base, verifier: undefined }],
    ['a verifier without verify', { ...base, verifier: {} }],
    ['getToken that is not a function', { ...base, getToken: 'token' }],
    ['refresh that is not a function', { ...base, refresh: 'token' }],
    ['responseToken that is not a function', { ...base, responseToken: {} }],
    ['onToken that is not a function', { ...base, onToken: 1 }],
    ['dpop that is not from createDpop()', { ...base, dpop: {} }],
    ['dpop without proof', { ...base, dpop: { ...dpop, proof: undefined } }],
    ['dpop whose jkt is not a string', { ...base, dpop: { ...dpop, jkt: 1 } }],
    ['dpop without learnNonce', { ...base, dpop: { ...dpop, learnNonce: undefined } }],
    ['dpop: null', { ...base, dpop: null }],
    ['allowedOrigins that is a string', { ...base, allowedOrigins: 'https://api.test' }],
    ['an origin with a path', { ...base, allowedOrigins: ['https://api.test/v1'] }],
    ['an origin that is not http(s)', { ...base, allowedOrigins: ['ftp://api.test'] }],
    ['an origin that is not a string', { ...base, allowedOrigins: [42] }],
    ['an origin that is not a URL', { ...base, allowedOrigins: ['api.test'] }],
  ])('%s', (_, options) => {
    expect(() => createFetch(options as never)).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        message: expect.stringMatching(/^createFetch/),
      }),
    );
  });

  it('takes an origin with a trailing slash, and every optional function', () => {
    const send = createFetch({
      ...base,
      allowedOrigins: ['https://api.test/', 'http://127.0.0.1:8080'],
      refresh: () => undefined,
      responseToken: () => undefined,
      onToken: () => undefined,
      dpop,
    });
    expect(typeof send).toBe('function');
  });
});
