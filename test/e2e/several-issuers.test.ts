import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMultiIssuerVerifier,
  jwks,
  discovery,
  memoryStore,
  type KeyStore,
  type SeveralIssuersOptions,
  type VerifierEvent,
} from '../../src/index.js';
import { KeyServer } from '../helpers/key-server.js';
import { makeKey, sign, type TestKey } from '../helpers/keys.js';
import { startProvider, type RunningProvider } from '../helpers/oidc-provider.js';
import { codeAndClaim, codeOf } from '../helpers/outcome.js';

// An edge gateway in front of one API: access tokens (RFC 9068) from two real OpenID providers
// (oidc-provider, client credentials, each with its own key) and from an Entra-style tenant
// issuer `${T}/{tenantid}/v2.0`, whose one key set (served by a local server) signs for every
// tenant and names that template in each key.
const API = 'https://api.gateway.test';
const SECRET = 'gateway-secret-gateway-secret-0123456789';
const KEYS_PATH = '/common/discovery/v2.0/keys';

const clientCredentials = {
  clients: [
    {
      client_id: 'gateway',
      client_secret: SECRET,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
  ],
  features: {
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => API,
      getResourceServerInfo: () => ({
        scope: 'read',
        audience: API,
        accessTokenFormat: 'jwt' as const,
        jwt: { sign: { alg: 'RS256' as const } },
      }),
    },
  },
  ttl: { ClientCredentials: 86_400 }, // valid across the clock moves below
};

let one: RunningProvider;
let two: RunningProvider;
const tenants = new KeyServer();
const bait = new KeyServer();
let tenantKey: TestKey;
let offset = 0; // how far the verifiers' clock is ahead of the real one
const clock = () => Date.now() + offset;
const template = () => `${tenants.url}/{tenantid}/v2.0`;

beforeAll(async () => {
  [one, two] = await Promise.all([
    startProvider(clientCredentials, 'one-1'),
    startProvider(clientCredentials, 'two-1'),
  ]);
  await Promise.all([tenants.start(), bait.start()]);
  tenantKey = await makeKey('entra-1');
  tenants.json(KEYS_PATH, { keys: [{ ...tenantKey.publicJwk, issuer: template() }] });
}, 30_000);

afterAll(() => Promise.all([one.stop(), two.stop(), tenants.stop(), bait.stop()]));

/** An access token from a real provider (client credentials, JWT format). */
async function accessToken(op: RunningProvider): Promise<string> {
  const response = await fetch(`${op.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`gateway:${SECRET}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials&scope=read',
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A token of one tenant of the template issuer, as Entra would sign it. */
const tenantToken = (tid: string, header: Record<string, unknown> = {}) =>
  sign(tenantKey, { iss: `${tenants.url}/${tid}/v2.0`, tid, aud: API }, header);

function gateway(options: Partial<SeveralIssuersOptions> = {}) {
  return createMultiIssuerVerifier({
    issuers: [
      { issuer: one.issuer, keys: discovery(one.issuer, { timeout: 2, retry: 0 }) },
      { issuer: two.issuer }, // keys: discovery(issuer)
      { issuer: template(), keys: jwks(`${tenants.url}${KEYS_PATH}`), typ: 'JWT' },
    ],
    audience: API,
    typ: 'at+jwt',
    clock,
    ...options,
  });
}

/** Requests seen by every server since `since` (a snapshot of the counts). */
const counts = () => ({
  one: one.requests.length,
  two: two.requests.length,
  tenants: tenants.requests.length,
  bait: bait.requests.length,
});
const since = (before: ReturnType<typeof counts>) => {
  const now = counts();
  return {
    one: now.one - before.one,
    two: now.two - before.two,
    tenants: now.tenants - before.tenants,
    bait: now.bait - before.bait,
  };
};

describe('an edge gateway accepting two OpenID providers and a tenant issuer', () => {
  it('verifies each issuer’s tokens with its own keys: discovery + jwks per provider, one key request for every tenant', async () => {
    const before = counts();
    const verifier = gateway();
    const [a, b] = await Promise.all([accessToken(one), accessToken(two)]);
    expect((await verifier.verify(a)).payload).toMatchObject({ iss: one.issuer, aud: API });
    expect((await verifier.verify(b)).payload).toMatchObject({ iss: two.issuer, aud: API });
    for (const tid of [randomUUID(), 'contoso', 'fabrikam-eu'])
      expect((await verifier.verify(await tenantToken(tid, { typ: 'JWT' }))).payload.tid).toBe(tid);
    expect(since(before)).toEqual({ one: 3, two: 3, tenants: 1, bait: 0 }); // /token, discovery, /jwks
    expect(one.requests.slice(-2)).toEqual(['/.well-known/openid-configuration', '/jwks']);
  });

  it("refuses a token naming provider one but signed with provider two's key", async () => {
    const verifier = gateway();
    await verifier.verify(await accessToken(one));
    const claims = { iss: one.issuer, aud: API, sub: 'gateway', client_id: 'gateway' };
    const forge = (kid: string) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid })
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(two.privateKey);
    const before = counts();
    expect(await codeOf(verifier.verify(await forge(two.kid)))).toBe('ERR_KEY_NOT_FOUND');
    expect(await codeOf(verifier.verify(await forge(one.kid)))).toBe('ERR_SIGNATURE_INVALID');
    // Provider two's keys are never asked for, whatever key signed: the iss chose provider one.
    expect(since(before)).toEqual({ one: 0, two: 0, tenants: 0, bait: 0 });
  });

  it('refuses an iss that picks no issuer with zero requests, even on a cold verifier', async () => {
    const verifier = gateway({
      issuers: [
        { issuer: one.issuer },
        { issuer: template(), keys: jwks(`${tenants.url}${KEYS_PATH}`), tenants: ['contoso'] },
      ],
      typ: 'JWT',
    });
    const before = counts();
    const refusals = [
      await codeAndClaim(verifier.verify(await sign(tenantKey, { iss: bait.url, aud: API }))),
      await codeAndClaim(
        verifier.verify(
          await sign(tenantKey, { iss: `${bait.url}/jwks`, aud: API }, { jku: `${bait.url}/jwks` }),
        ),
      ),
      await codeAndClaim(verifier.verify(await sign(tenantKey, { iss: undefined, aud: API }))),
      await codeAndClaim(verifier.verify(await tenantToken('fabrikam'))),
      await codeAndClaim(verifier.verify(await tenantToken('..'))),
    ];
    expect(refusals).toEqual([
      ['ERR_CLAIM_INVALID', 'iss'],
      ['ERR_CLAIM_INVALID', 'iss'],
      ['ERR_CLAIM_MISSING', 'iss'],
      ['ERR_CLAIM_INVALID', 'iss'],
      ['ERR_CLAIM_INVALID', 'iss'],
    ]);
    expect(since(before)).toEqual({ one: 0, two: 0, tenants: 0, bait: 0 });
  });
});

