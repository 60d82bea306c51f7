import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createFetch,
  createMultiIssuerVerifier,
  jwks,
  memoryStore,
  type KeyStore,
  type SeveralIssuersOptions,
  type VerifierEvent,
} from '../../../src/index.js';
import { KeyServer } from '../../helpers/key-server.js';
import { makeKey, sign, type TestKey } from '../../helpers/keys.js';
import { codeAndClaim, codeOf } from '../../helpers/outcome.js';

// Three key servers on 127.0.0.1: issuers A and B with their own keys, and T, an Entra-style
// key set shared by every tenant of `${T}/{tenantid}/v2.0`, whose keys name that template.
const AUDIENCE = 'api://gateway';
const GUID = '5f1c2a3b-0d4e-4f60-8a7b-9c0d1e2f3a4b';
const servers = {
  a: new KeyServer(),
  b: new KeyServer(),
  t: new KeyServer(),
  bait: new KeyServer(),
};
let keyA: TestKey, keyB: TestKey, keyT: TestKey, keyA2: TestKey;
let now: number;
const clock = () => now;

const issuerOf = (name: 'a' | 'b') => servers[name].url;
const tenantIssuer = (tid: string) => `${servers.t.url}/${tid}/v2.0`;
const requests = () =>
  servers.a.requests.length + servers.b.requests.length + servers.t.requests.length;
const later = () => Math.floor(now / 1000);

beforeAll(async () => {
  await Promise.all(Object.values(servers).map((server) => server.start()));
  [keyA, keyB, keyT, keyA2] = await Promise.all([
    makeKey('a-1'),
    makeKey('b-1'),
    makeKey('t-1'),
    makeKey('a-2'),
  ]);
});
afterAll(() => Promise.all(Object.values(servers).map((server) => server.stop())));

beforeEach(() => {
  now = Date.now();
  for (const server of Object.values(servers)) server.reset();
  servers.a.json('/jwks', { keys: [keyA.publicJwk] });
  servers.b.json('/jwks', { keys: [keyB.publicJwk] });
  const template = `${servers.t.url}/{tenantid}/v2.0`;
  servers.t.json('/common/keys', { keys: [{ ...keyT.publicJwk, issuer: template }] });
});

function verifier(options: Partial<SeveralIssuersOptions> = {}) {
  const source = (url: string) => jwks(url, { timeout: 1, retry: 0 });
  return createMultiIssuerVerifier({
    issuers: [
      { issuer: issuerOf('a'), keys: source(`${servers.a.url}/jwks`) },
      { issuer: issuerOf('b'), keys: source(`${servers.b.url}/jwks`) },
      { issuer: `${servers.t.url}/{tenantid}/v2.0`, keys: source(`${servers.t.url}/common/keys`) },
    ],
    audience: AUDIENCE,
    clock,
    ...options,
  });
}

// Valid for a day from the test clock, so the clock can move past key freshness.
const tokenOf = (key: TestKey, iss: string, claims: Record<string, unknown> = {}) =>
  sign(key, { iss, aud: AUDIENCE, exp: later() + 86_400, iat: later(), ...claims });
const tenantToken = (tid: string, claims: Record<string, unknown> = {}) =>
  tokenOf(keyT, tenantIssuer(tid), { tid, ...claims });

