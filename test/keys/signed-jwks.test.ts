import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, memoryStore, signedJwks, type VerifierEvent } from '../../src/index.js';
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../helpers/keys.js';
import { codeOf, refusal } from '../helpers/outcome.js';
import { KeyServer } from '../helpers/key-server.js';
import { portableCrypto } from '../../src/portable.js';

const server = new KeyServer();
let anchor: TestKey;
let ecAnchor: TestKey;
let rogue: TestKey;
let k1: TestKey;
let k2: TestKey;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  await server.start();
  [anchor, ecAnchor, rogue, k1, k2] = await Promise.all([
    makeKey('anchor-1'),
    makeKey('anchor-ec', 'ES256'),
    makeKey('anchor-1'), // same kid as the anchor: a re-signing attacker
    makeKey('k1'),
    makeKey('k2'),
  ]);
});
afterAll(() => server.stop());
afterEach(() => server.reset());

interface SetOptions {
  by?: TestKey;
  keys?: TestKey[];
  iat?: number | undefined;
  exp?: number;
  iss?: string;
  typ?: string;
}

function signSet({ by = anchor, keys = [k1], typ = 'jwk-set+jwt', ...claims }: SetOptions = {}) {
  const payload: Record<string, unknown> = {
    keys: keys.map((k) => k.publicJwk),
    iss: ISSUER,
    iat: now(),
    ...claims,
  };
  if (payload.iat === undefined) delete payload.iat;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: by.alg, kid: by.kid, typ })
    .sign(by.privateKey);
}

function serve(jws: string, type = 'application/jwk-set+jwt', cacheControl?: string): void {
  server.routes.set('/signed', { body: jws, type, ...(cacheControl ? { cacheControl } : {}) });
}

function verifierWith(options: Record<string, unknown> = {}) {
  const events: VerifierEvent[] = [];
  const { clock, cache, crypto, ...rest } = options;
  const verifier = createVerifier({
    keys: signedJwks(`${server.url}/signed`, {
      anchors: { keys: [anchor.publicJwk] },
      issuer: ISSUER,
      retry: 0,
      cooldown: 1,
      ...rest,
    } as never),
    issuer: ISSUER,
    audience: AUDIENCE,
    onEvent: (e) => events.push(e),
    ...(clock ? { clock: clock as () => number } : {}),
    ...(cache ? { cache: cache as never } : {}),
    ...(crypto ? { crypto: crypto as never } : {}),
  });
  return { verifier, events };
}

describe('signedJwks(): creation', () => {
  it('refuses missing, private or symmetric anchors and bad options with TypeErrors', () => {
    const url = `${server.url}/signed`;
    expect(() => signedJwks(url, undefined as never)).toThrow(/^signedJwks\(\)/);
    expect(() => signedJwks(url, { anchors: {} })).toThrow(/^signedJwks\(\): anchors/);
    expect(() => signedJwks(url, { anchors: { keys: [anchor.privateJwk] } })).toThrow(
      /^signedJwks\(\): anchors: .*private key/,
    );
    expect(() => signedJwks(url, { anchors: { kty: 'oct', k: 'c2VjcmV0' } })).toThrow(TypeError);
    expect(() => signedJwks(url, { anchors: anchor.publicJwk, algorithms: ['HS256'] })).toThrow(
      /algorithms/,
    );
    expect(() => signedJwks(url, { anchors: anchor.publicJwk, issuer: 1 as never })).toThrow(
      /issuer/,
    );
    expect(signedJwks('http://idp.test/signed', { anchors: anchor.publicJwk }).kind).toBe(
      'signed-jwks',
    ); // plain http to another host: the anchors carry the trust
  });
});

describe('signedJwks(): reading a signed set', () => {
  it('verifies tokens with the keys of a set signed by an anchor (JWK, set, PEM, ES256)', async () => {
    for (const [by, anchors] of [
      [anchor, { keys: [anchor.publicJwk] }],
      [anchor, anchor.publicJwk],
      [anchor, anchor.publicPem],
      [ecAnchor, { keys: [ecAnchor.publicJwk] }],
    ] as const) {
      serve(await signSet({ by }));
      const { verifier } = verifierWith({ anchors });
      expect(await codeOf(verifier.verify(await sign(k1)))).toBe('OK');
    }
    serve(await signSet(), 'application/jwt');
    expect(await codeOf(verifierWith().verifier.verify(await sign(k1)))).toBe('OK');
  });

  it.each([
    [
      're-signed by another key with the anchor kid',
      { by: undefined, rogue: true },
      /no anchor key verifies/,
    ],
    ['typ JWT', { typ: 'JWT' }, /typ "JWT"/],
    ['another iss', { iss: 'https://evil.test' }, /iss "https:\/\/evil.test"/],
    ['no iat', { iat: undefined }, /no numeric iat/],
    ['exp passed', { exp: now() - 10 }, /expired/],
  ])('refuses a set %s (nothing held: ERR_KEY_INVALID)', async (_, setOptions, message) => {
    const { rogue: byRogue, ...rest } = setOptions as SetOptions & { rogue?: boolean };
    serve(await signSet(byRogue ? { ...rest, by: rogue } : rest));
    const error = await refusal(verifierWith().verifier.verify(await sign(k1)));
    expect(error.code).toBe('ERR_KEY_INVALID');
    expect(error.message).toMatch(message);
  });

  it('verifies only headers naming an anchor kid, and only allowed algorithms', async () => {
    serve(await signSet({ by: ecAnchor }));
    const kidMismatch = verifierWith({
      anchors: { keys: [{ ...ecAnchor.publicJwk, kid: 'other' }] },
    });
    expect((await refusal(kidMismatch.verifier.verify(await sign(k1)))).message).toMatch(
      /names no anchor key/,
    );
    const algs = verifierWith({ anchors: ecAnchor.publicJwk, algorithms: ['RS256'] });
    expect((await refusal(algs.verifier.verify(await sign(k1)))).message).toMatch(
      /signed with ES256; allowed: RS256/,
    );
  });

  it('reads only application/jwk-set+jwt or application/jwt', async () => {
    serve(await signSet(), 'application/json');
    const error = await refusal(verifierWith().verifier.verify(await sign(k1)));
    expect(error.code).toBe('ERR_KEY_FETCH_FAILED');
    expect(server.requests[0]!.headers.accept).toContain('application/jwk-set+jwt');
  });
});

