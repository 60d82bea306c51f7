import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccessTokenVerifier,
  createDpopVerifier,
  localJwks,
  protectResource,
  type ProtectResourceOptions,
} from '../../src/index.js';
import { checkChallenges } from '../helpers/challenge-checks.js';
import { ath, makeProof, makeProofKey, type ProofKey } from '../helpers/dpop.js';
import { serveFetch, type RunningFetchServer } from '../helpers/fetch-server.js';
import { ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';

const RESOURCE = 'https://api.example.com/v1';
let key: TestKey;
let proofKey: ProofKey;

beforeAll(async () => {
  key = await makeKey('as-1');
  proofKey = await makeProofKey();
});

const accessToken = (claims: Record<string, unknown> = {}) =>
  sign(
    key,
    { aud: RESOURCE, scope: 'read', client_id: 'spa', jti: randomUUID(), ...claims },
    { typ: 'at+jwt' },
  );
const verifier = () =>
  createAccessTokenVerifier({ issuer: ISSUER, audience: RESOURCE, keys: localJwks(key.publicJwk) });
const guard = (options: Partial<ProtectResourceOptions> = {}) =>
  protectResource({
    resource: RESOURCE,
    verifier: verifier(),
    authorizationServers: [ISSUER],
    scopes: ['read'],
    ...options,
  });

/** The API every runtime serves: metadata, `/read` (resource scopes), `/write` (+ write). */
const handlerOf = (protect: ReturnType<typeof guard>) => async (request: Request) => {
  const metadata = protect.metadata(request);
  if (metadata) return metadata;
  const path = new URL(request.url).pathname.replace(/^\/v1/, '');
  const result = await protect(request, path === '/write' ? { scopes: ['write'] } : {});
  if (!result.ok) return result.response;
  return Response.json({ sub: result.token.payload.sub, jkt: result.token.jkt ?? null });
};

describe('protectResource', () => {
  it('answers header by header as RFC 6750, RFC 9728 and RFC 7235 say', async () => {
    const handle = handlerOf(guard());
    const send = (path: string, headers: [string, string][] = []) =>
      handle(
        new Request(
          `https://api.example.com${path.startsWith('/.well-known') ? path : `/v1${path}`}`,
          { headers },
        ),
      );
    await checkChallenges(send, RESOURCE, {
      good: await accessToken(),
      expired: await accessToken({ exp: Math.floor(Date.now() / 1000) - 60 }),
      otherAudience: await accessToken({ aud: 'https://other.example.com' }),
    });
  });

  it('serves the metadata only at its well-known path, and only for GET or HEAD', () => {
    const protect = guard();
    const at = (url: string, method = 'GET') => protect.metadata(new Request(url, { method }));
    expect(protect.metadataUrl).toBe(
      'https://api.example.com/.well-known/oauth-protected-resource/v1',
    );
    expect(at('https://api.example.com/.well-known/oauth-protected-resource/v1')?.status).toBe(200);
    expect(
      at('https://api.example.com/.well-known/oauth-protected-resource/v1', 'HEAD')?.status,
    ).toBe(200);
    expect(at('https://api.example.com/.well-known/oauth-protected-resource')).toBeUndefined();
    expect(
      at('https://api.example.com/.well-known/oauth-protected-resource/v1', 'POST'),
    ).toBeUndefined();
    expect(at('https://api.example.com/v1/me')).toBeUndefined();
  });

  it.each([
    [{ resource: 'api.example.com' }],
    [{ verifier: {} }],
    [{ authorizationServers: 'https://idp' }],
    [{ scopes: ['read write'] }],
    [{ bearer: false }],
    [{ dpop: { verify: () => undefined } }],
  ])('refuses %j at creation', (bad) => {
    expect(() => guard(bad as never)).toThrow(/^protectResource/);
  });

  describe('over real HTTP', () => {
    let server: RunningFetchServer;
    beforeAll(async () => {
      server = await serveFetch(handlerOf(guard({ resource: 'http://127.0.0.1/v1' })));
    });
    afterAll(() => server.stop());

    it('answers two Authorization headers with 400 invalid_request', async () => {
      const token = await accessToken();
      const { status, challenge } = await new Promise<{ status: number; challenge: string }>(
        (resolve, reject) => {
          const req = httpRequest(`${server.url}/v1/read`);
          // Two header lines, as a proxy that adds its own might send them.
          req.setHeader('authorization', [`Bearer ${token}`, `Bearer ${token}`]);
          req.on('response', (res) => {
            res.resume();
            resolve({
              status: res.statusCode!,
              challenge: String(res.headers['www-authenticate']),
            });
          });
          req.on('error', reject).end();
        },
      );
      expect(status).toBe(400);
      expect(challenge).toMatch(/^Bearer error="invalid_request"/);
      expect(challenge).not.toContain(token.split('.')[2]);
    });
  });
});

describe('protectResource with dpop (RFC 9449 §7)', () => {
  const URL_ = 'https://api.example.com/v1/read';
  const boundToken = () => accessToken({ cnf: { jkt: proofKey.jkt } });
  const dpopRequest = async (token: string, claims: Record<string, unknown> = {}) =>
    new Request(URL_, {
      headers: {
        authorization: `DPoP ${token}`,
        dpop: await makeProof(proofKey, { htm: 'GET', htu: URL_, ath: ath(token), ...claims }),
      },
    });
  const dpopGuard = (nonce?: true) =>
    guard({
      dpop: createDpopVerifier({
        verifier: verifier(),
        algorithms: ['ES256', 'EdDSA'],
        ...(nonce ? { nonce } : {}),
      }),
    });
  const META =
    'resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/v1"';

  it('takes a DPoP-bound token with its proof, and names the proof key', async () => {
    const result = await dpopGuard()(await dpopRequest(await boundToken()));
    expect(result.ok && result.token.jkt).toBe(proofKey.jkt);
  });

  it('challenges with DPoP algs="…" only, by default', async () => {
    const result = await dpopGuard()(new Request(URL_));
    expect(!result.ok && result.response.headers.get('www-authenticate')).toBe(
      `DPoP algs="ES256 EdDSA", ${META}`,
    );
  });

  it('lists both schemes when bearer tokens are accepted too, and refuses a bound token sent as Bearer', async () => {
    const protect = guard({
      bearer: true,
      dpop: createDpopVerifier({ verifier: verifier(), algorithms: ['ES256'] }),
    });
    const none = await protect(new Request(URL_));
    expect(!none.ok && none.response.headers.get('www-authenticate')).toBe(
      `DPoP algs="ES256", ${META}, Bearer ${META}`,
    );
    const asBearer = await protect(
      new Request(URL_, { headers: { authorization: `Bearer ${await boundToken()}` } }),
    );
    expect(!asBearer.ok && asBearer.response.status).toBe(401);
    expect(!asBearer.ok && asBearer.response.headers.get('www-authenticate')).toBe(
      `DPoP algs="ES256", ${META}, Bearer error="invalid_token", error_description="ERR_DPOP_INVALID", ${META}`,
    );
    const plain = await protect(
      new Request(URL_, { headers: { authorization: `Bearer ${await accessToken()}` } }),
    );
    expect(plain.ok).toBe(true);
  });

  it('refuses a bound token sent as Bearer to a DPoP-only API with invalid_token', async () => {
    const result = await dpopGuard()(
      new Request(URL_, { headers: { authorization: `Bearer ${await boundToken()}` } }),
    );
    expect(!result.ok && result.response.headers.get('www-authenticate')).toBe(
      `DPoP algs="ES256 EdDSA", error="invalid_token", error_description="ERR_DPOP_INVALID", ${META}`,
    );
  });

  it('answers a bad proof with invalid_dpop_proof', async () => {
    const result = await dpopGuard()(await dpopRequest(await boundToken(), { htm: 'POST' }));
    expect(!result.ok && result.response.status).toBe(401);
    expect(!result.ok && result.response.headers.get('www-authenticate')).toBe(
      `DPoP algs="ES256 EdDSA", error="invalid_dpop_proof", error_description="ERR_DPOP_INVALID", ${META}`,
    );
  });

  it('asks for a nonce with use_dpop_nonce and DPoP-Nonce, then takes the proof that carries it', async () => {
    const protect = dpopGuard(true);
    const token = await boundToken();
    const first = await protect(await dpopRequest(token));
    if (first.ok) throw new Error('expected a nonce challenge');
    expect(first.response.status).toBe(401);
    expect(first.response.headers.get('www-authenticate')).toBe(
      `DPoP algs="ES256 EdDSA", error="use_dpop_nonce", error_description="ERR_DPOP_NONCE_REQUIRED", ${META}`,
    );
    const nonce = first.response.headers.get('dpop-nonce');
    expect(nonce).toMatch(/^[\w-]+$/);
    expect((await protect(await dpopRequest(token, { nonce }))).ok).toBe(true);
  });
});