describe('several issuers: each token is checked with its own issuer’s keys', () => {
  it('verifies tokens of A, B and three tenants of T, one key request per issuer', async () => {
    const v = verifier();
    expect((await v.verify(await tokenOf(keyA, issuerOf('a')))).payload.iss).toBe(issuerOf('a'));
    expect((await v.verify(await tokenOf(keyB, issuerOf('b')))).payload.iss).toBe(issuerOf('b'));
    for (const tid of [GUID, 'contoso', GUID.toUpperCase()])
      expect((await v.verify(await tenantToken(tid))).payload.tid).toBe(tid);
    expect([servers.a.count('/jwks'), servers.b.count('/jwks')]).toEqual([1, 1]);
    expect(servers.t.count('/common/keys')).toBe(1);
  });

  it("fetches one issuer's keys only for its own tokens", async () => {
    const v = verifier();
    await v.verify(await tokenOf(keyB, issuerOf('b')));
    expect([
      servers.a.requests.length,
      servers.b.requests.length,
      servers.t.requests.length,
    ]).toEqual([0, 1, 0]);
  });

  it("refuses a token of A signed with B's key, asking only A", async () => {
    const v = verifier();
    expect(await codeOf(v.verify(await tokenOf(keyB, issuerOf('a'))))).toBe('ERR_KEY_NOT_FOUND');
    // The same, with A's kid in the header: A's key does not verify B's signature.
    const forged = await tokenOf({ ...keyB, kid: 'a-1' }, issuerOf('a'));
    expect(await codeOf(v.verify(forged))).toBe('ERR_SIGNATURE_INVALID');
    expect(servers.a.count('/jwks')).toBe(1);
    expect(servers.b.requests.length).toBe(0);
  });

  it("refuses a tenant token signed with A's key, and an A token signed with T's key", async () => {
    const v = verifier();
    const tenantByA = await tokenOf(keyA, tenantIssuer('contoso'), { tid: 'contoso' });
    expect(await codeOf(v.verify(tenantByA))).toBe('ERR_KEY_NOT_FOUND');
    expect(await codeOf(v.verify(await tokenOf(keyT, issuerOf('a'))))).toBe('ERR_KEY_NOT_FOUND');
    expect(servers.b.requests.length).toBe(0);
  });
});

describe('several issuers: an iss that picks no entry costs no request', () => {
  it.each<[string, () => Promise<string>, [string, string]]>([
    [
      'an iss naming another server',
      () => tokenOf(keyA, servers.bait.url),
      ['ERR_CLAIM_INVALID', 'iss'],
    ],
    [
      'an iss naming a key URL, with jku',
      () => sign(keyA, { iss: `${servers.bait.url}/jwks` }, { jku: `${servers.bait.url}/jwks` }),
      ['ERR_CLAIM_INVALID', 'iss'],
    ],
    ['no iss', () => tokenOf(keyA, undefined as never), ['ERR_CLAIM_MISSING', 'iss']],
    [
      'A with a trailing slash',
      () => tokenOf(keyA, `${issuerOf('a')}/`),
      ['ERR_CLAIM_INVALID', 'iss'],
    ],
    ['a tenant segment ..', () => tenantToken('..'), ['ERR_CLAIM_INVALID', 'iss']],
    ['a tenant segment %2e%2e', () => tenantToken('%2e%2e'), ['ERR_CLAIM_INVALID', 'iss']],
    ['a tenant of two segments', () => tenantToken('a/b'), ['ERR_CLAIM_INVALID', 'iss']],
    ['iss __proto__', () => tokenOf(keyA, '__proto__'), ['ERR_CLAIM_INVALID', 'iss']],
  ])('%s', async (_what, make, expected) => {
    const v = verifier();
    expect(await codeAndClaim(v.verify(await make()))).toEqual(expected);
    expect(requests() + servers.bait.requests.length).toBe(0);
  });

  it('refuses a tenant outside `tenants` on a cold verifier with no request', async () => {
    const v = verifier({
      issuers: [
        {
          issuer: `${servers.t.url}/{tenantid}/v2.0`,
          keys: jwks(`${servers.t.url}/common/keys`),
          tenants: [GUID],
        },
      ],
    });
    expect(await codeAndClaim(v.verify(await tenantToken('contoso')))).toEqual([
      'ERR_CLAIM_INVALID',
      'iss',
    ]);
    expect(await codeAndClaim(v.verify(await tenantToken(GUID.toUpperCase())))).toEqual([
      'ERR_CLAIM_INVALID',
      'iss',
    ]);
    expect(requests()).toBe(0);
    expect(await codeOf(v.verify(await tenantToken(GUID)))).toBe('OK');
    expect(requests()).toBe(1);
  });

  it('reports routing refusals to onEvent, without the token', async () => {
    const events: VerifierEvent[] = [];
    const v = verifier({ onEvent: (event) => events.push(event) });
    await v.verify(await tokenOf(keyA, 'https://nobody.test')).catch(() => undefined);
    expect(events).toEqual([{ type: 'token:rejected', code: 'ERR_CLAIM_INVALID', claim: 'iss' }]);
  });
});

