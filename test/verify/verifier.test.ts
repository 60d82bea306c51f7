import { SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { refusal } from '../helpers/outcome.js';
import {
  createVerifier,
  isVerificationError,
  localJwks,
  type VerifierEvent,
  type VerifierOptions,
} from '../../src/index.js';
import {
  AUDIENCE,
  b64url,
  decodePart,
  ISSUER,
  makeKey,
  sign,
  signRaw,
  withPart,
  type TestKey,
} from '../helpers/keys.js';

let key: TestKey;
let other: TestKey;
let es: TestKey;

beforeAll(async () => {
  [key, other, es] = await Promise.all([makeKey('k1'), makeKey('k2'), makeKey('e1', 'ES256')]);
});

function verifier(options: Partial<VerifierOptions> = {}) {
  return createVerifier({
    keys: localJwks({ keys: [key.publicJwk, es.publicJwk] }),
    issuer: ISSUER,
    audience: AUDIENCE,
    ...options,
  });
}

describe('verify: a valid token', () => {
  it('resolves with payload, header and token', async () => {
    const token = await sign(key, { scope: 'read' });
    const result = await verifier().verify(token);
    expect(result.token).toBe(token);
    expect(result.header).toMatchObject({ alg: 'RS256', kid: 'k1' });
    expect(result.payload).toMatchObject({ iss: ISSUER, aud: AUDIENCE, scope: 'read' });
    expect(Object.isFrozen(result.payload)).toBe(true);
  });

  it('verifies ES256 when allowed, and only then', async () => {
    const token = await sign(es);
    await expect(verifier({ algorithms: ['ES256'] }).verify(token)).resolves.toBeTruthy();
    expect((await refusal(verifier().verify(token))).code).toBe('ERR_ALG_NOT_ALLOWED');
  });

  it('accepts an aud array containing one of several audiences', async () => {
    const token = await sign(key, { aud: ['other', AUDIENCE] });
    await expect(verifier({ audience: ['x', AUDIENCE] }).verify(token)).resolves.toBeTruthy();
  });
});

describe('verify: refused algorithms and signatures', () => {
  it('refuses alg none', async () => {
    const token = new UnsecuredJWT({
      iss: ISSUER,
      aud: AUDIENCE,
      exp: Math.floor(Date.now() / 1000) + 60,
    }).encode();
    expect((await refusal(verifier().verify(token))).code).toBe('ERR_ALG_NOT_ALLOWED');
  });

  it('refuses HS256, even when signed with the public key as the secret (key confusion)', async () => {
    const secret = new TextEncoder().encode(key.publicPem);
    const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setExpirationTime('5m')
      .sign(secret);
    expect((await refusal(verifier().verify(token))).code).toBe('ERR_ALG_NOT_ALLOWED');
  });

  it('refuses a tampered payload (MITM) with ERR_SIGNATURE_INVALID', async () => {
    const token = await sign(key, { role: 'user' });
    const tampered = withPart(token, 1, { ...decodePart(token, 1), role: 'admin' });
    expect((await refusal(verifier().verify(tampered))).code).toBe('ERR_SIGNATURE_INVALID');
  });

  it('refuses a token signed by a key not in the set, under a known kid', async () => {
    const forged = await sign({ ...other, kid: 'k1' });
    expect((await refusal(verifier().verify(forged))).code).toBe('ERR_SIGNATURE_INVALID');
  });

  it('refuses an unknown kid with ERR_KEY_NOT_FOUND', async () => {
    expect((await refusal(verifier().verify(await sign(other)))).code).toBe('ERR_KEY_NOT_FOUND');
  });

  it('never trusts an embedded jwk, jku or x5u header', async () => {
    const token = await sign(
      { ...other, kid: 'attacker' },
      {},
      {
        jwk: other.publicJwk,
        jku: 'https://evil.test/jwks.json',
        x5u: 'https://evil.test/cert.pem',
      },
    );
    expect((await refusal(verifier().verify(token))).code).toBe('ERR_KEY_NOT_FOUND');
  });

  it('tries each kid-less candidate key', async () => {
    const strip = ({ kid: _kid, ...jwk }: Record<string, unknown>) => jwk;
    const v = createVerifier({
      keys: localJwks({ keys: [strip(other.publicJwk), strip(key.publicJwk)] }),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    await expect(v.verify(await sign(key, {}, { kid: undefined }))).resolves.toBeTruthy();
    await expect(v.verify(await sign(key, {}, { kid: 'rotated-name' }))).resolves.toBeTruthy();
  });
});

describe('verify: claims', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('refuses an expired token, and honours leeway', async () => {
    const token = await sign(key, { exp: now() - 10 });
    const error = await refusal(verifier().verify(token));
    expect([error.code, error.claim]).toEqual(['ERR_TOKEN_EXPIRED', 'exp']);
    await expect(verifier({ leeway: '30s' }).verify(token)).resolves.toBeTruthy();
  });

  it('refuses nbf and iat in the future', async () => {
    const nbf = await refusal(verifier().verify(await sign(key, { nbf: now() + 60 })));
    expect([nbf.code, nbf.claim]).toEqual(['ERR_TOKEN_NOT_YET_VALID', 'nbf']);
    const iat = await refusal(verifier().verify(await sign(key, { iat: now() + 60 })));
    expect([iat.code, iat.claim]).toEqual(['ERR_TOKEN_NOT_YET_VALID', 'iat']);
    await expect(
      verifier({ leeway: 120 }).verify(await sign(key, { iat: now() + 60 })),
    ).resolves.toBeTruthy();
  });

  it('requires exp by default, and requiredClaims when set', async () => {
    const noExp = await refusal(verifier().verify(await sign(key, { exp: undefined })));
    expect([noExp.code, noExp.claim]).toEqual(['ERR_CLAIM_MISSING', 'exp']);
    await expect(
      verifier({ requiredClaims: [] }).verify(await sign(key, { exp: undefined })),
    ).resolves.toBeTruthy();
    const noJti = await refusal(
      verifier({ requiredClaims: ['exp', 'jti'] }).verify(await sign(key)),
    );
    expect([noJti.code, noJti.claim]).toEqual(['ERR_CLAIM_MISSING', 'jti']);
  });

  it.each([
    ['iss', { iss: 'https://evil.test' }, 'ERR_CLAIM_INVALID'],
    ['iss', { iss: undefined }, 'ERR_CLAIM_MISSING'],
    ['aud', { aud: 'someone-else' }, 'ERR_CLAIM_INVALID'],
    ['aud', { aud: undefined }, 'ERR_CLAIM_MISSING'],
  ])('checks %s: %j', async (claim, claims, code) => {
    const error = await refusal(verifier().verify(await sign(key, claims)));
    expect([error.code, error.claim]).toEqual([code, claim]);
  });

  it('skips iss and aud only when told with null', async () => {
    const token = await sign(key, { iss: undefined, aud: undefined });
    await expect(verifier({ issuer: null, audience: null }).verify(token)).resolves.toBeTruthy();
  });

  it('checks sub and typ', async () => {
    const sub = await refusal(verifier({ subject: 'user-2' }).verify(await sign(key)));
    expect([sub.code, sub.claim]).toEqual(['ERR_CLAIM_INVALID', 'sub']);
    const noSub = await refusal(
      verifier({ subject: 'user-1' }).verify(await sign(key, { sub: undefined })),
    );
    expect([noSub.code, noSub.claim]).toEqual(['ERR_CLAIM_MISSING', 'sub']);
    const at = await sign(key, {}, { typ: 'at+jwt' });
    await expect(verifier({ typ: 'application/AT+JWT' }).verify(at)).resolves.toBeTruthy();
    const typ = await refusal(
      verifier({ typ: 'at+jwt' }).verify(await sign(key, {}, { typ: 'JWT' })),
    );
    expect([typ.code, typ.claim]).toEqual(['ERR_CLAIM_INVALID', 'typ']);
  });

  it('applies maxTokenAge to iat', async () => {
    const old = await sign(key, { iat: now() - 3600 });
    const error = await refusal(verifier({ maxTokenAge: '30m' }).verify(old));
    expect([error.code, error.claim]).toEqual(['ERR_CLAIM_INVALID', 'iat']);
    const noIat = await refusal(
      verifier({ maxTokenAge: '30m' }).verify(await sign(key, { iat: undefined })),
    );
    expect([noIat.code, noIat.claim]).toEqual(['ERR_CLAIM_MISSING', 'iat']);
  });

  it.each([
    ['iss', 42],
    ['sub', { id: 1 }],
    ['aud', [AUDIENCE, 7]],
    ['exp', '9999999999'],
    ['nbf', 'yesterday'],
    ['iat', true],
    ['jti', 5],
  ])('refuses a registered claim %s of the wrong type', async (claim, value) => {
    const v = verifier({ issuer: null, audience: null, requiredClaims: [] });
    const error = await refusal(v.verify(await sign(key, { [claim]: value })));
    expect([error.code, error.claim]).toEqual(['ERR_CLAIM_INVALID', claim]);
  });

  it('refuses an exp of 1e999 (Infinity once parsed)', async () => {
    const token = await signRaw(
      key,
      { alg: 'RS256', kid: 'k1' },
      `{"iss":"${ISSUER}","aud":"${AUDIENCE}","exp":1e999}`,
    );
    const error = await refusal(verifier().verify(token));
    expect([error.code, error.claim]).toEqual(['ERR_CLAIM_INVALID', 'exp']);
  });
});

describe('verify: malformed input', () => {
  it.each([
    ['an empty string', ''],
    ['two segments', 'eyJhbGciOiJSUzI1NiJ9.e30'],
    ['four segments', 'a.b.c.d'],
    ['bad base64url', 'eyJhbGciOiJSUzI1NiJ9.e30=.c2ln'],
    ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.e30.c2ln`],
    ['a header that is an array', `${b64url([1])}.e30.c2ln`],
    ['a token over 16 KiB', `${b64url({ alg: 'RS256' })}.${'a'.repeat(16 * 1024)}.c2ln`],
  ])('refuses %s', async (_what, token) => {
    expect((await refusal(verifier().verify(token))).code).toBe('ERR_TOKEN_MALFORMED');
  });

  it.each([null, undefined, 42, {}, ['a.b.c']])('refuses non-string input %j', async (input) => {
    expect((await refusal(verifier().verify(input as never))).code).toBe('ERR_TOKEN_MALFORMED');
  });

  it('refuses a payload that is not a JSON object, once the signature holds', async () => {
    const token = await signRaw(key, { alg: 'RS256', kid: 'k1' }, '[1,2]');
    expect((await refusal(verifier().verify(token))).code).toBe('ERR_TOKEN_MALFORMED');
  });

  it.each([
    ['an unknown crit', { crit: ['exp-ext'], 'exp-ext': 1 }],
    ['b64: false', { b64: false, crit: ['b64'] }],
    ['b64: false without crit', { b64: false }],
    ['a kid that is not a string', { kid: 7 }],
    ['a zip parameter', { zip: 'DEF' }],
    ['a typ that is not a string', { typ: ['JWT'] }],
    ['a jku that is not a string', { jku: 1 }],
  ])('refuses a header with %s', async (_what, header) => {
    const token = await sign(key);
    const edited = withPart(token, 0, { ...decodePart(token, 0), ...header });
    expect((await refusal(verifier().verify(edited))).code).toBe('ERR_TOKEN_MALFORMED');
  });

  it('answers 2,000 random mutations of a token with a result or a VerificationError, never a crash', async () => {
    const token = await sign(key);
    const alphabet = 'AZaz09-_.=+/ {}"\\\u0000é';
    let seed = 42;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const v = verifier();
    for (let i = 0; i < 2000; i++) {
      const chars = [...token];
      for (let edits = 1 + random(4); edits > 0; edits--) {
        const at = random(chars.length);
        const op = random(3);
        if (op === 0) chars[at] = alphabet[random(alphabet.length)]!;
        else if (op === 1) chars.splice(at, 1);
        else chars.splice(at, 0, alphabet[random(alphabet.length)]!);
      }
      const outcome = await v.verify(chars.join('')).then(
        () => 'verified',
        (e: unknown) => e,
      );
      if (outcome !== 'verified') expect(isVerificationError(outcome), String(outcome)).toBe(true);
    }
  });

  it('never puts the token in an error message', async () => {
    const token = await sign(key, { exp: 1 });
    const tampered = withPart(token, 1, { ...decodePart(token, 1), admin: true });
    for (const input of [token, tampered, `${token}.x`, token.slice(0, -3)]) {
      const error = await refusal(verifier().verify(input));
      for (const part of input.split('.').filter((p) => p.length > 8))
        expect(error.message).not.toContain(part);
      expect(String(error.stack)).not.toContain(input);
    }
  });
});

describe('the memo', () => {
  it('does not check the signature of a remembered token again', async () => {
    const events: VerifierEvent[] = [];
    const v = verifier({ onEvent: (e) => events.push(e) });
    const token = await sign(key);
    const first = await v.verify(token);
    const second = await v.verify(token);
    expect(second).toBe(first);
    expect(events.filter((e) => e.type === 'keys:cache-hit')).toHaveLength(0); // local keys: no cache events
  });

  it('re-checks exp on every hit with the configured clock', async () => {
    let now = Date.now();
    const v = verifier({ clock: () => now });
    const token = await sign(key, { exp: Math.floor(now / 1000) + 60 });
    await v.verify(token);
    now += 61_000;
    const error = await refusal(v.verify(token));
    expect(error.code).toBe('ERR_TOKEN_EXPIRED');
  });

  it('re-checks maxTokenAge on every hit', async () => {
    let now = Date.now();
    const v = verifier({ clock: () => now, maxTokenAge: 60 });
    const token = await sign(key, { iat: Math.floor(now / 1000) });
    await v.verify(token);
    now += 120_000;
    const error = await refusal(v.verify(token));
    expect([error.code, error.claim]).toEqual(['ERR_CLAIM_INVALID', 'iat']);
  });

  it('is bounded: the least recently used token is forgotten', async () => {
    const v = verifier({ memo: { max: 2 } });
    const [a, b, c] = await Promise.all([
      sign(key, { n: 1 }),
      sign(key, { n: 2 }),
      sign(key, { n: 3 }),
    ]);
    const ra = await v.verify(a);
    const rb = await v.verify(b);
    expect(await v.verify(a)).toBe(ra); // a hit: a is now the most recently used
    await v.verify(c); // evicts b, the least recently used
    expect(await v.verify(a)).toBe(ra);
    const rb2 = await v.verify(b); // verified afresh: a new object
    expect(rb2).not.toBe(rb);
    expect(await v.verify(b)).toBe(rb2);
  });

  it('can be turned off', async () => {
    const v = verifier({ memo: false });
    const token = await sign(key);
    expect(await v.verify(token)).not.toBe(await v.verify(token));
  });

  it('forgets remembered tokens on clear()', async () => {
    const v = verifier();
    const token = await sign(key);
    const first = await v.verify(token);
    await v.clear();
    expect(await v.verify(token)).not.toBe(first);
  });
});

describe('events', () => {
  it('reports rejections with code and claim, never the token', async () => {
    const events: VerifierEvent[] = [];
    const v = verifier({ onEvent: (e) => events.push(e) });
    const token = await sign(key, { exp: 1 });
    await v.verify(token).catch(() => undefined);
    expect(events).toContainEqual({
      type: 'token:rejected',
      code: 'ERR_TOKEN_EXPIRED',
      claim: 'exp',
    });
    expect(JSON.stringify(events)).not.toContain(token.split('.')[1]);
  });

  it('survives a listener that throws', async () => {
    const v = verifier({
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    await expect(v.verify(await sign(key))).resolves.toBeTruthy();
  });
});

describe('verify: a bug is not a refusal', () => {
  it('rethrows an error none of the mappings explain, instead of calling the token invalid', async () => {
    const bug = new RangeError('clock broke');
    const events: VerifierEvent[] = [];
    const v = verifier({
      clock: () => {
        throw bug;
      },
      onEvent: (event) => events.push(event),
    });
    const error = await v.verify(await sign(key)).catch((e: unknown) => e);
    expect(error).toBe(bug);
    expect(events.filter((e) => e.type === 'token:rejected')).toEqual([]);
  });

  it('checks the signature over exactly the bytes sent: one changed byte anywhere is refused', async () => {
    const token = await sign(key);
    const v = verifier({ memo: false });
    for (const at of [1, token.indexOf('.') + 3, token.length - 5]) {
      const flipped = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
      expect((await refusal(v.verify(flipped))).code).toMatch(
        /ERR_SIGNATURE_INVALID|ERR_TOKEN_MALFORMED/,
      );
    }
  });
});

describe('verify: one token string per signature', () => {
  it('refuses a second spelling of a valid token (padding, +/, stray low bits) as malformed', async () => {
    const token = await sign(key);
    const v = verifier();
    await v.verify(token); // remembered: a respelling must not ride on the memo either
    const [h, p, s] = token.split('.') as [string, string, string];
    const lastBitsFlipped = (part: string) => {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(part.at(-1)!);
      return part.slice(0, -1) + alphabet[last ^ 1];
    };
    const spellings = [
      `${h}.${p}.${s}=`,
      `${h}.${p}=.${s}`,
      `${h}.${p.replace(/-/g, '+').replace(/_/g, '/')}.${s.replace(/-/g, '+')}`,
      `${h}.${p}.${lastBitsFlipped(s)}`,
      `${h}.${lastBitsFlipped(p)}.${s}`,
    ].filter((spelling) => spelling !== token);
    for (const spelling of spellings) {
      const error = await refusal(v.verify(spelling));
      expect([spelling === token, error.code]).toEqual([
        false,
        expect.stringMatching(/MALFORMED|SIGNATURE/),
      ]);
    }
    // Stray low bits decode to the same bytes: only the canonical check can refuse them.
    if (s.length % 4 !== 0)
      expect((await refusal(v.verify(`${h}.${p}.${lastBitsFlipped(s)}`))).code).toBe(
        'ERR_TOKEN_MALFORMED',
      );
  });
});