describe('1,000 tokens of random tenants', () => {
  /** A store that records which key sets it was asked for. */
  const recordingStore = (): KeyStore & { ids: Set<string> } => {
    const inner = memoryStore();
    const ids = new Set<string>();
    return {
      ids,
      get: (id) => (ids.add(id), inner.get(id)),
      set: (id, value) => (ids.add(id), inner.set(id, value)),
      delete: (id) => inner.delete(id),
    };
  };

  it('cost one key request and one key set, whatever the tenant', async () => {
    const cache = recordingStore();
    const verifier = gateway({ cache, maxIssuers: 2 });
    const tokens = await Promise.all(
      Array.from({ length: 1000 }, () => tenantToken(randomUUID(), { typ: 'JWT' })),
    );
    const before = counts();
    for (const token of tokens) await verifier.verify(token);
    expect(since(before)).toEqual({ one: 0, two: 0, tenants: 1, bait: 0 });
    expect([...cache.ids]).toEqual([`jwks:${tenants.url}${KEYS_PATH}`]);
  }, 60_000);

  it('with made-up kids, cost at most one request per 30 s cooldown', async () => {
    const results: number[] = [];
    for (let round = 0; round < 3; round++) {
      const verifier = gateway();
      const tokens = await Promise.all(
        Array.from({ length: 1000 }, () =>
          tenantToken(randomUUID(), { typ: 'JWT', kid: randomUUID() }),
        ),
      );
      const before = counts();
      const start = offset;
      for (const [i, token] of tokens.entries()) {
        offset = start + i * 100; // 1,000 tokens over 100 s
        expect(await codeOf(verifier.verify(token))).toBe('ERR_KEY_NOT_FOUND');
      }
      offset = start;
      results.push(since(before).tenants);
    }
    console.info(
      `key requests for 1,000 random tenants and kids over 100 s: ${results.join(', ')}`,
    );
    for (const requests of results) expect(requests).toBeLessThanOrEqual(1 + Math.ceil(100 / 30));
  }, 60_000);
});

describe('one provider down', () => {
  it("serves its tokens from its stale set while the other provider's tokens verify without delay", async () => {
    const events: VerifierEvent[] = [];
    const verifier = gateway({ onEvent: (event) => events.push(event) });
    const [a, b] = await Promise.all([accessToken(one), accessToken(two)]);
    await verifier.verify(a);
    await verifier.verify(b);
    offset += 700_000; // both key sets past their 600 s freshness
    one.mode = 'hang';
    try {
      const before = counts();
      const stale = verifier.verify(a).then(() => performance.now());
      const started = performance.now();
      expect(await codeOf(verifier.verify(b))).toBe('OK');
      const otherMs = performance.now() - started;
      const staleMs = (await stale) - started;
      console.info(
        `while provider one hangs: two ${otherMs.toFixed(0)} ms, one (stale) ${staleMs.toFixed(0)} ms`,
      );
      expect(otherMs).toBeLessThan(1000); // provider one's fetch waits out its 2 s timeout
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'keys:stale', source: `discovery:${one.issuer}` }),
      );
      // Within the cooldown, provider one's next token is served stale without asking again.
      expect(await codeOf(verifier.verify(a))).toBe('OK');
      expect(since(before)).toEqual({ one: 1, two: 2, tenants: 0, bait: 0 });
    } finally {
      one.mode = 'ok';
      offset = 0;
    }
  }, 30_000);
});