describe('several issuers: a template tenant is the token’s own tid', () => {
  it('refuses a token whose tid is not the tenant its iss names, or that has none', async () => {
    const v = verifier();
    expect(await codeAndClaim(v.verify(await tenantToken(GUID, { tid: 'contoso' })))).toEqual([
      'ERR_KEY_NOT_FOUND', // T's key serves {tenantid} only with the token's own tid
      undefined,
    ]);
    // A key set without issuer members: then the router's tid rule is what refuses.
    servers.t.json('/common/keys', { keys: [keyT.publicJwk] });
    const plain = verifier();
    expect(await codeAndClaim(plain.verify(await tenantToken(GUID, { tid: 'contoso' })))).toEqual([
      'ERR_CLAIM_INVALID',
      'tid',
    ]);
    expect(
      await codeAndClaim(plain.verify(await tenantToken(GUID, { tid: GUID.toUpperCase() }))),
    ).toEqual(['ERR_CLAIM_INVALID', 'tid']);
    expect(await codeAndClaim(plain.verify(await tenantToken(GUID, { tid: undefined })))).toEqual([
      'ERR_CLAIM_MISSING',
      'tid',
    ]);
  });

  it('routes a repeated token the same way, with and without the memo', async () => {
    for (const memo of [undefined, false as const]) {
      const v = verifier(memo === undefined ? {} : { memo });
      const tokens = [await tenantToken(GUID), await tokenOf(keyA, issuerOf('a'))];
      for (let i = 0; i < 3; i++)
        for (const token of tokens) expect((await v.verify(token)).token).toBe(token);
      await v.clear();
      for (const token of tokens) expect(await codeOf(v.verify(token))).toBe('OK');
    }
  });

  it('checks tid again on a token the memo remembers', async () => {
    servers.t.json('/common/keys', { keys: [keyT.publicJwk] });
    const v = verifier();
    const token = await tenantToken(GUID, { tid: 'other' });
    for (let i = 0; i < 2; i++)
      expect(await codeAndClaim(v.verify(token))).toEqual(['ERR_CLAIM_INVALID', 'tid']);
  });
});

describe('several issuers: keys, cooldown and outages stay per issuer', () => {
  it('a rotation at A refetches A only and leaves B’s remembered tokens alone', async () => {
    const events: VerifierEvent[] = [];
    const v = verifier({ onEvent: (event) => events.push(event) });
    const b = await tokenOf(keyB, issuerOf('b'));
    await v.verify(await tokenOf(keyA, issuerOf('a')));
    await v.verify(b);
    now += 31_000; // past A's cooldown
    servers.a.json('/jwks', { keys: [keyA.publicJwk, keyA2.publicJwk] });
    expect(await codeOf(v.verify(await tokenOf(keyA2, issuerOf('a'))))).toBe('OK');
    expect([servers.a.count('/jwks'), servers.b.count('/jwks')]).toEqual([2, 1]);
    events.length = 0;
    await v.verify(b); // still remembered: B's memo was not cleared by A's rotation
    expect(events).toEqual([]);
  });

  it('a flood of unknown kids at A costs A one request per cooldown and B nothing', async () => {
    const v = verifier();
    await v.verify(await tokenOf(keyA, issuerOf('a')));
    await v.verify(await tokenOf(keyB, issuerOf('b')));
    const start = now;
    for (let i = 0; i < 100; i++) {
      now = start + i * 1000; // 100 s
      await v.verify(await tokenOf({ ...keyA, kid: `made-up-${i}` }, issuerOf('a'))).catch(() => 0);
    }
    // One at the start, then at most one per 30 s cooldown.
    expect(servers.a.count('/jwks')).toBeLessThanOrEqual(1 + Math.ceil(100 / 30));
    expect(servers.b.count('/jwks')).toBe(1);
  });

  it("A's outage serves A's stale set, without delaying B", async () => {
    const events: VerifierEvent[] = [];
    const v = verifier({ onEvent: (event) => events.push(event) });
    const [a, b] = [await tokenOf(keyA, issuerOf('a')), await tokenOf(keyB, issuerOf('b'))];
    await v.verify(a);
    await v.verify(b);
    now += 700_000; // both sets stale (maxAge 600 s)
    servers.a.mode = 'hang';
    const stale = v.verify(a);
    const started = performance.now();
    expect(await codeOf(v.verify(b))).toBe('OK');
    expect(performance.now() - started).toBeLessThan(500); // A's fetch hangs for its 1 s timeout
    expect(await codeOf(stale)).toBe('OK');
    expect(events).toContainEqual(expect.objectContaining({ type: 'keys:stale' }));
    expect(servers.b.count('/jwks')).toBe(2);
  });
});