describe('signedJwks(): the set held', () => {
  it('refuses a replayed older set and keeps the newer one; the same iat is accepted', async () => {
    let clock = Date.now();
    const at = Math.floor(clock / 1000);
    serve(await signSet({ keys: [k2], iat: at }), undefined, 'max-age=10');
    const { verifier, events } = verifierWith({ clock: () => clock });
    const token = (k: TestKey) => sign(k, {}, {}, Math.floor(clock / 1000));
    expect(await codeOf(verifier.verify(await token(k2)))).toBe('OK');
    serve(await signSet({ keys: [k1], iat: at - 60 }), undefined, 'max-age=10'); // older, validly signed
    clock += 11_000;
    expect(await codeOf(verifier.verify(await token(k2)))).toBe('OK'); // stale, held
    const error = events.find((e) => e.type === 'keys:error');
    expect(error?.type === 'keys:error' && error.error.message).toMatch(/replayed older set/);
    expect(await codeOf(verifier.verify(await token(k1)))).toBe('ERR_KEY_NOT_FOUND');
    serve(await signSet({ keys: [k1, k2], iat: at }), undefined, 'max-age=10'); // same iat
    clock += 2_000;
    expect(await codeOf(verifier.verify(await token(k1)))).toBe('OK');
  });

  it('counts a held set past its exp as nothing held, stale or not', async () => {
    let clock = Date.now();
    const at = Math.floor(clock / 1000);
    serve(await signSet({ iat: at, exp: at + 5 }), undefined, 'max-age=600');
    const { verifier } = verifierWith({ clock: () => clock, maxStale: 3600 });
    const token = () => sign(k1, {}, {}, Math.floor(clock / 1000));
    expect(await codeOf(verifier.verify(await token()))).toBe('OK');
    clock += 6_000; // fresh by max-age, but past exp: refetched, and the server still has it
    expect(await codeOf(verifier.verify(await token()))).toBe('ERR_KEY_INVALID');
    server.mode = 'status-503';
    clock += 2_000;
    expect(await codeOf(verifier.verify(await token()))).toBe('ERR_KEY_FETCH_FAILED');
  });

  it('verifies a stored signed set again when read back, and refuses a planted one', async () => {
    serve(await signSet({ keys: [k1] }));
    const store = memoryStore();
    const first = verifierWith({ cache: store });
    expect(await codeOf(first.verifier.verify(await sign(k1)))).toBe('OK');
    const second = verifierWith({ cache: store });
    expect(await codeOf(second.verifier.verify(await sign(k1)))).toBe('OK');
    expect(server.count('/signed')).toBe(1); // the stored set served, verified again
    const id = `signed-jwks:${server.url}/signed`;
    const held = (await store.get(id)) as Record<string, unknown>;
    const forged = await signSet({ by: rogue, keys: [k2] });
    for (const planted of [
      { ...held, keys: [k2.publicJwk] }, // keys swapped beside a genuine JWS
      { ...held, keys: [k2.publicJwk], signed: { jws: forged, iat: now() } },
      { ...held, signed: undefined, keys: [k2.publicJwk] }, // a plain set
    ]) {
      const planting = memoryStore();
      await planting.set(id, planted as never);
      const third = verifierWith({ cache: planting });
      expect(await codeOf(third.verifier.verify(await sign(k2)))).not.toBe('OK');
    }
  });
});

describe('signedJwks(): WebCrypto and portableCrypto alike', () => {
  it('gives every set and token the same result, code and message through both providers', async () => {
    const sets = {
      genuine: await signSet(),
      ec: await signSet({ by: ecAnchor }),
      resigned: await signSet({ by: rogue }),
      typ: await signSet({ typ: 'JWT' }),
      expired: await signSet({ exp: now() - 10 }),
      altered: (await signSet()).replace(/\.(.)/, (_, c: string) => `.${c === 'e' ? 'f' : 'e'}`),
    };
    const tokens = { k1: await sign(k1), k2: await sign(k2), rogue: await sign(rogue) };
    const outcomes = async (crypto: unknown) => {
      const out: Record<string, string> = {};
      for (const [name, jws] of Object.entries(sets)) {
        serve(jws);
        const anchors = { keys: [anchor.publicJwk, ecAnchor.publicJwk] };
        const { verifier } = verifierWith({ anchors, ...(crypto ? { crypto } : {}) });
        for (const [token, value] of Object.entries(tokens))
          out[`${name} ${token}`] = await verifier.verify(value).then(
            () => 'OK',
            (e: Error & { code: string }) => `${e.code} ${e.message}`,
          );
      }
      return out;
    };
    const web = await outcomes(undefined);
    expect(web['genuine k1']).toBe('OK');
    expect(web['ec k1']).toBe('OK');
    expect(web['resigned k1']).toMatch(/^ERR_KEY_INVALID .*no anchor key verifies/);
    expect(await outcomes(portableCrypto)).toEqual(web);
  });
});