describe('several issuers: per-issuer state is bounded by maxIssuers', () => {
  /** A store that counts reads per key source: a dropped issuer's state is read back from it. */
  function countingStore(): KeyStore & { reads: Map<string, number> } {
    const inner = memoryStore();
    const reads = new Map<string, number>();
    return {
      reads,
      get: (key) => (reads.set(key, (reads.get(key) ?? 0) + 1), inner.get(key)),
      set: (key, value) => inner.set(key, value),
      delete: (key) => inner.delete(key),
    };
  }

  it('drops the least recently used issuer past maxIssuers, and reads its keys back from the store', async () => {
    const cache = countingStore();
    const v = verifier({ maxIssuers: 2, cache });
    const a = await tokenOf(keyA, issuerOf('a'));
    await v.verify(a);
    await v.verify(await tokenOf(keyB, issuerOf('b')));
    await v.verify(await tenantToken(GUID)); // a third issuer: A's state is dropped
    await v.verify(a);
    const idA = `jwks:${servers.a.url}/jwks`;
    expect(cache.reads.get(idA)).toBe(2); // made again, from the store
    expect(servers.a.count('/jwks')).toBe(1); // and no second request
  });

  it('keeps one key set for all the tenants of a template', async () => {
    const cache = countingStore();
    const v = verifier({ maxIssuers: 2, cache });
    for (let i = 0; i < 50; i++) await v.verify(await tenantToken(`tenant-${i}`));
    expect([...cache.reads.keys()]).toEqual([`jwks:${servers.t.url}/common/keys`]);
    expect(servers.t.count('/common/keys')).toBe(1);
  });
});

describe('several issuers: hydrate, clear, and the attach side', () => {
  it('hydrate fetches every issuer; one failing does not stop the others', async () => {
    servers.b.mode = 'status-500';
    const v = verifier();
    await expect(v.hydrate()).rejects.toMatchObject({ code: 'ERR_KEY_FETCH_FAILED' });
    expect([servers.a.count('/jwks'), servers.t.count('/common/keys')]).toEqual([1, 1]);
    await v.verify(await tokenOf(keyA, issuerOf('a')));
    expect(servers.a.count('/jwks')).toBe(1);
  });

  it('clear forgets every issuer’s keys', async () => {
    const v = verifier();
    const a = await tokenOf(keyA, issuerOf('a'));
    await v.verify(a);
    await v.clear();
    await v.verify(a);
    expect(servers.a.count('/jwks')).toBe(2);
  });

  it('plugs into createFetch: a token of an unknown issuer is never sent', async () => {
    servers.b.json('/api', { ok: true });
    const v = verifier();
    let token = await tokenOf(keyA, issuerOf('a'));
    const call = createFetch({
      verifier: v,
      getToken: () => token,
      allowedOrigins: [servers.b.url],
    });
    expect((await call(`${servers.b.url}/api`)).status).toBe(200);
    expect(servers.b.requests.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);
    token = await tokenOf(keyA, 'https://nobody.test');
    expect(await codeOf(call(`${servers.b.url}/api`))).toBe('ERR_CLAIM_INVALID');
  });
});
